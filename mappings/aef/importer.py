"""Read a Party's AEF workbook (CMA.6 template, or the older V1 draft) into an ``AefWorkbook``.

Real submissions vary: labels moved between header rows, merged note cells, example rows left in,
placeholder rows saying nothing happened, dates as datetimes or text, trailing spaces. The reader
is tolerant: it never raises on bad content, and records in ``aef.notes`` what it skipped or changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from mappings.aef import codelists
from mappings.aef.model import AefWorkbook, TableSpec, empty_row, table_specs
from mappings.aef.values import is_blank, is_na

HEADER_SCAN_ROWS = 40
V1_FORMAT = "AEF V1 (draft, decision 6/CMA.4 annex VII)"
V2_FORMAT = "AEF V2 (CMA.6 template)"


def read_aef_xlsx(path: str | Path) -> AefWorkbook:
    """Read an AEF workbook; what was skipped or normalised is listed in ``aef.notes``."""
    path = Path(path)
    aef = AefWorkbook(metadata={"source": path.name})
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # a corrupt file is bad data, reported like any other
        aef.add_note("unreadable", f"Cannot open workbook: {exc}", f"无法打开工作簿：{exc}")
        return aef
    sheets = {_norm(name): name for name in wb.sheetnames}
    if any(_norm(spec.sheet) in sheets for spec in table_specs().values()):
        _read_v2(wb, sheets, aef)
    elif "actions" in sheets or "holdings" in sheets:
        _read_v1(wb, sheets, aef)
    else:
        aef.add_note("unknown_layout", f"No AEF sheet found among {wb.sheetnames}.",
                     f"在 {wb.sheetnames} 中未找到AEF工作表。")
    aef.metadata.update({"party": aef.party, "reported_year": aef.reported_year})
    return aef


def _norm(value: Any) -> str:
    """Normalise a label for comparison: case, NBSP and runs of whitespace."""
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip().casefold()


def _clean(value: Any) -> tuple[Any, bool]:
    """Convert one cell value; the flag says whether surrounding whitespace was stripped."""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y"), False
    if isinstance(value, float) and value.is_integer():
        return int(value), False
    if isinstance(value, str):
        stripped = value.strip()
        return (stripped or None), stripped != value
    return value, False


# --- V2 (CMA.6 template) -----------------------------------------------------------------------

def _read_v2(wb: Workbook, sheets: dict[str, str], aef: AefWorkbook) -> None:
    aef.metadata["format"] = V2_FORMAT
    for spec in table_specs().values():
        name = sheets.get(_norm(spec.sheet))
        if name is None:
            aef.add_note("missing_sheet", f"Sheet {spec.sheet!r} is missing.", f"缺少工作表 {spec.sheet!r}。",
                         table=spec.key)
            continue
        reader = _read_vertical if spec.layout == "vertical" else _read_rows
        rows, provenance = reader(wb[name], spec, aef)
        setattr(aef, spec.key, rows)
        aef.provenance[spec.key] = provenance


def _find_label(ws: Worksheet, label: str, rows: Iterable[int]) -> list[tuple[int, int]]:
    target = _norm(label)
    hits = []
    for r in rows:
        for c in range(1, ws.max_column + 1):
            value = ws.cell(r, c).value
            if isinstance(value, str) and _norm(value) == target:
                hits.append((r, c))
    return hits


def _read_vertical(ws: Worksheet, spec: TableSpec, aef: AefWorkbook) -> tuple[list[dict], list[dict]]:
    row, stripped = empty_row(spec.key), 0
    for f in spec.fields:
        hits = _find_label(ws, f.label, range(1, min(ws.max_row, HEADER_SCAN_ROWS) + 1))
        if not hits:
            aef.add_note("missing_label", f"{spec.sheet}: label {f.label!r} not found.",
                         f"{spec.sheet}：未找到标签 {f.label!r}。", table=spec.key, field=f.label)
            continue
        r, c = hits[0]
        row[f.label], was_stripped = _clean(ws.cell(r, c + 1).value)
        stripped += was_stripped
    _note_stripped(aef, spec, stripped)
    return [row], [{"sheet": ws.title}]


def _header_row(ws: Worksheet, spec: TableSpec) -> int | None:
    """The row holding most of the table's labels."""
    labels = {_norm(label) for label in spec.labels}
    best, best_count = None, 0
    for r in range(1, min(ws.max_row, HEADER_SCAN_ROWS) + 1):
        count = sum(1 for c in range(1, ws.max_column + 1)
                    if isinstance(v := ws.cell(r, c).value, str) and _norm(v) in labels)
        if count > best_count:
            best, best_count = r, count
    return best


