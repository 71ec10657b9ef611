"""Publish step ``public_db``: the public SQLite database and the Datasette site around it.

Writes ``OUT/datasette/``, a Datasette configuration directory::

    public.db            public-tier fields only, friendly views, aggregates, trigram FTS
    inspect-data.json    `datasette inspect` output: Datasette serves public.db immutable
    metadata.json        datasette_config/metadata.yaml + generated zh/en descriptions
    settings.json  plugins/  templates/  static/     copied from datasette_config/

``public.db`` is built in a temporary file next to its final place, vacuumed, and
renamed over the old one, so a reader never sees half a database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlite_utils

import gateway

from .public_metadata import CONFIG_DIR, site_metadata
from .public_tables import (
    EXCHANGE_SOURCE,
    NESTED_TABLES,
    RECORD_TABLES,
    TableSpec,
    all_record_specs,
    nested_rows,
    record_rows,
    unit_rows,
)
from .public_views import (
    aggregate_specs,
    allocation_total_rows,
    check_findings_rows,
    codes_rows,
    data_quality_rows,
    trade_count_rows,
    view_specs,
)

STEP = "public_db"
ORDER = 10
SITE_DIR = "datasette"
DB_NAME = "public.db"
COPIED = ("settings.json", "plugins", "templates", "static")
INDEXES = {"emission_reports": [("year",)], "compliance": [("compliance_year", "status")],
           "entities": [("list_year",), ("sector",)], "pledges": [("pledgee_uscc",)],
           "market_days": [("trade_date",)], "trade_counts": [("trade_date",)]}


def run(ctx: Any) -> dict[str, Any]:
    site = ctx.out_dir / SITE_DIR
    site.mkdir(parents=True, exist_ok=True)
    final = site / DB_NAME
    temp = site / f".{DB_NAME}.{os.getpid()}.tmp"
    temp.unlink(missing_ok=True)
    try:
        summary = build(ctx.store.conn, temp, ctx.settings.base_uri, ctx.release)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    write_site_config(site, ctx.settings.base_uri)
    write_inspect(site)
    return {"site": str(site), "db": str(final), "bytes": final.stat().st_size, **summary}


def specs() -> tuple[list[TableSpec], list]:
    """Every table spec (record tables, then aggregates) and every view spec."""
    tables = all_record_specs() + aggregate_specs()
    views = view_specs({t.name: t for t in tables})
    return tables, views


def build(store_conn: Any, path: Path, base_uri: str, release: str) -> dict[str, Any]:
    """Write ``public.db`` at ``path`` (which must not exist) from the store."""
    tables, views = specs()
    by_name = {t.name: t for t in tables}
    db = sqlite_utils.Database(path)
    counts: dict[str, int] = {}
    with db.atomic():
        for spec in _referenced_first(tables):
            db[spec.name].create(spec.types, pk=_pk(spec.pk),
                                 foreign_keys=spec.foreign_keys or None)
        for name, rows in _rows(store_conn, by_name, base_uri, release):
            counts[name] = _insert(db, by_name[name], rows)
        for spec in tables:
            if spec.fts:
                db[spec.name].enable_fts(list(spec.fts), tokenize="trigram")
            for columns in INDEXES.get(spec.name, []):
                db[spec.name].create_index(list(columns))
        for view in views:
            db.create_view(view.name, view.sql)
    db.execute("ANALYZE")
    db.close()
    db = sqlite_utils.Database(path)
    db.vacuum()
    db.close()
    return {"tables": counts, "views": [v.name for v in views]}


def _insert(db: sqlite_utils.Database, spec: TableSpec, rows: Any) -> int:
    """Insert rows (dicts) as tuples in the declared column order; returns the count."""
    columns = list(spec.columns)
    sql = (f'INSERT INTO "{spec.name}" ({", ".join(f"[{c}]" for c in columns)}) '
           f"VALUES ({', '.join('?' * len(columns))})")
    cursor = db.conn.executemany(sql, (tuple(row.get(c) for c in columns) for row in rows))
    return max(cursor.rowcount, 0)


def _pk(pk: tuple[str, ...] | None) -> Any:
    if not pk:
        return None
    return pk[0] if len(pk) == 1 else pk


def _referenced_first(tables: list[TableSpec]) -> list[TableSpec]:
    """Tables in an order where every table comes after the tables it references."""
    done: dict[str, TableSpec] = {}
    pending = list(tables)
    while pending:
        ready = [t for t in pending
                 if all(o in done or o == t.name for _, o, _ in t.foreign_keys)]
        if not ready:
            raise ValueError(f"foreign keys form a cycle among {[t.name for t in pending]}")
        for table in ready:
            done[table.name] = table
            pending.remove(table)
    return list(done.values())


def _rows(conn: Any, by_name: dict[str, TableSpec], base: str, release: str):
    for kind, name in RECORD_TABLES.items():
        yield name, record_rows(conn, kind, by_name[name], base)
    for (kind, list_field), name in NESTED_TABLES.items():
        yield name, nested_rows(conn, kind, list_field, by_name[name])
    yield "units", unit_rows(conn, base)
    yield "trade_counts", trade_count_rows(conn)
    yield "allocation_totals", allocation_total_rows(conn)
    yield "data_quality", data_quality_rows(conn)
    yield "check_findings", check_findings_rows(conn)
    yield "codes", codes_rows()
    yield "release", release_rows(conn, base, release)


def release_rows(conn: Any, base: str, release: str) -> list[dict[str, str]]:
    last = conn.execute("SELECT MAX(finished_at) FROM runs WHERE status = 'ok'").fetchone()[0]
    facts = {"release": release,
             "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "base_uri": base, "api": f"{base}/api/v1/",
             "last_successful_pull": last or "",
             "gateway_version": gateway.__version__,
             "market_data_source": EXCHANGE_SOURCE,
             "licence": "CC BY 4.0 (market data: cite the exchange)"}
    return [{"name": k, "value": v} for k, v in facts.items()]


def write_site_config(site: Path, base_uri: str) -> None:
    """Copy settings, plugins, templates and static files; write the merged metadata."""
    for name in COPIED:
        source, target = CONFIG_DIR / name, site / name
        if target.is_dir():
            shutil.rmtree(target)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target)
    tables, views = specs()
    metadata = site_metadata(tables, views, base_uri)
    temp = site / ".metadata.json.tmp"
    temp.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temp, site / "metadata.json")


def write_inspect(site: Path) -> None:
    """`datasette inspect` (run in the site directory, so the file name is relative)."""
    temp = ".inspect-data.json.tmp"
    subprocess.run([sys.executable, "-m", "datasette", "inspect", DB_NAME,
                    "--inspect-file", temp], cwd=site, check=True, capture_output=True)
    os.replace(site / temp, site / "inspect-data.json")
