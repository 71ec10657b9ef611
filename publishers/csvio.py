"""Reading the platform's annual report CSV (``/reports/{year}.csv``).

The file is meant to be GB18030; after an upgrade it came as UTF-8 with a BOM. Both load
identically here. Cells are normalised the way the file's known faults require: full-width
digits and signs (``１２３``, ``，``, ``．``, ``－``) become ASCII, thousands separators are
removed from numeric-looking cells, and the withheld marker ``涉密`` is kept verbatim (it
means "withheld as a commercial secret", not zero and not missing).
"""

from __future__ import annotations

import csv
import io
import re

#: The headers of the report file, in the order the platform publishes them.
REPORT_HEADERS: tuple[str, ...] = (
    "统一社会信用代码",
    "单位名称",
    "省份代码",
    "行业代码",
    "核算年度",
    "排放量(tCO2e)",
    "核查排放量(tCO2e)",
    "核查机构",
    "核查机构统一社会信用代码",
    "供电量(MWh)",
    "供热量(GJ)",
    "产品产量",
    "产品产量单位",
    "公开日期",
)
WITHHELD = "涉密"

# Full-width ASCII forms U+FF01..U+FF5E map to U+0021..U+007E; U+3000 is the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_MAX_LISTED = 10


class CsvError(ValueError):
    """A CSV body that cannot be read: ``error_type`` is ``malformed-csv`` or
    ``wrong-encoding``; ``message`` says what was wrong and where (row numbers)."""

    def __init__(self, message: str, *, error_type: str = "malformed-csv") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


# --------------------------------------------------------------------------- cells


def to_ascii_forms(text: str) -> str:
    """Replace full-width ASCII forms (``１``, ``，``, ``Ａ``) and U+3000 by their ASCII twins."""
    return text.translate(_FULL_WIDTH)


def normalise_number_text(s: str) -> str:
    """Normalise the text of a number: full-width to ASCII, thousands separators removed.

    ``"１，２３４．５"`` -> ``"1234.5"``; ``" 1,850,000 "`` -> ``"1850000"``. Text that does not
    look like a number once converted (``"涉密"``, ``"1,2345"``, ``"N/A"``) is returned
    unchanged, so that whoever validates it sees what was sent.
    """
    candidate = to_ascii_forms(s).strip()
    if _PLAIN_NUMBER.fullmatch(candidate):
        return candidate
    if _GROUPED_NUMBER.fullmatch(candidate):
        return candidate.replace(",", "")
    return s


def normalise_cell(text: str) -> str:
    """Normalise one CSV cell.

    Surrounding whitespace is stripped. A cell written only in ASCII and full-width ASCII
    forms (numbers, codes, dates) is converted to ASCII and, if numeric, loses its
    thousands separators. Cells with other characters (Chinese names, ``涉密``) are kept
    as they are.
    """
    stripped = text.strip().strip("\u3000")
    if all(ord(ch) < 0x80 or 0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" for ch in stripped):
        return normalise_number_text(to_ascii_forms(stripped).strip())
    return stripped


# --------------------------------------------------------------------------- files


def decode_csv_bytes(body: bytes, where: str = "") -> tuple[str, str]:
    """Decode a CSV body: UTF-8 (with or without BOM) first, then GB18030.

    Returns ``(text, encoding)``; raises ``wrong-encoding`` when neither decodes cleanly.
    """
    try:
        return body.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return body.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            raise CsvError(
                f"the CSV{where} is neither UTF-8 (bad byte at offset {utf8_error.start}) nor "
                f"GB18030 (bad byte at offset {gb_error.start})",
                error_type="wrong-encoding",
            ) from gb_error


def read_csv_rows(
    body: bytes, where: str = "", headers: tuple[str, ...] = REPORT_HEADERS
) -> list[dict[str, str]]:
    """Read a report CSV into one dict per row, keyed by the exact Chinese headers.

    Every header in ``headers`` must be present (extra columns are kept); empty rows are
    dropped; a row with more or fewer cells than the header is ``malformed-csv``.
    """
    text, _ = decode_csv_bytes(body, where)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise CsvError(f"the CSV{where} cannot be parsed: {exc}") from exc
    if not rows:
        raise CsvError(f"the CSV{where} is empty: no header row")
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    _check_header(header, headers, where)
    numbered = [(number, row) for number, row in enumerate(rows[1:], start=2) if not _empty(row)]
    _check_widths(numbered, len(header), where)
    return [dict(zip(header, map(normalise_cell, row), strict=True)) for _, row in numbered]


def _empty(row: list[str]) -> bool:
    return all(not cell.strip() for cell in row)


def _check_header(header: list[str], expected: tuple[str, ...], where: str) -> None:
    missing = [name for name in expected if name not in header]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if missing or duplicated:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if duplicated:
            problems.append(f"repeated column(s) {', '.join(duplicated)}")
        raise CsvError(
            f"the CSV{where} has a wrong header (row 1): {'; '.join(problems)}; "
            f"expected {','.join(expected)}"
        )


def _check_widths(numbered: list[tuple[int, list[str]]], width: int, where: str) -> None:
    ragged = [(number, len(row)) for number, row in numbered if len(row) != width]
    if ragged:
        listed = ", ".join(f"row {n} has {count}" for n, count in ragged[:_MAX_LISTED])
        more = f" and {len(ragged) - _MAX_LISTED} more" if len(ragged) > _MAX_LISTED else ""
        raise CsvError(f"the CSV{where} has ragged rows ({width} cells expected): {listed}{more}")