def _columns(ws: Worksheet, spec: TableSpec, header: int, aef: AefWorkbook) -> dict[str, int]:
    """Column of each label: searched in the header rows, else the template's column."""
    columns = {}
    for f in spec.fields:
        hits = _find_label(ws, f.label, range(max(1, header - 6), header + 1))
        cols = sorted({c for _, c in hits})
        template_col = column_index_from_string(f.column)
        if not cols:
            aef.add_note("missing_label", f"{spec.sheet}: label {f.label!r} not found; using template column {f.column}.",
                         f"{spec.sheet}：未找到标签 {f.label!r}，按模板列 {f.column} 读取。", table=spec.key, field=f.label)
        columns[f.label] = template_col if not cols or template_col in cols else cols[0]
    return columns


def _read_rows(ws: Worksheet, spec: TableSpec, aef: AefWorkbook) -> tuple[list[dict], list[dict]]:
    header = _header_row(ws, spec)
    if header is None:
        aef.add_note("missing_header", f"{spec.sheet}: header row not found.", f"{spec.sheet}：未找到表头行。",
                     table=spec.key)
        return [], []
    columns = _columns(ws, spec, header, aef)
    notes = _note_cells(ws, header, columns)
    rows, provenance, stripped = [], [], 0
    for r in range(header + 1, ws.max_row + 1):
        row, n = _row_values(ws, r, columns)
        stripped += n
        if _skip(spec, r, row, notes, aef):
            continue
        rows.append(row)
        provenance.append({"sheet": ws.title, "row": r})
    _note_stripped(aef, spec, stripped)
    return rows, provenance


def _row_values(ws: Worksheet, r: int, columns: dict[str, int]) -> tuple[dict[str, Any], int]:
    row, stripped = {}, 0
    for label, c in columns.items():
        row[label], was_stripped = _clean(ws.cell(r, c).value)
        stripped += was_stripped
    return row, stripped


def _note_cells(ws: Worksheet, header: int, columns: dict[str, int]) -> dict[int, str]:
    """Rows below the header carrying a merged cell that spans three or more field columns (a note)."""
    field_cols = set(columns.values())
    notes = {}
    for rng in ws.merged_cells.ranges:
        span = set(range(rng.min_col, rng.max_col + 1)) & field_cols
        if rng.min_row > header and len(span) >= 3:
            notes[rng.min_row] = str(ws.cell(rng.min_row, rng.min_col).value or "").strip()
    return notes


def _skip(spec: TableSpec, r: int, row: dict[str, Any], notes: dict[int, str], aef: AefWorkbook) -> bool:
    """Decide whether a sheet row is data; record why it is not."""
    if all(is_blank(v) for v in row.values()):
        return True
    where = {"table": spec.key, "sheet": spec.sheet, "sheet_row": r}
    if r in notes:
        aef.add_note("skipped_note_row", f"{spec.sheet} row {r}: note, not data: {notes[r]!r}",
                     f"{spec.sheet} 第{r}行：为说明文字而非数据：{notes[r]!r}", **where)
        return True
    identifying = [row.get(label) for label in spec.identifying]
    if all(is_blank(v) or is_na(v) for v in identifying):
        filled = {k: v for k, v in row.items() if not is_blank(v)}
        if all(spec.field(k).kind == "code" for k in filled):
            aef.add_note("skipped_example_row", f"{spec.sheet} row {r}: template example values left in: {filled}",
                         f"{spec.sheet} 第{r}行：保留的模板示例值：{filled}", **where)
        else:
            aef.add_note("skipped_placeholder_row", f"{spec.sheet} row {r}: no identifying data, skipped: {filled}",
                         f"{spec.sheet} 第{r}行：没有标识数据，已跳过：{filled}", **where)
        return True
    return False


