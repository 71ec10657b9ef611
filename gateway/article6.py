"""Article 6.2 reporting from the store: the AEF for a year, checked before export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mappings.aef import (
    AefWorkbook,
    Finding,
    build_aef,
    check_aef,
    to_json_text,
    write_csv,
    write_xlsx,
)

from .store import current_table

FORMATS = ("xlsx", "csv", "json")
AEF_KINDS = ("a6_authorization", "a6_transfer", "ccer_project", "ccer_issuance")


@dataclass
class AefReport:
    year: int
    aef: AefWorkbook
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def current_records(conn: sqlite3.Connection, kind: str) -> list[dict[str, Any]]:
    """Every current (not retracted) record of a kind, as canonical JSON dicts."""
    rows = conn.execute(
        f'SELECT _record FROM "{current_table(kind)}" WHERE _retracted = 0 ORDER BY _key')
    return [json.loads(row[0]) for row in rows]


def aef_for_year(conn: sqlite3.Connection, year: int,
                 submission_info: dict[str, Any] | None = None) -> AefReport:
    """Build China's AEF for ``year`` from the store's Article 6 records (any connection,
    read-only is enough) and run the single-Party checks."""
    records = {kind: current_records(conn, kind) for kind in AEF_KINDS}

    def build(for_year: int) -> AefWorkbook:
        return build_aef(for_year, records["a6_authorization"], records["a6_transfer"],
                         records["ccer_project"], records["ccer_issuance"],
                         submission_info=submission_info)
    aef = build(year)
    # Last year's report, rebuilt from the same records, lets ISC02/ISC03 run in full.
    return AefReport(year, aef, check_aef(aef, previous=build(year - 1)))


def write_aef(report: AefReport, out: Path, fmt: str, bom: bool = False) -> list[Path]:
    """Write the AEF as the filled official template, one CSV per table, or the JSON twin."""
    if fmt == "xlsx":
        return [write_xlsx(report.aef, None, out)]
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        return write_csv(report.aef, out, bom=bom)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_json_text(report.aef), encoding="utf-8")
        return [out]
    raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
