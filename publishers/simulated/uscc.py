"""Unified Social Credit Codes (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_VALUES = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a USCC."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when ``code`` has 18 characters from the alphabet and a correct check character."""
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_char(code[:17]) == code[17]


def corrupt_check(code: str) -> str:
    """The same code with a wrong check character (as some official codes have)."""
    wrong = ALPHABET[(ALPHABET.index(code[17]) + 7) % 31]
    return code[:17] + wrong


def _org_check(body8: str) -> str:
    total = sum(_ORG_VALUES.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def make_uscc(rnd: random.Random, area: str, used: set[str], kind: str = "91") -> str:
    """A new valid, unused enterprise USCC registered in ``area`` (6-digit GB/T 2260 code)."""
    while True:
        if rnd.random() < 0.6:
            body = "MA" + "".join(rnd.choice(ALPHABET) for _ in range(6))
        else:
            body = "".join(rnd.choice("0123456789") for _ in range(8))
        first17 = kind + area + body + _org_check(body)
        code = first17 + check_char(first17)
        if code not in used:
            used.add(code)
            return code