def _note_stripped(aef: AefWorkbook, spec: TableSpec, count: int) -> None:
    if count:
        aef.add_note("stripped_whitespace", f"{spec.sheet}: leading/trailing spaces removed from {count} cells.",
                     f"{spec.sheet}：已去除 {count} 个单元格的首尾空格。", table=spec.key)


# --- V1 (draft AEF: Table 1 Heading, Table 2 Actions, Table 3 Holdings) ---------------------------

V1_COLUMNS: list[tuple[str, str | None, str | None]] = [
    # (V1 label prefix, V2 action/holding label, V2 authorization label)
    ("Article 6 database record ID", None, None),
    ("Cooperative approach", "Cooperative approach ID", "Cooperative approach ID"),
    ("First unique identifier", "First ID", None),
    ("Last unique identifier", "Last ID", None),
    ("Underlying unit block start ID", "First unit ID", None),
    ("Underlying unit last block end", "Last unit ID", None),
    ("Metric", "Metric", "Metric"),
    ("Quantity (expressed in metric)", "Quantity (in non-GHG metric)", None),
    ("Quantity (t CO2 eq)", "Quantity (t\u00a0CO2\u00a0eq)", None),
    ("Conversion factor", None, None),
    ("First transferring participating Party", "First transferring participating Party ID", None),
    ("Vintage", "Vintage", None),
    ("Sector(s)", None, "Sector(s)"),
    ("Activity type(s)", None, "Activity type(s)"),
    ("Date of authorization", None, "Date of authorization"),
    ("Authorization ID", "Authorization ID", "Authorization ID"),
    ("Purposes for authorization", None, "Purposes for authorization"),
    ("OIMP authorized by the Party", None, "OIMP authorized by the Party"),
    ("First transfer definition", None, "First transfer definition for OIMP"),
    ("Action date", "Action date", None),
    ("Action type", "Action type", None),
    ("Transferring participating Party", "Transferring participating Party ID", None),
    ("Acquiring participating Party", "Acquiring participating Party ID", None),
    ("Purposes for cancellation", "Purpose for which the ITMO has been used towards or cancelled for OIMP", None),
    ("Using participating Party or authorized entity or entities", "Using/cancelling participating Party ID", None),
    ("First transfer", None, None),
]


def _v1_match(text: str) -> tuple[str, str | None, str | None] | None:
    """Longest V1 label that prefixes ``text`` (V1 labels carry footnote letters: 'Metricf')."""
    norm = _norm(text)
    candidates = [c for c in V1_COLUMNS if norm.startswith(_norm(c[0]))]
    return max(candidates, key=lambda c: len(c[0])) if candidates else None


def _read_v1(wb: Workbook, sheets: dict[str, str], aef: AefWorkbook) -> None:
    aef.metadata["format"] = V1_FORMAT
    aef.add_note("v1_format", "V1 draft AEF: mapped to the CMA.6 tables; 'Article 6 database record ID', "
                 "'Conversion factor' and the 'First transfer' flag have no CMA.6 column and were dropped.",
                 "V1 草案格式：已映射到CMA.6表格；“第六条数据库记录编号”“换算系数”和“首次转让”标记在CMA.6中没有对应列，已舍弃。")
    first = wb[sheets.get("actions") or sheets["holdings"]]
    aef.submission = [_v1_heading(first, aef)]
    auths: dict[str, dict[str, Any]] = {}
    for key, sheet in (("actions", "actions"), ("holdings", "holdings")):
        if sheet in sheets:
            rows, provenance = _v1_rows(wb[sheets[sheet]], key, auths, aef)
            setattr(aef, key, rows)
            aef.provenance[key] = provenance
    aef.authorizations = list(auths.values())


