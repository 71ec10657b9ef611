"""public.db: public-tier fields only, every column declared, withheld stays withheld."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

import schemas
from gateway.publish.public_db import DB_NAME, specs
from gateway.publish.public_tables import (
    AGGREGATED_ONLY,
    RECORD_TABLES,
    Source,
    field_tier,
)
from gateway.publish.public_views import MIN_CELL, allocation_total_rows
from gateway.pulls import pull
from gateway.settings import PublisherSettings

from . import test_public_db_sample as _sample
from .samples import raw
from .test_public_db_sample import RESTRICTED, SampleConnector

# Session fixtures shared with the Datasette and browser tests.
sample_store, sample_site, demo_site = _sample.sample_store, _sample.sample_site, _sample.demo_site

# Which ways of deriving a column may read which tiers.
PUBLIC_ONLY = {"field", "label", "link", "derived"}
NO_RECORD_CONTENT = {"reference", "release", "quality"}


def _open(site: dict) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{site['db']}?mode=ro", uri=True)


def _relations(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Tables and views a reader can see (not FTS internals or SQLite statistics)."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%'")]
    fts = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")}
    shadows = {n for n in names for f in fts if n.startswith(f + "_")}
    return {n: [c[1] for c in conn.execute(f'PRAGMA table_xinfo("{n}")')]
            for n in names if n not in fts | shadows}


def _declared() -> dict[str, dict[str, Source]]:
    tables, views = specs()
    return {s.name: s.columns for s in [*tables, *views]}


def _assert_public(where: str, source: Source) -> None:
    assert source.how in PUBLIC_ONLY | NO_RECORD_CONTENT | {"aggregate"}, where
    if source.how in ("field", "label"):
        assert field_tier(source.kind, source.field) == "public", where
    if source.how == "link":
        for key in schemas.KINDS[source.kind].key_fields:
            assert field_tier(source.kind, key) == "public", f"{where}: key {key}"
    if source.how == "derived":
        assert source.inputs, f"{where}: a derived column names its inputs"
        for dotted in source.inputs:
            kind, name = dotted.split(".", 1)
            assert field_tier(kind, name) == "public", f"{where}: input {dotted}"
    if source.how == "aggregate":
        assert source.kind in AGGREGATED_ONLY, f"{where}: aggregate of a published kind"
        assert source.inputs, f"{where}: an aggregate names its inputs"


def test_every_column_of_every_table_and_view_maps_to_a_public_field(demo_site):
    declared = _declared()
    with _open(demo_site) as conn:
        relations = _relations(conn)
    assert set(relations) == set(declared), "undeclared or missing tables/views"
    for name, columns in relations.items():
        assert columns == list(declared[name]), f"{name}: columns differ from the declaration"
        for column in columns:
            _assert_public(f"{name}.{column}", declared[name][column])


def test_record_tables_are_exactly_the_kinds_with_public_keys():
    for kind in schemas.KINDS:
        keys_public = all(field_tier(kind, k) == "public" for k in schemas.KINDS[kind].key_fields)
        assert (kind in RECORD_TABLES) == keys_public, kind
        assert (kind in AGGREGATED_ONLY) == (not keys_public), kind


def test_restricted_values_never_enter_the_file(sample_site):
    dump = "\n".join(_open(sample_site).iterdump())
    for name, value in RESTRICTED.items():
        if name == "allocation":
            for i in range(10):        # per-unit allocations; only their total is public
                assert not re.search(rf"\b{value + i}\b", dump)
        else:
            assert str(value) not in dump, name
    for column in ("secured_amount", "buy_account", "buy_uscc", "lab_report_no", "trade_id"):
        assert column not in dump, column
    raw_bytes = Path(sample_site["db"]).read_bytes()
    assert RESTRICTED["buy_account"].encode() not in raw_bytes   # not even in free pages


def test_withheld_values_are_marked_withheld_never_zero(sample_site):
    with _open(sample_site) as conn:
        rows = conn.execute("SELECT verified_emissions, electricity_supplied, withheld, "
                            "withheld_zh, withheld_en FROM emission_reports "
                            "WHERE withheld IS NOT NULL").fetchall()
        view = conn.execute("SELECT verified_emissions, withheld FROM emissions_by_unit_year "
                            "WHERE withheld IS NOT NULL").fetchall()
    assert len(rows) == 2 and len(view) == 2
    for verified, electricity, withheld, zh, en in rows:
        assert verified is None and electricity is None
        assert withheld == "electricity_supplied, verified_emissions"
        assert "核查排放量" in zh and "Verified emissions" in en


def test_codes_have_labels_in_both_languages_beside_them(sample_site):
    with _open(sample_site) as conn:
        conn.row_factory = sqlite3.Row
        unit = conn.execute("SELECT * FROM units WHERE name = '海螺水泥芜湖有限公司'").fetchone()
        day = conn.execute("SELECT * FROM market_days LIMIT 1").fetchone()
        status = conn.execute("SELECT DISTINCT status, status_zh, status_en FROM compliance "
                              "WHERE status = 'NON_COMPLIANT'").fetchone()
    assert (unit["sector"], unit["sector_zh"], unit["sector_en"]) == ("CEMENT", "水泥", "Cement")
    assert unit["province_code_zh"] == "安徽省"
    assert tuple(status) == ("NON_COMPLIANT", "未履约", "Non-compliant")
    assert "上海环境能源交易所" in day["source"]


def test_numbers_are_numbers_and_links_are_built_from_keys(sample_site):
    with _open(sample_site) as conn:
        value, uri, api = conn.execute(
            "SELECT verified_emissions, uri, api_url FROM emission_reports "
            "WHERE withheld IS NULL ORDER BY uscc, year LIMIT 1").fetchone()
        org = conn.execute("SELECT uri FROM units LIMIT 1").fetchone()[0]
    assert isinstance(value, int)
    assert uri.startswith("http://gateway.test/id/emission_report/") and uri.endswith("/2023")
    assert api.startswith("http://gateway.test/api/v1/emission_report/")
    assert org.startswith("http://gateway.test/id/org/uscc/")


def test_aggregates_of_restricted_kinds(sample_site):
    with _open(sample_site) as conn:
        trades = conn.execute("SELECT SUM(trades) FROM trade_counts").fetchone()[0]
        allocation = conn.execute("SELECT units, quantity FROM allocation_totals").fetchall()
        quality = conn.execute("SELECT kind, error_type, records FROM data_quality").fetchall()
    assert trades == 30
    assert allocation == [(10, sum(RESTRICTED["allocation"] + i for i in range(10)))]
    assert ("compliance", "negative-quantity", 1) in quality
    assert ("market_day", "invalid-date", 1) in quality


def test_small_allocation_totals_are_suppressed(store):
    records = [("allocation", raw("allocation", seq=str(100 + i), Uscc=u))
               for i, u in enumerate(["91420100MA4K00010R", "91110000100000008J"])]
    pull(store, PublisherSettings("s", "registry", "http://s"), SampleConnector(records))
    (row,) = list(allocation_total_rows(store.conn))
    assert row["units"] == 2 < MIN_CELL
    assert row["quantity"] is None and "fewer than" in row["suppressed"]


def test_the_site_directory_is_ready_to_serve_immutable(sample_site):
    site = Path(sample_site["site"])
    assert sorted(p.name for p in site.iterdir()) == [
        "inspect-data.json", "metadata.json", "plugins", DB_NAME, "settings.json", "static"]
    inspect = json.loads((site / "inspect-data.json").read_text())
    assert inspect["public"]["file"] == DB_NAME
    assert inspect["public"]["tables"]["units"]["count"] == sample_site["tables"]["units"]
    with _open(sample_site) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0   # vacuumed


def test_metadata_describes_every_column_in_both_languages(sample_site):
    metadata = json.loads((Path(sample_site["site"]) / "metadata.json").read_text())
    tables = metadata["databases"]["public"]["tables"]
    with _open(sample_site) as conn:
        relations = _relations(conn)
    for name, columns in relations.items():
        described = tables[name]["columns"]
        assert set(described) == set(columns), name
        assert "·" in tables[name]["title"], name
    assert tables["emission_reports"]["columns"]["verified_emissions"] == (
        "核查排放量 · Verified emissions · 单位 unit: tCO2e")
    assert metadata["license"] == "CC BY 4.0"
    assert "cneeex" in tables["market_days"]["source_url"]
    assert {"search_names", "non_compliant", "top_emitters_by_sector", "price_history",
            "pledges_by_bank"} <= set(metadata["databases"]["public"]["queries"])


def test_republishing_replaces_the_file_in_one_step(sample_store, tmp_path):
    from .test_public_db_sample import publish_site

    first = publish_site(sample_store, tmp_path)
    inode = Path(first["db"]).stat().st_ino
    second = publish_site(sample_store, tmp_path)
    assert Path(second["db"]).stat().st_ino != inode          # a new file renamed over it
    assert not [p for p in Path(second["site"]).iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("table", ["entities", "units", "ccer_projects", "pledges"])
def test_names_have_a_trigram_index(sample_site, table):
    with _open(sample_site) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                           (f"{table}_fts",)).fetchone()[0]
    assert "trigram" in sql
