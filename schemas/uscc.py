"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def is_well_formed(code: str) -> bool:
    """18 characters, all from the GB 32100 alphabet."""
    return len(code) == 18 and all(c in _VALUE for c in code)


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a USCC."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def has_valid_check(code: str) -> bool:
    """True when a well-formed code's 18th character matches its check character."""
    return is_well_formed(code) and check_character(code[:17]) == code[17]
