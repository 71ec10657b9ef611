"""The public site in headless Chromium (Debian package, driven by Playwright).

A real ``datasette serve`` runs on the published demo site; the browser opens the home
page, a faceted table, a Chinese search, a canned query, a chart and a row page, and
saves a screenshot of each to ``test-artifacts/``. Never run ``playwright install``:
Chromium comes from apt (``.ci/run`` installs ``chromium`` and ``fonts-noto-cjk``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.commands.browse import start

from . import test_public_db_sample as _sample
from .test_public_db_sample import BASE

pytestmark = pytest.mark.browser
sample_store, sample_site, demo_site = _sample.sample_store, _sample.sample_site, _sample.demo_site

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_site) -> Iterator[str]:
    port = _free_port()
    process = start(Path(demo_site["site"]), "127.0.0.1", port,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        message = "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.errors = errors
        yield tab
        context.close()


@pytest.fixture(scope="module")
def facts(demo_site) -> dict:
    """Things to look for, read from the published data (sample or simulated)."""
    with sqlite3.connect(f"file:{demo_site['db']}?mode=ro", uri=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM units ORDER BY uscc")]
        subject = conn.execute("SELECT subject_code FROM market_days GROUP BY 1 "
                               "ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
        uscc = conn.execute("SELECT uscc FROM units ORDER BY uscc LIMIT 1").fetchone()[0]
    cjk = [n for n in names if re.match(r"^[\u4e00-\u9fff]{2}", n)]
    short = cjk[0][:2]
    return {"short": short, "long": next(n for n in cjk if len(n) >= 4)[:4],
            "subject": subject, "uscc": uscc}


def _shot(page, name: str, focus: str = "table.rows-and-columns") -> None:
    target = page.locator(focus).first
    if target.count():
        target.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _cells(page, column: str) -> list[str]:
    return page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()


def test_home_page(server, page):
    page.goto(server + "/")
    assert "全国碳市场信息公开" in page.locator("h1").inner_text()
    assert page.get_by_text("Open Data").first.is_visible()
    page.goto(server + "/public")
    assert page.get_by_role("link", name="emission_reports").first.is_visible()
    _shot(page, "01-home", "h1")
    assert not page.errors


def test_a_table_with_a_facet_applied(server, page):
    page.goto(server + "/public/entities")
    item = page.locator('.facet-info[data-column="sector_zh"] li').first
    label = item.locator("a").inner_text()
    count = item.inner_text().replace(label, "").strip()
    item.locator("a").click()
    page.wait_for_url(re.compile(r"sector_zh="))
    heading = page.locator("h3").first.inner_text()
    assert heading.startswith(f"{count} row") and "sector_zh" in heading, heading
    assert set(_cells(page, "sector_zh")) == {label}
    assert page.locator("a[data-bom]").first.is_visible()          # CSV for Excel
    _shot(page, "02-facet", "h3")
    assert not page.errors


@pytest.mark.parametrize("which", ["short", "long"])
def test_a_chinese_search(server, page, facts, which):
    term = facts[which]
    page.goto(server + "/public/units")
    page.fill("#_search", term)
    page.locator("#_search").press("Enter")
    page.wait_for_url(re.compile(r"_search="))
    names = _cells(page, "name")
    assert names and all(term in n for n in names), (term, names[:5])
    assert page.locator("#_search").input_value() == term
    _shot(page, f"03-search-{which}")


def test_a_canned_query(server, page, facts):
    page.goto(server + "/public/search_names")
    page.fill('input[name="q"]', facts["short"])
    page.locator('input[name="q"]').press("Enter")
    page.wait_for_url(re.compile(r"q="))
    names = _cells(page, "name")
    assert names and all(facts["short"] in n for n in names)
    page.goto(server + "/public/non_compliant?year=")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0
    assert page.get_by_text("Who did not comply").first.is_visible()
    _shot(page, "04-canned-query")
    assert not page.errors


def test_a_chart(server, page, facts):
    chart = ("#g.mark=line&g.x_column=trade_date&g.x_type=temporal&g.y_column=close"
             "&g.y_type=quantitative")
    page.goto(f"{server}/public/price_history?subject={facts['subject']}&from_date=&to_date="
              + chart)
    drawn = page.locator(".vega-embed canvas, .vega-embed svg.marks").first
    drawn.wait_for(state="visible", timeout=20_000)
    box = drawn.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    _shot(page, "05-chart", ".vega-embed")
    assert not page.errors


def test_a_row_page(server, page, facts):
    page.goto(f"{server}/public/units?uscc={facts['uscc']}")
    page.locator(f'table.rows-and-columns a[href$="/public/units/{facts["uscc"]}"]').first.click()
    page.wait_for_url(re.compile(rf"/public/units/{facts['uscc']}"))
    uri = page.locator("td.col-uri a").first
    assert uri.get_attribute("href").startswith(f"{BASE}/id/org/uscc/{facts['uscc']}")
    assert page.locator("h1").first.is_visible()
    _shot(page, "06-row", "h1")
    assert not page.errors
