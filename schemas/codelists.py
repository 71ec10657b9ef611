"""Bilingual code lists, kept as JSON data files in ``schemas/codelists/``.

Each file is one SKOS-like scheme: ``scheme``, ``version``, ``label`` (zh/en),
``source`` and ``codes`` — each code with ``notation``, ``zh``, ``en``, optional
``alt`` spellings and scheme-specific extras (e.g. a sector's IPCC 2006 category).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

CODELIST_DIR = Path(__file__).with_name("codelists")


@dataclass(frozen=True)
class CodeList:
    scheme: str
    version: str
    label: dict[str, str]
    source: str
    codes: tuple[dict[str, Any], ...]
    _lookup: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _by_notation: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False,
                                                    compare=False)

    def normalise(self, value: str) -> str | None:
        """The notation for a value given as notation, label or known alternative spelling."""
        return self._lookup.get(value.strip().casefold())

    def get(self, notation: str) -> dict[str, Any] | None:
        """The code entry for a notation, or None."""
        return self._by_notation.get(notation)

    def notations(self) -> list[str]:
        return [c["notation"] for c in self.codes]


def _build(doc: dict[str, Any]) -> CodeList:
    lookup: dict[str, str] = {}
    for code in doc["codes"]:
        for spelling in (code["notation"], code["zh"], code["en"], *code.get("alt", [])):
            lookup.setdefault(spelling.strip().casefold(), code["notation"])
    by_notation = {code["notation"]: code for code in doc["codes"]}
    return CodeList(doc["scheme"], doc["version"], doc["label"], doc["source"],
                    tuple(doc["codes"]), lookup, by_notation)


@cache
def codelist(scheme: str) -> CodeList:
    """Load one code list by scheme name (the file name without ``.json``)."""
    path = CODELIST_DIR / f"{scheme}.json"
    if not path.exists():
        raise KeyError(f"no code list named {scheme!r} in {CODELIST_DIR}")
    return _build(json.loads(path.read_text(encoding="utf-8")))


def all_codelists() -> dict[str, CodeList]:
    """Every code list shipped, by scheme name."""
    return {p.stem: codelist(p.stem) for p in sorted(CODELIST_DIR.glob("*.json"))}
