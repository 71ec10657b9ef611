"""The platform's report CSV: encodings, cell normalisation, typed errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publishers.csvio import (
    REPORT_HEADERS,
    WITHHELD,
    CsvError,
    decode_csv_bytes,
    normalise_cell,
    normalise_number_text,
    read_csv_rows,
    to_ascii_forms,
)

HEADER = ",".join(REPORT_HEADERS)
ROW_A = (
    '91420100MA4K00010R,某某发电有限公司,420000,4411,2024,"1,850,321","1,849,900",'
    '某某认证中心,914403001922038216,"2,100,000",0,,,2025-05-20'
)
ROW_SECRET = (
    "91110000100000008J,某某钢铁（集团）有限公司,420000,3120,2024,涉密,涉密,某某认证中心,"
    "914403001922038216,涉密,涉密,涉密,吨,2025-05-20"
)
ROW_FULL_WIDTH = (
    '914403001922038216,某某水泥有限公司,440000,3011,２０２４,"１，２３４，５６７",１２３４５６７．５,'
    "某某认证中心,914403001922038216,０,－１２,９８７，６５４,吨,２０２５－０５－２０"
)
TEXT = "\r\n".join([HEADER, ROW_A, ROW_SECRET, ROW_FULL_WIDTH]) + "\r\n"


def rows_of(body: bytes) -> list[dict[str, str]]:
    return read_csv_rows(body, " at http://platform.test/reports/2024.csv")


def error_of(body: bytes) -> CsvError:
    with pytest.raises(CsvError) as info:
        rows_of(body)
    return info.value


# --------------------------------------------------------------------------- encodings


def test_gb18030_and_utf8_bom_and_utf8_load_identically() -> None:
    gb = rows_of(TEXT.encode("gb18030"))
    bom = rows_of(TEXT.encode("utf-8-sig"))
    plain = rows_of(TEXT.encode("utf-8"))
    assert gb == bom == plain
    assert len(gb) == 3
    assert list(gb[0]) == list(REPORT_HEADERS)  # exact Chinese headers, BOM gone
    assert gb[1]["单位名称"] == "某某钢铁（集团）有限公司"


def test_decode_reports_the_encoding_it_used() -> None:
    assert decode_csv_bytes("涉密".encode("gb18030"))[1] == "gb18030"
    assert decode_csv_bytes("\ufeff涉密".encode())[1] == "utf-8"


def test_bytes_in_neither_encoding_are_wrong_encoding() -> None:
    error = error_of(HEADER.encode("gb18030") + b"\r\n\xff\xff\xff\r\n")
    assert error.error_type == "wrong-encoding"
    assert "2024.csv" in error.message and "offset" in error.message


# --------------------------------------------------------------------------- cells


def test_thousands_separators_are_removed() -> None:
    row = rows_of(TEXT.encode("gb18030"))[0]
    assert row["排放量(tCO2e)"] == "1850321"
    assert row["供电量(MWh)"] == "2100000"
    assert row["产品产量"] == ""  # empty stays empty


def test_full_width_digits_and_signs_are_normalised() -> None:
    row = rows_of(TEXT.encode("gb18030"))[2]
    assert row["核算年度"] == "2024"
    assert row["排放量(tCO2e)"] == "1234567"
    assert row["核查排放量(tCO2e)"] == "1234567.5"
    assert row["供电量(MWh)"] == "0"
    assert row["供热量(GJ)"] == "-12"
    assert row["产品产量"] == "987654"
    assert row["公开日期"] == "2025-05-20"


def test_withheld_cells_are_kept_verbatim() -> None:
    row = rows_of(TEXT.encode("gb18030"))[1]
    for header in ("排放量(tCO2e)", "核查排放量(tCO2e)", "供电量(MWh)", "产品产量"):
        assert row[header] == WITHHELD == "涉密"


def test_chinese_text_cells_are_untouched() -> None:
    assert normalise_cell(" 某某１号热电厂 ") == "某某１号热电厂"
    assert normalise_cell("９１４２０１００MA4K00010R") == "91420100MA4K00010R"


def test_trailing_empty_rows_are_dropped() -> None:
    body = (TEXT + "\r\n,,,,,,,,,,,,,\r\n\r\n   \r\n").encode("gb18030")
    assert len(rows_of(body)) == 3


# --------------------------------------------------------------------------- errors


def test_wrong_header_is_malformed_csv() -> None:
    body = TEXT.replace("核查机构统一社会信用代码", "核查机构代码").encode("gb18030")
    error = error_of(body)
    assert error.error_type == "malformed-csv"
    assert "row 1" in error.message and "核查机构统一社会信用代码" in error.message


def test_ragged_rows_are_malformed_csv_with_row_numbers() -> None:
    lines = [HEADER, ROW_A, ROW_SECRET + ",extra", ROW_FULL_WIDTH.rsplit(",", 2)[0]]
    error = error_of("\n".join(lines).encode("gb18030"))
    assert error.error_type == "malformed-csv"
    assert "row 3 has 15" in error.message and "row 4 has 12" in error.message


def test_empty_file_is_malformed_csv() -> None:
    assert error_of(b"").error_type == "malformed-csv"


def test_extra_columns_are_kept() -> None:
    body = "\n".join([HEADER + ",备注", ROW_A + ",补发"]).encode("gb18030")
    assert rows_of(body)[0]["备注"] == "补发"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,850,000", "1850000"),
        (" 97.50 ", "97.50"),
        ("１，２３４．５", "1234.5"),
        ("－１２", "-12"),
        ("-1,000.125", "-1000.125"),
        ("涉密", "涉密"),
        ("1,2345", "1,2345"),
        ("N/A", "N/A"),
        ("", ""),
    ],
)
def test_normalise_number_text_examples(text: str, expected: str) -> None:
    assert normalise_number_text(text) == expected


def full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_grouped_integers_lose_their_separators(n: int) -> None:
    assert normalise_number_text(f"{n:,}") == str(n)
    assert normalise_number_text(full_width(f"{n:,}")) == str(n)
    assert normalise_number_text(str(n)) == str(n)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_grouped_decimals_keep_their_value(d: Decimal) -> None:
    result = normalise_number_text(f"{d:,.2f}")
    assert Decimal(result) == d
    assert normalise_number_text(full_width(f"{d:,.2f}")) == result


@given(st.text())
def test_normalise_number_text_is_idempotent(text: str) -> None:
    once = normalise_number_text(text)
    assert normalise_number_text(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1))
def test_chinese_text_is_returned_unchanged(text: str) -> None:
    assert normalise_number_text(text) == text
    assert normalise_cell(text) == text


def test_to_ascii_forms_maps_the_full_width_block() -> None:
    assert to_ascii_forms("０１２３４５６７８９，．－＋") == "0123456789,.-+"
