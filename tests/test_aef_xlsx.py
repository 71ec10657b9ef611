"""write_xlsx fills a copy of the official template: structure is compared cell by cell."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string

from mappings.aef import build_aef, read_aef_xlsx, template_path, write_xlsx
from mappings.aef.model import table_specs
from mappings.aef.values import parse_dmy
from tests.test_aef_data import AUTHORIZATIONS, ISSUANCES, PROJECTS, SUBMISSION_INFO, TRANSFERS


@pytest.fixture(scope="module")
def aef():
    return build_aef(2025, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=SUBMISSION_INFO)


def _many_transfers() -> list[dict]:
    """Twelve 2025 first transfers of 1,000 units each (more rows than the template's block)."""
    out = []
    for i in range(12):
        start = 100100001 + i * 1000
        out.append({**TRANSFERS[0], "serial_start": start, "serial_end": start + 999, "quantity": 1000,
                    "registry_seq": 20000 + i, "event_time": f"2025-10-{i + 1:02d}T10:00:00+08:00"})
    return out


def _cells(ws, max_row: int) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows(max_row=max_row) for c in row if c.value is not None}


def test_same_sheets_labels_and_header_rows(aef, tmp_path):
    out = write_xlsx(aef, None, tmp_path / "chn.xlsx")
    ours, theirs = openpyxl.load_workbook(out), openpyxl.load_workbook(template_path())
    assert ours.sheetnames == theirs.sheetnames
    for name in ("Index", "Summary information"):
        assert _cells(ours[name], ours[name].max_row) == _cells(theirs[name], theirs[name].max_row)
    for spec in table_specs().values():
        a, b = ours[spec.sheet], theirs[spec.sheet]
        assert a[spec.title_cell].value == spec.title
        top = spec.header_row if spec.layout == "rows" else 3
        assert _cells(a, top) == _cells(b, top), spec.sheet
        header_merges = {str(r) for r in b.merged_cells.ranges if r.max_row <= top}
        assert header_merges <= {str(r) for r in a.merged_cells.ranges}
        for letter, dim in b.column_dimensions.items():
            assert a.column_dimensions[letter].width == dim.width


def test_submission_values_sit_next_to_labels(aef, tmp_path):
    ws = openpyxl.load_workbook(write_xlsx(aef, None, tmp_path / "chn.xlsx"))["Table 1 Submission"]
    template = openpyxl.load_workbook(template_path())["Table 1 Submission"]
    for f in table_specs()["submission"].fields:
        assert ws[f"B{f.row}"].value == template[f"B{f.row}"].value == f.label
    assert ws["C4"].value == "CHN" and ws["C6"].value == 2025
    assert ws["C7"].value == datetime(2026, 4, 10) and ws["C7"].number_format == "dd/mm/yyyy"
    assert ws["C8"].value == template["C8"].value  # CARP placeholder untouched


def test_data_rows_in_template_columns(aef, tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(aef, None, tmp_path / "chn.xlsx"))
    for key in ("authorizations", "actions", "holdings", "authorized_entities"):
        spec, rows = table_specs()[key], aef.table(key)
        ws = wb[spec.sheet]
        for i, row in enumerate(rows):
            for f in spec.fields:
                cell = ws.cell(spec.first_data_row + i, column_index_from_string(f.column))
                expected = row[f.label]
                if f.kind == "date" and expected is not None:
                    assert cell.value == datetime.combine(parse_dmy(expected), datetime.min.time())
                else:
                    assert cell.value == expected, (key, i, f.label)
    # example values of the template were replaced, like real submissions do
    assert wb["Table 2 Authorizations"]["M12"].value is None
    assert wb["Table 3 Actions"]["C12"].value is None


def test_more_rows_than_the_template_block(tmp_path):
    aef = build_aef(2025, AUTHORIZATIONS, TRANSFERS + _many_transfers(), PROJECTS, ISSUANCES,
                    submission_info=SUBMISSION_INFO)
    assert len(aef.actions) == 15
    ws = openpyxl.load_workbook(write_xlsx(aef, None, tmp_path / "many.xlsx"))["Table 3 Actions"]
    template = openpyxl.load_workbook(template_path())["Table 3 Actions"]
    assert _cells(ws, 8) == _cells(template, 8)
    last = 9 + len(aef.actions) - 1
    assert ws.cell(last, 2).border.bottom.style == template.cell(13, 2).border.bottom.style == "medium"
    assert ws.cell(last + 1, 3).value is None


def test_written_workbook_reads_back(aef, tmp_path):
    back = read_aef_xlsx(write_xlsx(aef, None, tmp_path / "chn.xlsx"))
    assert back.tables() == aef.tables()
    assert back.notes == []
