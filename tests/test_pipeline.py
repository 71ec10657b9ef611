"""The ingest pipeline on real SQLite files, with scripted connectors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.checks import run_checks
from gateway.pulls import pull
from gateway.settings import PublisherSettings
from publishers.base import BadPayload, Checkpoint, Payload, RawRecord
from publishers.http import SourceUnavailable

from .samples import raw

SETTINGS = PublisherSettings("exchange", "exchange", "http://127.0.0.1:9")


def trade(i: int, price: str = "97.50") -> dict:
    return raw("trade", tradeId=f"T{i:08d}", dealPric=price, dealQty=1000,
               dealAmt=f"{float(price) * 1000:.2f}")


class Scripted:
    """A connector that serves pages of records from a list, resuming at its cursor."""

    name, system = "exchange", "exchange"

    def __init__(self, records: list[tuple[str, dict]], page: int = 3,
                 fail_after: int | None = None, error: Exception | None = None):
        self.records, self.page = records, page
        self.fail_after, self.error = fail_after, error or RuntimeError("killed")

    def fetch(self, cursors: dict[str, str]) -> Iterator:
        start = int(cursors.get("trades", "0"))
        served = 0
        for offset in range(start, len(self.records), self.page):
            chunk = self.records[offset:offset + self.page]
            body = json.dumps([d for _, d in chunk]).encode()
            payload = Payload(f"http://sim/trades?after={offset}", body, "application/json")
            yield payload
            for kind, data in chunk:
                if self.fail_after is not None and served == self.fail_after:
                    raise self.error
                served += 1
                ref = (f"exchange:trade:{data['tradeId']}" if kind == "trade"
                       else f"registry:seq:{data.get('seq')}")
                supersedes = f"registry:seq:{data['supersedes']}" if "supersedes" in data else None
                yield RawRecord(kind, {k: v for k, v in data.items() if k != "supersedes"}, ref,
                                payload.sha256, supersedes)
            yield Checkpoint("trades", str(offset + len(chunk)))


def log_keys(store) -> list[tuple[str, int]]:
    return [(r[0], r[1]) for r in store.conn.execute("SELECT key, version FROM log ORDER BY seq")]


def test_records_payloads_and_cursor_land_together(store):
    report = pull(store, SETTINGS, Scripted([("trade", trade(i)) for i in range(7)]))
    assert report.status == "ok"
    assert (report.fetched, report.accepted, report.new_versions, report.rejected) == (7, 7, 7, 0)
    assert store.cursors("exchange") == {"trades": "7"}
    assert store.conn.execute("SELECT COUNT(*) FROM raw_payloads").fetchone()[0] == 3
    run = store.run(report.run_id)
    assert run["status"] == "ok" and run["fetched"] == 7 and run["payloads"] == 3


def test_a_crash_mid_page_then_a_rerun_leaves_no_duplicate_and_no_gap(store):
    records = [("trade", trade(i)) for i in range(10)]
    with pytest.raises(RuntimeError, match="killed"):
        pull(store, SETTINGS, Scripted(records, fail_after=5))
    assert store.cursors("exchange") == {"trades": "3"}     # the last complete page
    assert store.counts()["trade"] == 5                      # received records are kept
    assert store.runs(1)[0]["status"] == "interrupted"
    report = pull(store, SETTINGS, Scripted(records))
    assert report.status == "ok" and report.unchanged == 2   # replayed part of page 2
    keys = log_keys(store)
    assert sorted(keys) == [(f"T{i:08d}", 1) for i in range(10)]


def test_source_unavailable_fails_the_run_but_keeps_what_came(store):
    records = [("trade", trade(i)) for i in range(6)]
    error = SourceUnavailable("connection refused", publisher="exchange",
                              url="http://127.0.0.1:9/trades")
    report = pull(store, SETTINGS, Scripted(records, fail_after=4, error=error))
    assert report.status == "failed" and "connection refused" in report.failure
    assert store.counts()["trade"] == 4 and store.cursors("exchange") == {"trades": "3"}


def test_bad_records_are_quarantined_with_typed_reasons(store):
    bad_date, bad_price = trade(1), trade(2)
    bad_date["tradeDate"] = "2025/01/02"
    bad_price["dealPric"] = "97.505"
    records = [("trade", trade(0)), ("trade", bad_date), ("trade", bad_price),
               ("mystery", {"seq": "1"})]
    report = pull(store, SETTINGS, Scripted(records))
    assert report.fetched == report.accepted + report.rejected == 4
    assert {e["type"] for e in report.errors} == {"invalid-date", "too-many-decimals",
                                                  "unknown-kind"}
    rows = store.quarantined()
    assert {r["error_type"] for r in rows} == {"invalid-date", "too-many-decimals",
                                               "unknown-kind"}
    assert all(store.payload(r["payload_sha256"]) for r in rows)  # raw payload kept


def test_bad_payloads_are_kept_and_reported(store):
    class Broken(Scripted):
        def fetch(self, cursors):
            payload = Payload("http://sim/events", b"<RegistryEvents", "application/xml")
            yield payload
            yield BadPayload(payload.sha256, "truncated-document", "the page was cut off",
                             payload.url)

    report = pull(store, SETTINGS, Broken([]))
    assert report.bad_payloads == 1 and report.errors[0]["type"] == "truncated-document"
    assert store.payload(store.quarantined()[0]["payload_sha256"]) == b"<RegistryEvents"


def test_a_registry_correction_versions_the_event_it_supersedes(store):
    corrected = raw("surrender", seq="10011", type="CORRECTION", Quantity="1800000",
                    supersedes="10002")
    report = pull(store, SETTINGS, Scripted([("surrender", raw("surrender")),
                                             ("correction", corrected)]))
    assert report.rejected == 0
    history = store.history("surrender", "10002")
    assert [h["op"] for h in history] == ["add", "correct"]
    assert "supersedes registry:seq:10002" in history[1]["reason"]
    assert json.loads(history[1]["record"])["quantity"] == 1800000
    assert json.loads(history[1]["record"])["event_type"] == "SURRENDER"


def test_a_correction_that_moves_the_key_retracts_the_old_one(store):
    corrected = raw("allocation", seq="10011", type="CORRECTION", Stage="FINAL",
                    supersedes="10001")
    pull(store, SETTINGS, Scripted([("allocation", raw("allocation")),
                                    ("correction", corrected)]))
    old = store.history("allocation", "91420100MA4K00010R/CEA24/PRE")
    assert [h["op"] for h in old] == ["add", "retract"]
    assert store.current("allocation", "91420100MA4K00010R/CEA24/PRE")["_retracted"] == 1
    assert store.current("allocation", "91420100MA4K00010R/CEA24/FINAL")["_retracted"] == 0


def test_a_correction_can_repair_a_quarantined_event(store):
    broken = raw("surrender", Quantity="lots")
    fixed = raw("surrender", seq="10011", type="CORRECTION", supersedes="10002")
    report = pull(store, SETTINGS, Scripted([("surrender", broken), ("correction", fixed)]))
    assert report.rejected == 1 and store.current("surrender", "10002") is not None


def test_a_correction_of_an_unknown_event_is_quarantined(store):
    orphan = raw("surrender", seq="10011", type="CORRECTION", supersedes="99")
    report = pull(store, SETTINGS, Scripted([("correction", orphan)]))
    assert report.errors[0]["type"] == "unknown-superseded-event"


def test_pledge_state_follows_releases_and_over_release_is_a_finding(store):
    events = [("pledge", raw("pledge")),
              ("pledge_event", raw("pledge_event", seq="20001", Quantity="100000"))]
    pull(store, SETTINGS, Scripted(events))
    pledge = store.current("pledge", "ZY2025000123")
    assert (pledge["status"], pledge["released_quantity"]) == ("PARTIALLY_RELEASED", 100000)
    more = [("pledge_event", raw("pledge_event", seq="20002", Quantity="250000"))]
    pull(store, SETTINGS, Scripted(events + more))
    pledge = store.current("pledge", "ZY2025000123")
    assert (pledge["status"], pledge["released_quantity"]) == ("RELEASED", 350000)
    (finding,) = store.query("SELECT * FROM findings WHERE check_id=?",
                             ("pledge-release-exceeds-pledge",))
    assert finding["key"] == "ZY2025000123" and "300000" in finding["message_en"]


def test_cross_record_checks_land_as_typed_findings(store):
    records = [
        ("compliance", raw("compliance", status="已履约", surrenderedCea=10, surrenderedCcer=0)),
        ("surrender", raw("surrender")),
        ("ccer_issuance", raw("ccer_issuance")),
        ("ccer_issuance", raw("ccer_issuance", seq="10020", SerialStart="100200000",
                              SerialEnd="100300000")),
        ("market_day", raw("market_day", tradeDate="2025-01-02", subjectCode="CEA24",
                           lastClosPric="80.00")),
        ("trade", trade(1, "97.50")),   # listing trade 21.9% above the previous close
    ]
    pull(store, SETTINGS, Scripted(records))
    found = {r["check_id"] for r in store.query("SELECT check_id FROM findings")}
    assert {"compliance-status-mismatch", "compliance-registry-mismatch",
            "overlapping-serial-block", "surrender-unit-not-listed",
            "trade-price-out-of-band"} <= found
    (band,) = store.query("SELECT * FROM findings WHERE check_id='trade-price-out-of-band'")
    assert "21.88%" in band["message_en"] and "前收盘价" in band["message_zh"]
    before = store.conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    run_checks(store, None)
    assert store.conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == before


def test_validation_warnings_are_findings_and_records_are_kept(store):
    odd = raw("compliance", uscc="91420100MA4K00010X")
    report = pull(store, SETTINGS, Scripted([("compliance", odd)]))
    assert report.accepted == 1
    (row,) = store.query("SELECT * FROM findings WHERE check_id='uscc-check-character'")
    assert row["key"] == "91420100MA4K00010X/2024"


def test_a_finding_closes_when_the_data_no_longer_shows_it(store):
    surrender = [("surrender", raw("surrender"))]
    pull(store, SETTINGS, Scripted(surrender))
    assert [f["check_id"] for f in store.findings_summary()] == ["surrender-unit-not-listed"]
    listed = [("entity", raw("entity", listYear=2024))]
    pull(store, SETTINGS, Scripted(surrender + listed))
    assert store.findings_summary() == []
    (closed,) = store.query("SELECT * FROM findings WHERE check_id='surrender-unit-not-listed'")
    assert closed["resolved_at"] and closed["resolved_run_id"] == 2


WORKERS_THEN_WAIT = """
import sys, time
from gateway.pipeline import PARALLEL_MIN, Prevalidator
validator = Prevalidator()
validator.result(validator.submit([("trade", {})] * PARALLEL_MIN))  # the pool is up
print("ready", flush=True)
time.sleep(120)
"""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_validation_workers_end_when_their_pull_is_killed():
    env = {**os.environ, "GATEWAY_VALIDATION_WORKERS": "2"}
    child = subprocess.Popen([sys.executable, "-c", WORKERS_THEN_WAIT], env=env,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        workers = _children(child.pid)
        assert len(workers) >= 2  # the pool's workers (and its resource tracker, if any)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)], "validation workers outlived their pull"
