"""What the DCAT catalogue says about the store: records per public kind and per period.

One summary serves both the live ``/catalog`` and the catalogue ``gateway publish``
writes: ``{kind: {count, first, last, modified, periods: {YYYY: {count, first, last}}}}``,
counted in SQL over the current tables, periods as ``mappings.rdf.period_of`` defines them.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import mappings.rdf as rdf
import schemas

from .store import current_table


def summary(conn: sqlite3.Connection, tier: str = "public") -> dict[str, dict[str, Any]]:
    """Records per kind publishable at ``tier`` and per period (kinds without any left out)."""
    found: dict[str, dict[str, Any]] = {}
    for kind in schemas.KINDS:
        if rdf.publishable(kind, tier):
            entry = kind_summary(conn, kind)
            if entry["periods"]:
                found[kind] = entry
    return found


def kind_summary(conn: sqlite3.Connection, kind: str) -> dict[str, Any]:
    column = rdf.PERIOD_FIELDS[kind]
    rows = conn.execute(
        f'SELECT substr(CAST("{column}" AS TEXT), 1, 4), COUNT(*), MIN(CAST("{column}" AS TEXT)),'
        f' MAX(CAST("{column}" AS TEXT)), MAX(_updated_at) FROM "{current_table(kind)}" '
        f'WHERE _retracted = 0 AND "{column}" IS NOT NULL GROUP BY 1 ORDER BY 1').fetchall()
    periods = {p: {"count": n, "first": _day(lo, p, "01-01"), "last": _day(hi, p, "12-31")}
               for p, n, lo, hi, _ in rows}
    return {"count": sum(p["count"] for p in periods.values()), "periods": periods,
            "modified": max((r[4] for r in rows), default=None),
            "first": min((p["first"] for p in periods.values()), default=None),
            "last": max((p["last"] for p in periods.values()), default=None)}


def _day(value: str, period: str, month_day: str) -> str:
    """A period bound: the value's date when it has one, else the year's first/last day."""
    return value[:10] if len(value) >= 10 else f"{period}-{month_day}"
