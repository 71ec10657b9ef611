"""Text normalisation for numbers and identifiers sent by the internal systems.

The platform's files carry full-width digits (１２３), full-width punctuation and
thousands separators; these functions turn such text into plain ASCII before parsing.
"""

from __future__ import annotations

import re

_FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９＋－．，"}
_FULL_WIDTH.update({0x3000: 0x20, 0x2212: ord("-")})  # ideographic space, minus sign
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def to_halfwidth(text: str) -> str:
    """Replace full-width digits, signs and separators with their ASCII forms."""
    return text.translate(_FULL_WIDTH)


def number_text(text: str) -> tuple[str, bool]:
    """Normalise the text of a number; return it and whether anything was changed.

    Full-width characters become ASCII and well-formed thousands separators are
    removed (``"1,850,000"`` → ``"1850000"``). Badly placed commas are left in place,
    so that parsing fails with a clear error instead of guessing.
    """
    original = text
    text = to_halfwidth(text).strip().replace(" ", "")
    if "," in text and _THOUSANDS.match(text):
        text = text.replace(",", "")
    return text, text != original.strip()
