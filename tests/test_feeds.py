"""The change feed and the Atom feeds, on real stores through the Flask app."""

from __future__ import annotations

import hashlib
import json
import threading

import feedparser
import pytest

import schemas
from gateway.feeds import changes
from gateway.pulls import pull
from gateway.web import create_app

from .samples import raw
from .test_api_data import TOKENS, build_store, settings
from .test_pipeline import SETTINGS, Scripted, trade

AGENCY = {"Authorization": f"Bearer {TOKENS['agency']}"}
PARTNER = {"Authorization": f"Bearer {TOKENS['partner']}"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("feeds")
    build_store(data_dir / "gateway.db").close()
    return create_app(settings(data_dir)).test_client()


def follow(client, headers, since=0, limit=7, kind=None):
    """Page through the change feed; returns (items, next_since)."""
    items = []
    while True:
        query = f"/feeds/changes?since={since}&limit={limit}" + (f"&kind={kind}" if kind else "")
        response = client.get(query, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        assert page["next_since"] >= since
        if not page["items"]:
            return items, page["next_since"]
        items += page["items"]
        since = page["next_since"]


def test_a_consumer_following_from_0_while_pulls_land_mirrors_the_store(tmp_path):
    """Pulls (adds, corrections, a key-moving correction that retracts) land in a thread
    while the consumer pages; the mirror ends equal to the current tables."""
    from gateway.store import Store

    store = Store(tmp_path / "gateway.db")
    client = create_app(settings(tmp_path)).test_client()
    records = [("surrender", raw("surrender")), ("allocation", raw("allocation"))]
    for i in range(150):
        records.append(("trade", trade(i)))
        if i == 60:
            records.append(("correction", raw("surrender", seq="10011", type="CORRECTION",
                                               Quantity="1800000", supersedes="10002")))
        if i == 90:
            records.append(("correction", raw("allocation", seq="10012", type="CORRECTION",
                                               Stage="FINAL", supersedes="10001")))
    done = threading.Event()

    def pulls():
        for end in range(10, len(records) + 10, 10):
            pull(store, SETTINGS, Scripted(records[:end], page=4))
        done.set()

    writer = threading.Thread(target=pulls)
    writer.start()
    mirror, seen, since = {}, [], 0
    while True:
        finished = done.is_set()
        items, since = follow(client, AGENCY, since, limit=9)
        for item in items:
            seen.append(item["seq"])
            if item["op"] == "retract":
                mirror.pop((item["kind"], item["key"]), None)
            else:
                mirror[(item["kind"], item["key"])] = item["record"]
        if finished:
            break
    writer.join()
    assert seen == list(range(1, store.next_seq()))          # every seq once, in order
    current = {(kind, row[0]): json.loads(row[1]) for kind in schemas.KINDS
               for row in store.conn.execute(
                   f'SELECT _key, _record FROM "current_{kind}" WHERE _retracted = 0')}
    assert mirror == current
    ops = {op for (op,) in store.conn.execute("SELECT DISTINCT op FROM log")}
    assert ops == {"add", "correct", "retract"}
    store.close()


def test_tiers_hide_kinds_and_fields_and_the_cursor_still_moves(api):
    agency, head = follow(api, AGENCY)
    public, public_end = follow(api, {})
    partner, _ = follow(api, PARTNER)
    assert public_end == head == agency[-1]["seq"]
    assert {i["kind"] for i in public} == set(changes.readable_kinds("public"))
    assert {"trade", "allocation", "key_parameter"} & {i["kind"] for i in public} == set()
    assert "key_parameter" not in {i["kind"] for i in partner}
    for tier, items in (("public", public), ("partner", partner), ("agency", agency)):
        for item in items:
            assert set(item["record"]) <= set(schemas.visible_fields(item["kind"], tier))
            text = changes.canonical(item["record"]).encode()
            assert hashlib.sha256(text).hexdigest() == item["sha256"]  # verifiable
    pledge = next(i for i in public if i["kind"] == "pledge")
    assert "secured_amount" not in pledge["record"]
    # 25 trades sit between two public entries: one public page skips them all, and a
    # page past the last entry of the kinds asked for is empty with next_since = head
    trades = [i["seq"] for i in agency if i["kind"] == "trade"]  # one, then a run of 25
    page = api.get(f"/feeds/changes?since={trades[1] - 1}&limit=1").get_json()
    assert [i["seq"] for i in page["items"]] == [trades[-1] + 1]
    last_entity = max(i["seq"] for i in public if i["kind"] == "entity")
    assert last_entity < head
    page = api.get(f"/feeds/changes?since={last_entity}&kind=entity").get_json()
    assert (page["items"], page["next_since"]) == ([], head)


def test_items_link_to_the_record_and_retractions_say_so(api):
    items, _ = follow(api, AGENCY, kind="cancellation")
    assert [i["op"] for i in items] == ["add", "retract"]
    assert items[1]["reason"] and items[1]["supersedes"] == items[0]["seq"]
    assert items[0]["link"] == "http://data.example.cn/api/v1/cancellation/10006"
    key = items[0]["key"]
    assert api.get(f"/api/v1/cancellation/{key}", headers=AGENCY).status_code == 410


@pytest.mark.parametrize(("query", "headers", "status"), [
    ("limit=0", {}, 400), ("limit=1001", {}, 400), ("since=-1", {}, 400), ("since=x", {}, 400),
    ("kind=nope", {}, 400), ("kind=trade", {}, 403), ("kind=trade", PARTNER, 200),
    ("kind=key_parameter", PARTNER, 403), ("kind=entity,compliance", {}, 200)])
def test_parameters_are_checked(api, query, headers, status):
    response = api.get(f"/feeds/changes?{query}", headers=headers)
    assert response.status_code == status
    if status >= 400:
        assert response.mimetype == "application/problem+json"


def test_page_reads_use_the_indexes_only(tmp_path):
    """O(page): no table scan, no sort, whatever the subset of kinds."""
    from gateway.store import Store

    store = Store(tmp_path / "gateway.db")
    plans = [" ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
             for sql, args in [
                 (f"SELECT {changes.COLUMNS} FROM log WHERE seq > ? AND seq <= ? "
                  "ORDER BY seq LIMIT ?", (0, 9, 9)),
                 ("SELECT seq FROM log WHERE kind = ? AND seq > ? AND seq <= ? "
                  "ORDER BY seq ASC LIMIT ?", ("trade", 0, 9, 9)),
                 ("SELECT seq FROM log WHERE kind = ? AND seq > ? AND seq <= ? "
                  "ORDER BY seq DESC LIMIT ?", ("trade", 0, 9, 9))]]
    store.close()
    assert "USING INTEGER PRIMARY KEY" in plans[0]
    assert all("COVERING INDEX log_kind_seq" in p for p in plans[1:])
    assert not any("TEMP B-TREE" in p for p in plans)


def test_atom_feeds_are_valid_stable_and_bilingual(api):
    index = api.get("/feeds/", headers=AGENCY).get_json()
    atom_feeds = [f for f in index["feeds"] if f["type"] == "application/atom+xml"]
    assert len(atom_feeds) == len(schemas.KINDS) + 1 and all(f["readable"] for f in atom_feeds)
    for feed in atom_feeds:
        path = feed["href"].removeprefix("http://data.example.cn")
        first, again = (api.get(path, headers=AGENCY) for _ in range(2))
        assert first.status_code == 200 and first.mimetype == "application/atom+xml"
        parsed = feedparser.parse(first.data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.feed.title and parsed.feed.updated
        ids = [e.id for e in parsed.entries]
        assert ids == [e.id for e in feedparser.parse(again.data).entries]
        assert len(set(ids)) == len(ids)
        for entry in parsed.entries:
            assert entry.updated_parsed and entry.link.startswith("http://data.example.cn/")
            zh, _, en = entry.title.partition(" · ")
            assert any("\u4e00" <= c <= "\u9fff" for c in zh) and en.isascii()
    assert api.get("/feeds/trade.atom").status_code == 403
    public = feedparser.parse(api.get("/feeds/all.atom").data)
    assert not {e.tags[0].term for e in public.entries} & {"trade", "allocation",
                                                           "key_parameter"}


def test_an_empty_store_has_valid_feeds(tmp_path):
    from gateway.store import Store

    Store(tmp_path / "gateway.db").close()
    client = create_app(settings(tmp_path)).test_client()
    assert client.get("/feeds/changes").get_json()["items"] == []
    assert client.get("/feeds/changes?since=5").get_json()["next_since"] == 5
    assert not feedparser.parse(client.get("/feeds/all.atom").data).bozo
