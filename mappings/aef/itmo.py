"""ITMO unique identifiers (decision 6/CMA.4, annex I, para 5) and serial-block arithmetic.

Form: ``<CA ID>-<Party ITMO registry ID>-<first transferring Party>-<serial>-<vintage>``,
e.g. ``CA0003-THA01-THA-20486307-2023``. Parties have written serials with comma thousands
separators (``7,144,362``); parsing accepts them, formatting never emits them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ITMO_RE = re.compile(
    r"^\s*(?P<ca>CA\d{4})-(?P<registry>[A-Z]{3}\d{2})-(?P<party>[A-Z]{3})-"
    r"(?P<serial>[1-9]\d{0,2}(?:\d*|(?:,\d{3})*))-(?P<vintage>\d{4})\s*$"
)


@dataclass(frozen=True)
class ItmoId:
    """A parsed ITMO unique identifier."""

    ca: str
    registry: str
    party: str
    serial: int
    vintage: int

    @property
    def prefix(self) -> tuple[str, str, str, int]:
        """Everything but the serial: identifies the serial space a block lives in."""
        return (self.ca, self.registry, self.party, self.vintage)

    def __str__(self) -> str:
        return format_itmo_id(self.ca, self.registry, self.party, self.serial, self.vintage)


def format_itmo_id(ca: str, registry: str, party: str, serial: int, vintage: int) -> str:
    """Return the full ITMO identifier string (no thousands separators)."""
    return f"{ca}-{registry}-{party}-{int(serial)}-{int(vintage)}"


def parse_itmo_id(value: Any) -> ItmoId | None:
    """Parse an ITMO identifier; return None when it does not follow the syntax."""
    if not isinstance(value, str):
        return None
    match = ITMO_RE.match(value)
    if not match:
        return None
    return ItmoId(
        ca=match["ca"], registry=match["registry"], party=match["party"],
        serial=int(match["serial"].replace(",", "")), vintage=int(match["vintage"]),
    )


@dataclass(frozen=True)
class Block:
    """An inclusive serial block within one ITMO serial space (prefix)."""

    prefix: tuple[str, str, str, int]
    start: int
    end: int

    @property
    def quantity(self) -> int:
        """Number of units in the block."""
        return self.end - self.start + 1

    def overlaps(self, other: Block) -> bool:
        """True when both blocks share at least one serial in the same serial space."""
        return self.prefix == other.prefix and self.start <= other.end and other.start <= self.end


def block_of(first: Any, last: Any) -> Block | None:
    """Return the block spanned by a First ID / Last ID pair, or None if they do not form one."""
    a, b = parse_itmo_id(first), parse_itmo_id(last)
    if a is None or b is None or a.prefix != b.prefix or a.serial > b.serial:
        return None
    return Block(a.prefix, a.serial, b.serial)


def subtract(blocks: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    """Remove the inclusive range ``cut`` from a list of inclusive ranges."""
    out: list[tuple[int, int]] = []
    lo, hi = cut
    for start, end in blocks:
        if end < lo or start > hi:
            out.append((start, end))
            continue
        if start < lo:
            out.append((start, lo - 1))
        if end > hi:
            out.append((hi + 1, end))
    return out


def merge(blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge adjacent or overlapping inclusive ranges."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(blocks):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def total(blocks: list[tuple[int, int]]) -> int:
    """Number of serials in a list of inclusive ranges."""
    return sum(end - start + 1 for start, end in blocks)
