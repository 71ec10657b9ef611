"""The public Datasette site, through Datasette's own test client (no server, no browser)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from datasette.app import Datasette

from . import test_public_db_sample as _sample

sample_store, sample_site = _sample.sample_store, _sample.sample_site

BOM = "\ufeff".encode()


@pytest.fixture
async def ds(sample_site):
    datasette = Datasette(config_dir=Path(sample_site["site"]))
    await datasette.invoke_startup()
    return datasette


async def get_json(ds, path: str, status: int = 200):
    response = await ds.client.get(path)
    assert response.status_code == status, response.text[:500]
    return response.json()


async def test_home_page_is_bilingual_and_lists_the_tables(ds):
    home = await ds.client.get("/")
    assert home.status_code == 200
    assert "全国碳市场信息公开" in home.text and "Open Data" in home.text
    response = await ds.client.get("/public")
    assert "公开数据 · Public data" in response.text
    for table in ("emission_reports", "compliance", "market_days", "pledges", "ccer_projects",
                  "a6_transfers", "data_quality", "emissions_by_unit_year"):
        assert f'href="/public/{table}"' in response.text, table
    assert "CC BY 4.0" in response.text


async def test_served_immutable_with_inspected_counts(ds):
    (db,) = [d for d in await get_json(ds, "/-/databases.json") if d["name"] == "public"]
    assert db["is_mutable"] is False and db["hash"]
    settings = await get_json(ds, "/-/settings.json")
    assert settings["suggest_facets"] is False
    plugins = {p["name"] for p in await get_json(ds, "/-/plugins.json")}
    assert {"datasette-vega", "datasette-block-robots", "datasette-sitemap",
            "chinese_search.py", "csv_bom.py", "public_cells.py"} <= plugins


async def test_default_facets_and_no_suggested_facets(ds):
    data = await get_json(ds, "/public/entities.json?_size=1")
    assert set(data["facet_results"]) == {"list_year", "sector_zh", "province_code_zh"}
    assert data["suggested_facets"] == []
    sectors = {r["value"]: r["count"] for r in data["facet_results"]["sector_zh"]["results"]}
    assert sectors["发电"] == 14 and sectors["水泥"] == 2


async def test_a_facet_filter_narrows_the_table(ds):
    data = await get_json(ds, "/public/compliance.json?status_zh=未履约&_shape=objects")
    assert {r["status"] for r in data["rows"]} == {"NON_COMPLIANT"}
    assert data["filtered_table_rows_count"] == 3


@pytest.mark.parametrize(("query", "expected"), [
    ("华能", {"华能武汉发电有限公司", "华能岳阳电厂"}),          # 2 characters: LIKE fallback
    ("发电有限", {"华能武汉发电有限公司", "国家能源集团九江发电有限公司", "华电江陵发电有限公司"}),
    ("华能 电厂", {"华能岳阳电厂"}),                               # every term must match
    ("Plant 1 电厂", {"Plant 1 电厂"}),
    ("电", {"华能武汉发电有限公司", "大唐湖北电厂", "国家能源集团九江发电有限公司",
           "华电江陵发电有限公司", "华润电力（武汉）有限公司", "Plant 1 电厂", "华能岳阳电厂"}),
    ("50%", set()),                                                # LIKE wildcards are literal
])
async def test_table_search_works_for_chinese_terms_of_any_length(ds, query, expected):
    response = await ds.client.get("/public/units.json", params={"_search": query,
                                                                  "_shape": "array"})
    assert response.status_code == 200, response.text
    assert {r["name"] for r in response.json()} == expected


async def test_the_search_box_keeps_a_short_term(ds):
    response = await ds.client.get("/public/units", params={"_search": "华能"})
    assert 'name="_search" value="华能"' in response.text
    assert "2 rows" in response.text


@pytest.mark.parametrize(("q", "ids"), [
    ("华能", {"91420100MA4K00000Q", "91420100MA4K00009L", "CCER-P-2024-000018"}),
    ("海上风电", {"CCER-P-2024-000017", "CCER-P-2024-000018"}),
    ("湖北银行", {"91420000MA4K8BANKB"}),
])
async def test_the_name_search_query_falls_back_to_like(ds, q, ids):
    rows = await get_json(ds, f"/public/search_names.json?q={q}&_shape=array")
    assert {r["id"] for r in rows} == ids


@pytest.mark.parametrize(("query", "params", "check"), [
    ("non_compliant", "year=2024", lambda rows: {r["status"] for r in rows} == {"NON_COMPLIANT"}
     and all(r["shortfall"] > 0 for r in rows)),
    ("non_compliant", "year=", lambda rows: {r["compliance_year"] for r in rows} == {2023, 2024}),
    ("top_emitters_by_sector", "year=2024&sector=发电&top=2",
     lambda rows: [r["rank_in_sector"] for r in rows] == [1, 2]
     and rows[0]["verified_emissions"] >= rows[1]["verified_emissions"]),
    ("price_history", "subject=COMCEA&from_date=2024-11-10&to_date=2024-11-12",
     lambda rows: [r["trade_date"] for r in rows] == ["2024-11-10", "2024-11-11", "2024-11-12"]
     and "上海环境能源交易所" in rows[0]["source"]),
    ("pledges_by_bank", "bank=", lambda rows: sum(r["pledges"] for r in rows) == 4
     and "secured_amount" not in rows[0]),
    ("unit_history", "uscc=91420100MA4K00000Q", lambda rows: [r["year"] for r in rows]
     == [2023, 2024]),
])
async def test_canned_queries_answer_the_usual_questions(ds, query, params, check):
    rows = await get_json(ds, f"/public/{query}.json?{params}&_shape=array")
    assert rows and check(rows), rows


async def test_row_pages_link_to_the_linked_data_uri_and_the_api_item(ds):
    response = await ds.client.get("/public/emission_reports/91420100MA4K00000Q,2024")
    assert response.status_code == 200
    base = "http://gateway.test"
    assert f'href="{base}/id/emission_report/91420100MA4K00000Q/2024"' in response.text
    assert f'href="{base}/api/v1/emission_report/91420100MA4K00000Q/2024"' in response.text
    unit = await ds.client.get("/public/units/91420100MA4K00000Q")
    assert f'href="{base}/id/org/uscc/91420100MA4K00000Q"' in unit.text


async def test_withheld_cells_say_withheld(ds):
    response = await ds.client.get("/public/emissions_by_unit_year?withheld__notblank=1")
    assert response.text.count("涉密 withheld") == 2      # verified_emissions, 2 years
    data = await get_json(ds, "/public/emission_reports.json?withheld__notblank=1&_shape=array")
    assert all(r["verified_emissions"] is None for r in data)


async def test_column_descriptions_and_units_are_shown(ds):
    response = await ds.client.get("/public/emission_reports")
    assert "核查排放量 · Verified emissions · 单位 unit: tCO2e" in response.text
    market = await ds.client.get("/public/market_days")
    assert "上海环境能源交易所" in market.text and "cneeex.com" in market.text


async def test_csv_with_bom_opens_with_chinese_intact(ds):
    plain = await ds.client.get("/public/units.csv")
    with_bom = await ds.client.get("/public/units.csv?_bom=1&_dl=1")
    assert not plain.content.startswith(BOM)
    assert with_bom.content.startswith(BOM) and with_bom.content[3:] == plain.content
    rows = list(csv.DictReader(io.StringIO(with_bom.content.decode("utf-8-sig"))))
    assert rows[0].keys() >= {"uscc", "name", "sector_zh"}     # no BOM glued to "uscc"
    assert "华能武汉发电有限公司" in {r["name"] for r in rows}
    query = await ds.client.get("/public/search_names.csv?q=华能&_bom=1")
    assert query.content.startswith(BOM) and "华能岳阳电厂" in query.content.decode("utf-8-sig")


async def test_the_export_controls_offer_csv_for_excel(ds):
    response = await ds.client.get("/public/units")
    assert "/static/gateway.js" in response.text
    script = await ds.client.get("/static/gateway.js")
    assert script.status_code == 200 and "_bom" in script.text


async def test_robots_and_sitemap(ds):
    robots = (await ds.client.get("/robots.txt")).text
    assert "Disallow: /public?" in robots and "Sitemap:" in robots
    assert not re.search(r"^Disallow: /$", robots, re.M)
    sitemap = (await ds.client.get("/sitemap.xml")).text
    assert "/public/emission_reports</loc>" in sitemap
    assert "/public/units/91420100MA4K00000Q</loc>" in sitemap
    assert "_fts" not in sitemap


async def test_charting_plugin_is_on_table_and_query_pages(ds):
    for path in ("/public/market_days", "/public/price_history?subject=COMCEA"):
        response = await ds.client.get(path)
        assert "datasette_vega" in response.text, path


def test_browse_says_what_to_do_without_a_published_site(tmp_path):
    from click.testing import CliRunner

    from gateway.cli import cli

    result = CliRunner().invoke(cli, ["browse", "--site", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "run `gateway publish` first" in result.output
