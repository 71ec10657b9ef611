"""The simulated internal systems, over real HTTP: shapes per internal-systems.md, paging,
determinism, faults, tokens, the real price path, and the known bad records."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
import requests
from lxml import etree

from publishers.simulated import FAULT_NAMES, SimulatedSystems, reference_dir
from publishers.simulated.generator.units import build_units
from publishers.simulated.generator.world import World
from publishers.simulated.uscc import check_char, is_valid

TOKENS = {"registry": "t1", "exchange": "t2", "platform": "t3"}
NS = "urn:cn:cets:registry:events:1"
Q = f"{{{NS}}}"
HEADER = ("统一社会信用代码,单位名称,省份代码,行业代码,核算年度,排放量(tCO2e),核查排放量(tCO2e),核查机构,"
          "核查机构统一社会信用代码,供电量(MWh),供热量(GJ),产品产量,产品产量单位,公开日期")
EVENT_TYPES = {"ALLOCATION", "SURRENDER", "PLEDGE_REGISTERED", "PLEDGE_RELEASED", "PLEDGE_ENFORCED",
               "CANCELLATION", "CCER_ISSUANCE", "CCER_CANCELLATION", "A6_AUTHORIZATION", "A6_TRANSFER", "CORRECTION"}
TRADES = 5_000


# -- fixtures and helpers -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sim():
    with SimulatedSystems(seed=7, trades=TRADES, tokens=TOKENS) as systems:
        yield systems


@pytest.fixture(autouse=True)
def _no_faults_left(request):
    yield
    if "sim" in request.fixturenames:
        request.getfixturevalue("sim").clear_faults()


def get(sim, system: str, path: str, timeout: float = 30, **params) -> requests.Response:
    return requests.get(sim.urls[system] + path, params=params, timeout=timeout,
                        headers={"Authorization": f"Bearer {TOKENS[system]}"})


@pytest.fixture(scope="module")
def feed(sim) -> list[etree._Element]:
    """Every registry event, fetched page by page."""
    events, since = [], 0
    while True:
        root = etree.fromstring(get(sim, "registry", "/events", since=since, limit=1000).content)
        events += list(root)
        if root.get("hasMore") == "false":
            return events
        since = int(events[-1].get("seq"))


@pytest.fixture(scope="module")
def trades(sim) -> list[dict]:
    items, after = [], ""
    while True:
        data = get(sim, "exchange", "/trades", after=after, limit=1000).json()["data"]
        items += data["list"]
        if not data["hasMore"]:
            return items
        after = data["nextAfter"]


@pytest.fixture(scope="module")
def market(sim) -> list[dict]:
    return get(sim, "exchange", "/market/daily", **{"from": "2021-07-16", "to": "2026-07-31"}).json()["data"]


@pytest.fixture(scope="module")
def units(sim) -> dict[int, list[dict]]:
    return {y: get(sim, "platform", "/units", year=y).json() for y in range(2019, 2027)}


def report_rows(sim, year: int) -> list[list[str]]:
    body = get(sim, "platform", f"/reports/{year}.csv").content.decode("gb18030")
    return list(csv.reader(io.StringIO(body)))


def text(event: etree._Element, name: str) -> str | None:
    node = event.find(Q + name)
    return None if node is None else (node.text or "")


# -- identifiers ----------------------------------------------------------------------------

def test_uscc_check_character_matches_the_test_vectors():
    for code in ("91420100MA4K00010R", "91110000100000008J", "914403001922038216"):
        assert check_char(code[:17]) == code[17] and is_valid(code)
    assert not is_valid("91420100MA4K00010S")


def test_generated_units_have_valid_usccs_except_the_known_bad_ones(sim, units):
    bad = {d["where"]["uscc"] for d in sim.known_defects() if d["kind"] == "invalid-uscc-check"}
    codes = {u["uscc"] for year in units.values() for u in year}
    assert len(bad) == 3 and bad <= codes
    assert {c for c in codes if not is_valid(c)} == bad


# -- determinism ----------------------------------------------------------------------------

def test_same_seed_gives_byte_identical_answers(sim):
    requests_ = [("registry", "/events", {"since": 0, "limit": 1000}), ("registry", "/events", {"since": 30000}),
                 ("registry", "/ccer/projects", {}), ("exchange", "/trades", {"after": "T20240102000000"}),
                 ("exchange", "/market/daily", {"from": "2024-01-01", "to": "2024-03-01"}),
                 ("platform", "/units", {"year": 2024}), ("platform", "/reports/2023.csv", {}),
                 ("platform", "/compliance", {"year": 2022}), ("platform", "/parameters", {"month": "2025-01"})]
    twin = SimulatedSystems(seed=7, trades=TRADES)
    twin.world = World(twin.config)  # built afresh, not the per-process shared world
    with twin:
        assert twin.world is not sim.world
        for system, path, params in requests_:
            mine = get(sim, system, path, **params).content
            theirs = requests.get(twin.urls[system] + path, params=params, timeout=30).content
            assert mine == theirs, (system, path)
    assert [u.uscc for u in build_units(8, 0.02)] != [u.uscc for u in build_units(7, 0.02)]


# -- registry -------------------------------------------------------------------------------

def test_registry_feed_shape_and_order(sim, feed):
    root = etree.fromstring(get(sim, "registry", "/events", since=0, limit=3).content)
    assert root.tag == Q + "RegistryEvents" and root.get("hasMore") == "true"
    assert int(root.get("lastSeq")) == len(feed)
    assert [int(e.get("seq")) for e in feed] == list(range(1, len(feed) + 1))
    assert {e.get("type") for e in feed} == EVENT_TYPES
    times = [e.get("time") for e in feed]
    assert times == sorted(times) and all(t.endswith("+08:00") for t in times)
    stages = {text(e, "Stage") for e in feed if e.get("type") == "ALLOCATION"}
    assert stages == {"PRE", "FINAL", "TRUE_UP", "DEDUCTION"}


def test_registry_paging(sim, feed):
    page = etree.fromstring(get(sim, "registry", "/events", since=100, limit=50).content)
    assert [int(e.get("seq")) for e in page] == list(range(101, 151))
    tail = etree.fromstring(get(sim, "registry", "/events", since=len(feed) - 2).content)
    assert len(tail) == 2 and tail.get("hasMore") == "false"
    beyond = etree.fromstring(get(sim, "registry", "/events", since=len(feed) + 5).content)
    assert len(beyond) == 0 and beyond.get("hasMore") == "false"
    default = etree.fromstring(get(sim, "registry", "/events").content)
    assert len(default) == 500


def test_corrections_carry_the_whole_body_of_what_they_supersede(feed):
    by_seq = {int(e.get("seq")): e for e in feed}
    corrections = [e for e in feed if e.get("type") == "CORRECTION"]
    assert corrections
    for c in corrections:
        old = by_seq[int(c.get("supersedes"))]
        assert int(old.get("seq")) < int(c.get("seq"))
        assert [x.tag for x in c] == [x.tag for x in old]
        assert text(c, "Quantity") != text(old, "Quantity")


def test_surrenders_agree_with_platform_compliance(sim, feed):
    superseded = {e.get("supersedes"): e for e in feed if e.get("type") == "CORRECTION"}
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e in feed:
        if e.get("type") != "SURRENDER":
            continue
        e = superseded.get(e.get("seq"), e)
        if text(e, "ComplianceYear"):
            totals[text(e, "Uscc"), text(e, "ComplianceYear")][text(e, "Unit") == "CCER"] += int(text(e, "Quantity"))
    for year in range(2019, 2025):
        rows = get(sim, "platform", "/compliance", year=year).json()
        assert rows and set(rows[0]) == {"uscc", "complianceYear", "obligation", "surrenderedCea",
                                         "surrenderedCcer", "status", "deadline", "publishedOn"}
        for r in rows:
            assert totals.get((r["uscc"], str(year)), [0, 0]) == [r["surrenderedCea"], r["surrenderedCcer"]]
        full = sum(r["surrenderedCea"] + r["surrenderedCcer"] == r["obligation"] for r in rows)
        assert 0.99 < full / len(rows) < 1
    assert get(sim, "platform", "/compliance", year=2025).json() == []


def test_ccer_serial_blocks(sim, feed):
    issued = [(text(e, "ProjectId"), int(text(e, "SerialStart")), int(text(e, "SerialEnd")), e.get("seq"))
              for e in feed if e.get("type") == "CCER_ISSUANCE"]
    overlapping = {d["where"]["seq"] for d in sim.known_defects() if d["kind"] == "overlapping-serial-block"}
    clean = sorted(b for b in issued if int(b[3]) not in overlapping)
    spans = sorted((s, e) for _, s, e, _ in clean)
    assert all(s <= e for s, e in spans) and all(a[1] < b[0] for a, b in pairwise(spans))
    for e in feed:
        if e.get("type") in ("CCER_CANCELLATION", "A6_TRANSFER"):
            start, end = int(text(e, "SerialStart")), int(text(e, "SerialEnd"))
            assert any(p == text(e, "ProjectId") and s <= start <= end <= t for p, s, t, _ in clean)
    purposes = {text(e, "Purpose") for e in feed if e.get("type") == "CCER_CANCELLATION"}
    assert {"ETS_OFFSET", "FORCED"} <= purposes


def test_ccer_projects(sim):
    projects = get(sim, "registry", "/ccer/projects").json()
    assert len(projects) > 40
    assert set(projects[0]) == {"projectId", "projectName", "ownerUscc", "ownerName", "projectType",
                                "methodologyNum", "provinceCode", "expectYearNum", "status", "validationBody",
                                "creditingStart", "creditingEnd", "updatedAt"}
    assert all(re.fullmatch(r"CCER-\d{2}-\d{3}-V\d{2}", p["methodologyNum"]) for p in projects)
    assert all(re.fullmatch(r"\d{2}0000", p["provinceCode"]) for p in projects)
    later = get(sim, "registry", "/ccer/projects", updatedSince="2026-01-01T00:00:00+08:00").json()
    assert 0 < len(later) < len(projects) and all(p["updatedAt"] >= "2026-01-01" for p in later)


# -- exchange -------------------------------------------------------------------------------

def test_trades_envelope_and_paging(sim, trades):
    body = get(sim, "exchange", "/trades", limit=2).json()
    assert body["code"] == 0 and body["msg"] == "success"
    first = body["data"]["list"]
    assert body["data"]["hasMore"] is True and body["data"]["nextAfter"] == first[-1]["tradeId"]
    assert list(first[0]) == ["tradeId", "tradeDate", "tradeTime", "subjectCode", "tradeMethod", "dealPric",
                              "dealQty", "dealAmt", "buyAcct", "sellAcct", "buyUscc", "sellUscc"]
    nxt = get(sim, "exchange", "/trades", after=first[-1]["tradeId"], limit=1).json()["data"]["list"]
    assert nxt[0]["tradeId"] > first[-1]["tradeId"]
    ids = [t["tradeId"] for t in trades]
    assert len(ids) == TRADES + 1 and len(set(ids)) == TRADES and ids == sorted(ids)
    assert ids[0].startswith("T20210716")


def test_held_trade_pages_are_the_pages_generated_and_faults_still_apply(trades):
    twin = SimulatedSystems(seed=7, trades=TRADES, tokens=TOKENS)
    twin.world = World(twin.config)  # its own data: nothing it holds can reach `sim`
    with twin:
        assert twin.hold_trade_pages(1000) == 6  # 5,001 records in pages of 1,000
        held, after = [], ""
        while True:
            data = get(twin, "exchange", "/trades", after=after, limit=1000).json()["data"]
            held += data["list"]
            if not data["hasMore"]:
                break
            after = data["nextAfter"]
        assert held == trades
        twin.inject("exchange", "duplicate_seq", times=1, path="/trades")
        doubled = get(twin, "exchange", "/trades", limit=1000).json()["data"]["list"]
        assert len(doubled) == 1001 and doubled[1:] != trades[:1000]
        again = get(twin, "exchange", "/trades", limit=1000).json()["data"]["list"]
        assert again == trades[:1000], "the fault changed the answer, not the held page"


def test_trades_respect_price_bands_and_sizes(sim, trades, market):
    bad = {d["where"]["tradeId"] for d in sim.known_defects() if d["system"] == "exchange" and "tradeId" in d["where"]}
    quote = {(r["tradeDate"], r["subjectCode"]): r for r in market}
    for t in trades:
        if t["tradeId"] in bad:
            continue
        q = quote[t["tradeDate"], t["subjectCode"]]
        prev, price = float(q["lastClosPric"]), float(t["dealPric"])
        assert t["dealAmt"] == f"{round(price * 100) * t['dealQty'] / 100:.2f}"
        if t["tradeMethod"] == "10":
            assert t["dealQty"] < 100_000 and float(q["lowPric"]) <= price <= float(q["highPric"])
            assert abs(price / prev - 1) <= 0.1 + 1e-9
        elif t["tradeMethod"] == "20":
            assert t["dealQty"] >= 100_000 and abs(price / prev - 1) <= 0.3 + 1e-9
            assert "13:00:00" <= t["tradeTime"] <= "15:00:00"


def test_market_daily_shape_and_rules(sim, market):
    assert set(market[0]) == {"tradeDate", "subjectCode", "openPric", "highPric", "lowPric", "closPric",
                              "lastClosPric", "chanRate", "dealQty", "dealAmt", "methods"}
    bad_days = {d["where"]["tradeDate"] for d in sim.known_defects() if "subjectCode" in d["where"]}
    days = defaultdict(dict)
    for r in market:
        days[r["tradeDate"]][r["subjectCode"]] = r
        assert date.fromisoformat(r["tradeDate"]).weekday() < 5
        listing = next(m for m in r["methods"] if m["tradeMethod"] == "10")["tradeVolume"]
        prices = (r["openPric"], r["highPric"], r["lowPric"], r["closPric"])
        assert (listing == 0) == all(p == "0.00" for p in prices)
        assert sum(m["tradeVolume"] for m in r["methods"]) == r["dealQty"]
    assert min(days) == "2021-07-16" and max(days) == "2026-07-31"
    assert "2023-10-02" not in days and "2024-02-12" not in days  # National Day, Spring Festival
    no_listing = [d for d, s in days.items() if s["COMCEA"]["closPric"] == "0.00"]
    assert no_listing
    for day, subjects in days.items():
        if day in bad_days:
            continue
        vintages = [r for s, r in subjects.items() if s.startswith("CEA")]
        comp = subjects["COMCEA"]
        assert sum(r["dealQty"] for r in vintages) == comp["dealQty"]
        assert sum(round(float(r["dealAmt"]) * 100) for r in vintages) == round(float(comp["dealAmt"]) * 100)


def test_market_reproduces_the_real_closes(market):
    path = reference_dir() / "real-data" / "china-ets" / "cea_daily_excerpt.csv"
    real = list(csv.DictReader(path.open(encoding="utf-8")))
    comp = {r["tradeDate"]: r for r in market if r["subjectCode"] == "COMCEA"}
    assert len(real) > 80
    for r in real:
        row = comp[r["trade_date"]]
        assert float(row["closPric"]) == pytest.approx(float(r["close"]), abs=0.001)
        assert row["dealQty"] == round(float(r["total_vol_t"]))


def test_market_daily_range(sim):
    rows = get(sim, "exchange", "/market/daily", **{"from": "2024-12-11", "to": "2024-12-11"}).json()["data"]
    assert {r["tradeDate"] for r in rows} == {"2024-12-11"} and rows[0]["subjectCode"] == "COMCEA"
    assert get(sim, "exchange", "/market/daily", **{"from": "2021-07-17", "to": "2021-07-18"}).json()["data"] == []


# -- platform -------------------------------------------------------------------------------

def test_units_per_year(units):
    counts = {y: len(v) for y, v in units.items()}
    assert counts[2019] == 2162 and counts[2021] == 2257 and counts[2025] == 3378 and counts[2026] == 0
    assert {u["sector"] for u in units[2023]} == {"POWER"}
    sectors = defaultdict(int)
    for u in units[2025]:
        sectors[u["sector"]] += 1
    assert sectors == {"POWER": 2087, "STEEL": 232, "CEMENT": 962, "ALUMINIUM": 97}
    provinces = {u.get("provinceCode") for u in units[2025]}
    assert len(provinces - {None}) == 31
    unit = units[2025][0]
    assert set(unit) == {"uscc", "name", "nameEn", "provinceCode", "industryCode", "sector", "facilities"}
    assert set(unit["facilities"][0]) == {"facilityId", "kind", "capacity", "capacityUnit"}


def test_report_file_is_gb18030_with_the_exact_header(sim, units):
    raw = get(sim, "platform", "/reports/2024.csv").content
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("gb18030").splitlines()[0] == HEADER
    rows = report_rows(sim, 2019)
    assert len(rows) - 1 == len(units[2019]) and rows[1][4] == "2019"
    power = [r for r in rows[1:] if r[9] not in ("", "涉密")]
    assert all(26_000 <= int(r[6]) <= 25_000_000 for r in power if r[6].isdigit())
    assert get(sim, "platform", "/reports/2018.csv").status_code == 404


def test_parameters_paging(sim):
    first = get(sim, "platform", "/parameters", month="2025-01", limit=100).json()
    assert len(first["list"]) == 100 and first["nextAfter"] == first["list"][-1]["id"]
    record = first["list"][0]
    assert set(record) == {"id", "uscc", "facilityId", "month", "parameter", "value", "unit", "method",
                           "labReportNo", "evidenceSha256", "depositedAt"}
    assert re.fullmatch(r"[0-9a-f]{64}", record["evidenceSha256"])
    seen, after = [r["id"] for r in first["list"]], first["nextAfter"]
    while after:
        page = get(sim, "platform", "/parameters", month="2025-01", after=after, limit=100).json()
        seen += [r["id"] for r in page["list"]]
        after = page["nextAfter"]
    assert seen == sorted(set(seen))
    assert get(sim, "platform", "/parameters", month="2022-03").json() == {"list": [], "nextAfter": None}
    assert get(sim, "platform", "/parameters", month="2022-04").json()["list"]


# -- tokens and parameters ------------------------------------------------------------------

@pytest.mark.parametrize(("system", "path"), [("registry", "/events"), ("exchange", "/trades"),
                                              ("platform", "/units?year=2024")])
def test_token_required(sim, system, path):
    assert requests.get(sim.urls[system] + path, timeout=10).status_code == 401
    wrong = requests.get(sim.urls[system] + path, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("system", "path", "params"), [
    ("registry", "/events", {"limit": 0}), ("registry", "/events", {"limit": 1001}),
    ("registry", "/events", {"since": -1}), ("registry", "/ccer/projects", {"updatedSince": "yesterday"}),
    ("exchange", "/trades", {"after": "X1"}), ("exchange", "/trades", {"limit": "ten"}),
    ("exchange", "/market/daily", {"from": "2024-13-01"}),
    ("exchange", "/market/daily", {"from": "2024-02-01", "to": "2024-01-01"}),
    ("platform", "/units", {}), ("platform", "/compliance", {"year": "24"}),
    ("platform", "/parameters", {}), ("platform", "/parameters", {"month": "2024-03", "after": "x"}),
])
def test_bad_parameters_are_400_with_a_message(sim, system, path, params):
    response = get(sim, system, path, **params)
    assert response.status_code == 400
    assert "invalid parameter" in response.text
    if system == "exchange":
        assert response.json()["code"] != 0


# -- faults ---------------------------------------------------------------------------------

def _fires_twice_then_disarms(sim, system, fault, path, check, **params):
    sim.inject(system, fault, times=2)
    for _ in range(2):
        assert check(get(sim, system, path, **params)), fault
    assert get(sim, system, path, **params).status_code == 200
    assert not sim.armed_faults()[system]


def _not_xml(r):
    try:
        etree.fromstring(r.content)
    except etree.XMLSyntaxError:
        return True
    return False


def _not_json(r):
    try:
        json.loads(r.content)
    except ValueError:
        return True
    return False


@pytest.mark.parametrize(("system", "fault", "path", "params", "check"), [
    ("registry", "retry_after_503", "/events", {}, lambda r: r.status_code == 503 and r.headers["Retry-After"] == "1"),
    ("exchange", "rate_limit_429", "/trades", {}, lambda r: r.status_code == 429 and "Retry-After" in r.headers),
    ("exchange", "code_1003", "/trades", {},
     lambda r: r.status_code == 200 and r.json() == {"code": 1003, "msg": "系统繁忙", "data": None}),
    ("registry", "truncated", "/events", {"limit": 50}, _not_xml),
    ("exchange", "truncated", "/trades", {}, _not_json),
    ("registry", "encoding_mismatch", "/events", {"limit": 5},
     lambda r: r.content.startswith(b'<?xml version="1.0" encoding="GB2312"?>') and "结算" not in r.text),
    ("platform", "utf8_bom_csv", "/reports/2021.csv", {},
     lambda r: r.content.startswith(b"\xef\xbb\xbf") and r.content.decode("utf-8-sig").startswith(HEADER)),
    ("platform", "gateway_timeout_504", "/reports/2024.csv", {}, lambda r: r.status_code == 504),
])
def test_fault_fires_then_disarms(sim, system, fault, path, params, check):
    _fires_twice_then_disarms(sim, system, fault, path, check, **params)


def test_duplicate_faults(sim):
    sim.inject("registry", "duplicate_seq")
    seqs = [e.get("seq") for e in etree.fromstring(get(sim, "registry", "/events", limit=10).content)]
    assert len(seqs) == 11 and len(set(seqs)) == 10
    sim.inject("registry", "duplicate_page")
    seqs = [int(e.get("seq")) for e in etree.fromstring(get(sim, "registry", "/events", since=20, limit=5).content)]
    assert seqs == [20, 21, 22, 23, 24, 25]
    page = get(sim, "exchange", "/trades", limit=3).json()["data"]
    sim.inject("exchange", "duplicate_page")
    repeated = get(sim, "exchange", "/trades", after=page["nextAfter"], limit=3).json()["data"]["list"]
    assert repeated[0] == page["list"][-1] and len(repeated) == 4
    sim.inject("exchange", "duplicate_seq")
    items = get(sim, "exchange", "/trades", limit=4).json()["data"]["list"]
    assert len(items) == 5 and items[2] == items[3]
    sim.inject("platform", "duplicate_page")
    first = get(sim, "platform", "/parameters", month="2024-03", limit=2).json()
    again = get(sim, "platform", "/parameters", month="2024-03", after=first["nextAfter"], limit=2).json()
    assert again["list"][0] == first["list"][-1]
    assert not any(sim.armed_faults().values())


def test_slow_fault_triggers_a_read_timeout(sim):
    sim.inject("exchange", "slow", delay=0.6)
    with pytest.raises(requests.ReadTimeout):
        get(sim, "exchange", "/trades", timeout=0.2, limit=1)
    assert get(sim, "exchange", "/trades", timeout=5, limit=1).status_code == 200


def test_504_only_on_large_years(sim):
    sim.inject("platform", "gateway_timeout_504")
    assert get(sim, "platform", "/reports/2019.csv").status_code == 200
    assert get(sim, "platform", "/units", year=2025).status_code == 504
    assert get(sim, "platform", "/units", year=2025).status_code == 200


def test_faults_over_http_and_validation(sim):
    base = sim.urls["exchange"]
    armed = requests.post(base + "/_control/faults", json={"fault": "code_1003", "times": 1}, timeout=5)
    assert armed.status_code == 200 and armed.json()["armed"][0]["name"] == "code_1003"
    assert get(sim, "exchange", "/trades").json()["code"] == 1003
    requests.post(base + "/_control/faults", json={"fault": "rate_limit_429", "times": 3}, timeout=5)
    assert requests.delete(base + "/_control/faults", timeout=5).json()["armed"] == []
    assert get(sim, "exchange", "/trades", limit=1).status_code == 200
    assert requests.post(base + "/_control/faults", json={"fault": "nope"}, timeout=5).status_code == 400
    with pytest.raises(ValueError):
        sim.inject("registry", "utf8_bom_csv")
    with pytest.raises(ValueError):
        sim.inject("exchange", "bogus")
    assert len(FAULT_NAMES) == 10
    before = sim.requests_served["platform"]
    get(sim, "platform", "/units", year=2019)
    assert sim.requests_served["platform"] == before + 1


# -- known defects are really served --------------------------------------------------------

def test_known_defects_are_present(sim, feed, trades, market, units):
    defects = sim.known_defects()
    kinds = {d["kind"] for d in defects}
    assert {"invalid-uscc-check", "fullwidth-digits", "thousands-separator", "withheld-secret",
            "trailing-empty-rows", "unit-not-listed", "unlisted-uscc", "price-three-decimals",
            "out-of-band-listing-price", "overlapping-serial-block", "pledge-release-exceeds",
            "compliance-status-disagrees", "duplicate-trade-id", "correction", "malformed-date",
            "missing-required-field", "unknown-code"} <= kinds
    by_seq = {int(e.get("seq")): e for e in feed}
    listed = {u["uscc"] for year in units.values() for u in year}
    reports = {y: report_rows(sim, y) for y in range(2019, 2026)}
    for d in defects:
        _CHECKS[d["system"]](sim, d, by_seq=by_seq, trades=trades, market=market, units=units,
                             listed=listed, reports=reports)


def _check_registry(sim, d, by_seq, listed, **_):
    where, kind = d["where"], d["kind"]
    if "projectId" in where:
        project = next(p for p in get(sim, "registry", "/ccer/projects").json() if p["projectId"] == where["projectId"])
        assert project["projectType"] == "X0199"
        return
    e = by_seq[where["seq"]]
    if kind == "correction":
        assert e.get("type") == "CORRECTION" and int(e.get("supersedes")) == where["supersedes"]
    elif kind == "missing-required-field":
        assert text(e, "Quantity") is None
    elif kind == "unknown-code":
        assert text(e, "Purpose") == "GIFT"
    elif kind == "malformed-date":
        with pytest.raises(ValueError):
            date.fromisoformat(text(e, "TermEnd"))
    elif kind == "pledge-release-exceeds":
        pledge = next(x for x in by_seq.values() if x.get("type") == "PLEDGE_REGISTERED"
                      and text(x, "PledgeId") == text(e, "PledgeId"))
        assert int(text(e, "Quantity")) > int(text(pledge, "Quantity"))
    elif kind == "unlisted-uscc":
        assert text(e, "Uscc") not in listed
    elif kind == "overlapping-serial-block":
        start = int(text(e, "SerialStart"))
        assert any(x.get("type") == "CCER_ISSUANCE" and x is not e
                   and int(text(x, "SerialStart")) <= start <= int(text(x, "SerialEnd")) for x in by_seq.values())
    else:
        pytest.fail(f"unchecked registry defect {kind}")


def _check_exchange(sim, d, trades, market, **_):
    where, kind = d["where"], d["kind"]
    if "subjectCode" in where:
        row = next(r for r in market if r["tradeDate"] == where["tradeDate"] and r["subjectCode"] == where["subjectCode"])
        value = row[where["field"]]
        assert ("," in value) if kind == "thousands-separator" else re.fullmatch(r"\d+\.\d{3}", value)
        return
    sent = [t for t in trades if t["tradeId"] == where["tradeId"]]
    t = sent[0]
    checks = {
        "price-three-decimals": lambda: re.fullmatch(r"\d+\.\d{3}", t["dealPric"]),
        "thousands-separator": lambda: "," in t["dealAmt"],
        "out-of-band-listing-price": lambda: t["tradeMethod"] == "10",
        "duplicate-trade-id": lambda: len(sent) == 2 and sent[0] != sent[1],
        "missing-required-field": lambda: "dealQty" not in t,
        "unknown-code": lambda: t["tradeMethod"] == "30",
        "malformed-date": lambda: "/" in t["tradeDate"],
    }
    assert checks[kind](), d
    if kind == "out-of-band-listing-price":
        row = next(r for r in market if r["tradeDate"] == t["tradeDate"] and r["subjectCode"] == t["subjectCode"])
        assert float(t["dealPric"]) > float(row["lastClosPric"]) * 1.1


def _check_platform(sim, d, units, listed, reports, **_):
    where, kind = d["where"], d["kind"]
    if kind == "invalid-uscc-check":
        assert where["uscc"] in {u["uscc"] for u in units[2025]} and not is_valid(where["uscc"])
    elif "month" in where:
        page = get(sim, "platform", "/parameters", month=where["month"], limit=1000).json()["list"]
        assert next(r for r in page if r["id"] == where["id"])["method"] == "ESTIMATED"
    elif "column" in where:
        _check_report_cell(reports[where["year"]], where, kind, units)
    elif kind == "trailing-empty-rows":
        rows = reports[where["year"]]
        assert rows[-1] == [""] * 14 and len(rows) - 1 == where["row"] + 1
    elif kind == "compliance-status-disagrees":
        row = next(r for r in get(sim, "platform", "/compliance", year=where["year"]).json() if r["uscc"] == where["uscc"])
        complete = row["surrenderedCea"] + row["surrenderedCcer"] >= row["obligation"]
        assert complete != (row["status"] == "已履约")
    else:
        unit = next(u for u in units[where["year"]] if u["uscc"] == where["uscc"])
        assert (where["field"] not in unit) if kind == "missing-required-field" else unit["industryCode"] == "3019"


def _check_report_cell(rows, where, kind, units):
    row = rows[where["row"]]
    assert row[0] == where["uscc"]
    cell = row[HEADER.split(",").index(where["column"].split("/")[0])]
    checks = {
        "withheld-secret": lambda: "涉密" in row,
        "thousands-separator": lambda: "," in cell,
        "fullwidth-digits": lambda: re.search("[０-９]", cell),
        "missing-required-field": lambda: cell == "",
        "malformed-date": lambda: not _is_date(cell),
        "unit-not-listed": lambda: cell not in {u["uscc"] for u in units[where["year"]]},
    }
    assert checks[kind](), where


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_CHECKS = {"registry": _check_registry, "exchange": _check_exchange, "platform": _check_platform}


# -- scale ----------------------------------------------------------------------------------

def test_a_million_trades_are_paged_without_materialising_them():
    with SimulatedSystems(seed=7, trades=1_000_000, units=400) as big:
        book = big.world.trades
        assert not any(isinstance(v, list) and len(v) > 10_000 for v in vars(book).values())
        near_end = book.records(998_000)[0]["tradeId"]
        data = requests.get(big.urls["exchange"] + "/trades", params={"after": near_end, "limit": 1000},
                            timeout=30).json()["data"]
        assert len(data["list"]) == 1000 and data["hasMore"] is True
        last = requests.get(big.urls["exchange"] + "/trades", params={"after": "T20260731000000", "limit": 1000},
                            timeout=30).json()["data"]
        assert data["list"][0]["tradeId"] > near_end
        assert last["list"] and all(t["tradeDate"] == "2026-07-31" for t in last["list"])


def test_reference_dir_override(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("GATEWAY_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path
    monkeypatch.delenv("GATEWAY_REFERENCE_DIR")
    assert (reference_dir() / "real-data" / "china-ets" / "cea_monthly.csv").is_file()
