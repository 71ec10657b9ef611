"""CSV and JSON renderings of an AEF workbook.

CSV: one file per table, header = the exact template labels in template order (Table 1 as one
row, like the others). JSON twin: the same rows keyed by CAD Trust field names
(``aefT{n}{Table}{Field}``, crosswalk in ``codelists/aef_fields.json``), ISO 8601 dates, CARP
placeholders as null, and an ``x-gateway`` block per row carrying our own identifiers.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from mappings.aef.codelists import field_spec
from mappings.aef.model import TABLE_KEYS, AefWorkbook, TableSpec, table_spec, table_specs
from mappings.aef.values import dmy_to_iso, to_dmy

EXTENSION_KEY = "x-gateway"


def csv_filename(spec: TableSpec) -> str:
    """File name of a table's CSV, e.g. ``table3_actions.csv``."""
    return f"table{spec.number}_{spec.key}.csv"


def write_csv(aef: AefWorkbook, out_dir: str | Path, *, bom: bool = False) -> list[Path]:
    """Write one CSV per table into ``out_dir``; ``bom=True`` writes UTF-8 with BOM (for Excel)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    encoding = "utf-8-sig" if bom else "utf-8"
    paths = []
    for spec in table_specs().values():
        path = out / csv_filename(spec)
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(spec.labels)
            for row in aef.table(spec.key):
                writer.writerow(["" if row.get(label) is None else row[label] for label in spec.labels])
        paths.append(path)
    return paths


def to_json(aef: AefWorkbook) -> dict[str, Any]:
    """Return the JSON twin (a JSON-ready dict) keyed by CAD Trust table and field names."""
    doc: dict[str, Any] = {EXTENSION_KEY: _document_extension(aef)}
    for key in TABLE_KEYS:
        spec = table_spec(key)
        provenance = aef.provenance.get(key, [])
        doc[spec.cadt_table] = [
            _json_row(spec, row, provenance[i] if i < len(provenance) else None)
            for i, row in enumerate(aef.table(key))
        ]
    return doc


def to_json_text(aef: AefWorkbook, *, indent: int | None = 2) -> str:
    """Return the JSON twin serialised as text (UTF-8, non-ASCII kept)."""
    return json.dumps(to_json(aef), ensure_ascii=False, indent=indent)


def from_json(doc: dict[str, Any]) -> AefWorkbook:
    """Rebuild an ``AefWorkbook`` from its JSON twin (inverse of ``to_json``)."""
    aef = AefWorkbook(metadata=dict(doc.get(EXTENSION_KEY, {}).get("metadata", {})))
    for key in TABLE_KEYS:
        spec = table_spec(key)
        rows = doc.get(spec.cadt_table, [])
        setattr(aef, key, [_row_from_json(spec, r) for r in rows])
        aef.provenance[key] = [r.get(EXTENSION_KEY) or {} for r in rows]
    return aef


def _document_extension(aef: AefWorkbook) -> dict[str, Any]:
    spec = field_spec()
    return {
        "format": "AEF JSON twin keyed by CAD Trust field names",
        "template_version": spec["version"],
        "crosswalk": "mappings/aef/codelists/aef_fields.json",
        "metadata": aef.metadata,
        "notes": aef.notes,
    }


def _json_row(spec: TableSpec, row: dict[str, Any], provenance: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = row.get(f.label)
        if f.carp_populated and value == f.template_placeholder:
            value = None
        elif f.kind == "date":
            value = dmy_to_iso(value)
        out[f.cadt_key] = value
    if provenance:
        out[EXTENSION_KEY] = provenance
    return out


def _row_from_json(spec: TableSpec, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = row.get(f.cadt_key)
        if f.carp_populated and value is None and f.template_placeholder:
            value = f.template_placeholder
        elif f.kind == "date" and isinstance(value, str) and len(value) == 10 and value[4] == "-":
            value = to_dmy(value)
        out[f.label] = value
    return out
