"""Write an AEF workbook by filling a copy of the official UNFCCC template with openpyxl.

The template is never redrawn: sheets, labels, header rows, merged cells, column widths and
formatting stay as the UNFCCC made them. Like the real Party submissions, data rows start right
below the header row, replacing the example values printed there; when there are more rows than
the template's formatted block, rows are inserted inside the block so its closing border moves down.
"""

from __future__ import annotations

from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

from mappings.aef.model import AefWorkbook, FieldSpec, TableSpec, table_specs
from mappings.aef.reference import template_path as default_template_path
from mappings.aef.values import parse_dmy

XLSX_DATE_FORMAT = "dd/mm/yyyy"


def write_xlsx(aef: AefWorkbook, template_path: str | Path | None, out_path: str | Path) -> Path:
    """Fill a copy of the AEF template with ``aef`` and save it to ``out_path``.

    ``template_path`` None means the shared reference template (see ``reference.template_path``).
    """
    wb = load_workbook(template_path or default_template_path())
    for spec in table_specs().values():
        ws = wb[spec.sheet]
        if spec.layout == "vertical":
            _write_vertical(ws, spec, aef.table(spec.key))
        else:
            _write_rows(ws, spec, aef.table(spec.key))
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def _write_vertical(ws: Worksheet, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    """Table 1: values go in column C next to the labels; CARP fields keep the placeholder."""
    row = rows[0] if rows else {}
    for f in spec.fields:
        value = row.get(f.label)
        if f.carp_populated and (value is None or value == f.template_placeholder):
            continue
        _set(ws.cell(f.row, column_index_from_string(f.column)), f, value)


def _block(spec: TableSpec) -> tuple[int, int]:
    """The template's formatted data block (example rows, or two rows for Table 5)."""
    if spec.example_rows:
        return spec.example_rows
    return spec.first_data_row, spec.first_data_row + 1


def _write_rows(ws: Worksheet, spec: TableSpec, rows: list[dict[str, Any]]) -> None:
    start, end = _block(spec)
    extra = len(rows) - (end - start + 1)
    if extra > 0:
        _grow_block(ws, start, end, extra)
    _clear(ws, spec, start, max(end, end + extra))
    for offset, row in enumerate(rows):
        for f in spec.fields:
            _set(ws.cell(start + offset, column_index_from_string(f.column)), f, row.get(f.label))


def _grow_block(ws: Worksheet, start: int, end: int, extra: int) -> None:
    """Insert ``extra`` rows before the block's last row, styled like the block's first row."""
    heights = {r: ws.row_dimensions[r].height for r in range(end, ws.max_row + 1)}
    ws.insert_rows(end, extra)
    for r, height in heights.items():
        ws.row_dimensions[r + extra].height = height
    for r in range(end, end + extra):
        ws.row_dimensions[r].height = ws.row_dimensions[start + 1].height
        for col in range(1, ws.max_column + 1):
            source = ws.cell(start + 1 if start + 1 < end else start, col)
            if source.has_style:
                ws.cell(r, col)._style = copy(source._style)


def _clear(ws: Worksheet, spec: TableSpec, first: int, last: int) -> None:
    """Remove the template's example values from the data block (field columns only)."""
    for f in spec.fields:
        col = column_index_from_string(f.column)
        for r in range(first, last + 1):
            ws.cell(r, col).value = None


def _set(cell: Any, f: FieldSpec, value: Any) -> None:
    """Write one value: dates become real dates shown as dd/mm/yyyy, as Parties file them."""
    if f.kind == "date" and (parsed := parse_dmy(value)) is not None:
        cell.value = datetime(parsed.year, parsed.month, parsed.day)
        cell.number_format = XLSX_DATE_FORMAT
        return
    cell.value = value