def _v1_heading(ws: Worksheet, aef: AefWorkbook) -> dict[str, Any]:
    row = empty_row("submission")
    for r in range(1, 8):
        label, value = ws.cell(r, 2).value, _clean(ws.cell(r, 3).value)[0]
        if isinstance(label, str) and _norm(label) == "party":
            row["Party"] = _party_code(value, aef)
        elif isinstance(label, str) and _norm(label).startswith("reported year"):
            row["Reported year"] = value
    return row


def _party_code(value: Any, aef: AefWorkbook) -> Any:
    """Map a Party name ('Guyana') to its alpha-3 code when the name is unambiguous."""
    if not isinstance(value, str) or re.fullmatch(r"[A-Z]{3}", value):
        return value
    matches = [c["notation"] for c in codelists.load("party")["codes"] if _norm(c["en"]) == _norm(value)]
    if len(matches) == 1:
        aef.add_note("party_name", f"Party given as name {value!r}; read as {matches[0]}.",
                     f"缔约方以名称 {value!r} 填写，读作 {matches[0]}。")
        return matches[0]
    return value


def _v1_header(ws: Worksheet) -> int | None:
    for r in range(1, min(ws.max_row, HEADER_SCAN_ROWS) + 1):
        for c in range(1, ws.max_column + 1):
            value = ws.cell(r, c).value
            if isinstance(value, str) and _norm(value).startswith("first unique identifier"):
                return r
    return None


def _v1_columns(ws: Worksheet, header: int) -> dict[int, tuple[str, str | None, str | None]]:
    columns = {}
    for c in range(1, ws.max_column + 1):
        for r in range(header, max(1, header - 3), -1):
            value = ws.cell(r, c).value
            if isinstance(value, str) and (match := _v1_match(value)):
                columns[c] = match
                break
    return columns


def _v1_rows(ws: Worksheet, key: str, auths: dict[str, dict[str, Any]], aef: AefWorkbook) -> tuple[list[dict], list[dict]]:
    header = _v1_header(ws)
    if header is None:
        aef.add_note("missing_header", f"{ws.title}: V1 header row not found.", f"{ws.title}：未找到V1表头行。", table=key)
        return [], []
    columns = _v1_columns(ws, header)
    rows, provenance, footnotes = [], [], 0
    for r in range(header + 1, ws.max_row + 1):
        values = {c: _clean(ws.cell(r, c).value)[0] for c in range(1, ws.max_column + 1)}
        filled = {c: v for c, v in values.items() if not is_blank(v)}
        if not filled:
            continue
        if list(filled) == [2] or not set(filled) & set(columns):
            footnotes += 1
            continue
        rows.append(_v1_row(key, values, columns, auths))
        provenance.append({"sheet": ws.title, "row": r})
    if footnotes:
        aef.add_note("skipped_footnotes", f"{ws.title}: {footnotes} footnote rows skipped.",
                     f"{ws.title}：跳过 {footnotes} 行脚注。", table=key)
    return rows, provenance


def _v1_row(key: str, values: dict[int, Any], columns: dict, auths: dict[str, dict[str, Any]]) -> dict[str, Any]:
    row = empty_row(key)
    auth = empty_row("authorizations")
    for c, (_, target, auth_target) in columns.items():
        if target and target in row:
            row[target] = values.get(c)
        if auth_target:
            auth[auth_target] = values.get(c)
    auth_id = auth.get("Authorization ID")
    if auth_id and auth_id not in auths:
        auths[str(auth_id)] = auth
    return row

