"""The store: append-only log, versions, payloads, quarantine, cursors (real SQLite files)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from gateway.store import Accepted, Store

from .samples import raw


def accepted(kind: str, **changes) -> Accepted:
    result = schemas.validate(kind, raw(kind, **changes))
    assert result.ok, result.errors
    return Accepted(kind, result.key, result.record, f"test:{kind}:{result.key}")


def apply(store: Store, items: list[Accepted]):
    run_id = store.start_run("test", "registry", {})
    with store.transaction():
        return store.apply(run_id, items)


def test_store_is_a_wal_sqlite_file(store):
    mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal" and store.path.exists()


def test_the_writer_keeps_a_bounded_page_cache_and_readers_the_default(store):
    from gateway.store.db import WRITER_CACHE_KIB

    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == -WRITER_CACHE_KIB
    reader = Store(store.path, readonly=True)
    try:
        assert reader.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        reader.close()


def test_identical_redelivery_adds_nothing(store):
    first = apply(store, [accepted("trade")])
    again = apply(store, [accepted("trade")])
    assert (first.new_versions, again.new_versions, again.unchanged) == (1, 0, 1)
    assert store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0] == 1


def test_changed_content_adds_a_version_that_supersedes(store):
    apply(store, [accepted("trade")])
    apply(store, [accepted("trade", dealPric="98.00", dealAmt="98000.00")])
    history = store.history("trade", "T20250102000123")
    assert [(h["version"], h["op"]) for h in history] == [(1, "add"), (2, "correct")]
    assert history[1]["supersedes"] == history[0]["seq"]
    assert "different content" in history[1]["reason"]
    current = store.current("trade", "T20250102000123")
    assert current["_version"] == 2 and current["price"] == 98.0
    assert json.loads(current["_record"])["price"] == "98.00"


def test_as_of_reads_the_version_current_at_a_time(store):
    apply(store, [accepted("trade")])
    between = store.history("trade", "T20250102000123")[0]["recorded_at"]
    apply(store, [accepted("trade", dealPric="98.00", dealAmt="98000.00")])
    assert store.as_of("trade", "T20250102000123", between)["version"] == 1
    assert store.as_of("trade", "T20250102000123", "1999-01-01") is None


def test_the_log_refuses_updates_and_deletes(store):
    apply(store, [accepted("trade")])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE log SET key='x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM log")


def test_payloads_are_kept_once_by_hash_with_every_fetch(store):
    run_id = store.start_run("p", "exchange", {})
    with store.transaction():
        for _ in range(2):
            store.keep_payload(run_id, "http://x/trades", b'{"code":0}', "application/json",
                               200, "ab" * 32, "2026-01-01T00:00:00+00:00")
    assert store.conn.execute("SELECT COUNT(*) FROM raw_payloads").fetchone()[0] == 1
    assert store.conn.execute("SELECT COUNT(*) FROM fetches").fetchone()[0] == 2
    assert store.payload("ab" * 32) == b'{"code":0}'
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        store.conn.execute("DELETE FROM raw_payloads")


def test_a_cursor_rolls_back_with_its_records(store):
    run_id = store.start_run("p", "exchange", {})
    with pytest.raises(RuntimeError), store.transaction():
        store.apply(run_id, [accepted("trade")])
        store.save_cursor("p", "trades", "T20250102000123", run_id)
        raise RuntimeError("crash before commit")
    assert store.cursors("p") == {}
    assert store.counts()["trade"] == 0


def test_quarantine_counts_redelivery_instead_of_duplicating(store):
    run_id = store.start_run("p", "exchange", {})
    issue = {"type": "invalid-date", "field": "tradeDate", "message_en": "bad", "message_zh": "坏"}
    with store.transaction():
        for _ in range(3):
            store.quarantine(run_id, "p", "trade", "exchange:trade:T1", {"tradeId": "T1"},
                             [issue], None)
    (row,) = store.quarantined()
    assert row["times_seen"] == 3 and row["error_type"] == "invalid-date"
    assert store.quarantine_summary()[0]["records"] == 1


def test_current_tables_have_the_indexes_the_api_needs(store):
    found = dict(store.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='current_trade' "
        "AND sql IS NOT NULL"))
    assert set(found) == {"current_trade_trade_date_key", "current_trade_subject_code_trade_date_key",
                          "current_trade_buy_uscc", "current_trade_sell_uscc"}
    assert found["current_trade_subject_code_trade_date_key"].endswith(
        '("subject_code", "trade_date", "_key")')


def test_reopening_a_schema_1_store_replaces_its_indexes_and_keeps_its_records(tmp_path):
    path = tmp_path / "gateway.db"
    store = Store(path)
    apply(store, [accepted("trade")])
    with store.transaction() as conn:  # what schema version 1 made
        conn.execute('DROP INDEX "current_trade_trade_date_key"')
        conn.execute('CREATE INDEX "current_trade_trade_date" ON current_trade(trade_date)')
        conn.execute("UPDATE meta SET value='1' WHERE name='schema_version'")
    store.close()
    store = Store(path)
    names = {r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='current_trade'")}
    assert "current_trade_trade_date_key" in names and "current_trade_trade_date" not in names
    assert store.conn.execute("SELECT value FROM meta WHERE name='schema_version'"
                              ).fetchone()[0] == "2"
    assert store.conn.execute("SELECT COUNT(*) FROM current_trade").fetchone()[0] == 1
    store.close()


prices = st.decimals(min_value="0.01", max_value="999.99", places=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["T1", "T2", "T3"]), prices), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=3))
def test_store_is_idempotent_and_versions_only_real_changes(tmp_path_factory, deliveries,
                                                            repeats):
    store = Store(tmp_path_factory.mktemp("prop") / "gateway.db")
    items = [accepted("trade", tradeId=tid, dealPric=str(p), dealQty=1, dealAmt=str(p))
             for tid, p in deliveries]
    for _ in range(repeats):
        apply(store, items)
    # Expected versions: one per change of content per trade id, across all deliveries.
    expected, last = 0, {}
    for tid, p in deliveries * repeats:
        if last.get(tid) != p:
            expected += 1
            last[tid] = p
    logged = store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0]
    assert logged == expected
    final = [i for i in items if str(i.record["price"]) == str(last[i.key])]
    assert apply(store, final).new_versions == 0  # the final state again adds nothing
    for tid, price in last.items():
        assert json.loads(store.current("trade", tid)["_record"])["price"] == str(price)
    store.close()
