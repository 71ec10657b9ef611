"""Ingest benchmark: records/s through validate + store, against baselines in the same run.

    python bench/ingest.py [--records 200000] [--repeat 3] [--rss-check] [--http] [--json]

Measures, on the same deterministic trade records:
  * pipeline      — the real pipeline (pages of 1,000 records with their cursors, validated
                    in worker processes — one per core, or GATEWAY_VALIDATION_WORKERS —
                    and written in transactions of 5,000), into a fresh gateway.db;
  * validator     — marshmallow alone (``TradeSchema().load`` on each record);
  * sqlite        — raw ``executemany`` of the same rows into a bare table, one transaction.
Each runs in its own forked process so that peak RSS belongs to it (the pipeline's
validation workers are reported apart, as worker_peak_rss_mb). The legs take turns,
``--repeat`` times, and each leg's figure is its fastest turn (as ``timeit`` takes the
best): a slow spell of a shared machine then lands on no leg's figure, and
``ratio_to_validator_worst`` (the slowest pipeline turn against the fastest marshmallow
turn) shows how far apart the turns were. ``--rss-check`` also
runs the pipeline (and the end-to-end run, when given) at a tenth of the records to
compare memory (target: RSS at N ≤ 1.2 × RSS at N/10). ``--http`` adds an end-to-end
run: pull the trades over HTTP from the simulated exchange (``python -m
publishers.simulated``, in its own process) into a store.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import emit, in_child, remove_db, timed

import schemas
from gateway.pipeline import Ingest, RunReport, consume, validation_workers
from gateway.store import Store
from publishers.base import Checkpoint, Payload, RawRecord

SUBJECTS = ("CEA", "CEA21", "CEA22", "CEA23", "CEA24")
BATCH = 1000
PAGE = 1000  # trades per page the exchange serves in the end-to-end run


def trade(i: int) -> dict[str, Any]:
    """The i-th synthetic trade, in the exchange's field names (deterministic)."""
    block = i % 17 == 0
    qty = 100_000 + (i * 7919) % 400_000 if block else 1 + (i * 7919) % 99_000
    cents = 6000 + (i * 104729) % 4000
    price = f"{cents // 100}.{cents % 100:02d}"
    return {"tradeId": f"T{20210716000000 + i}", "tradeDate": f"2024-{1 + i % 12:02d}-"
            f"{1 + i % 28:02d}", "tradeTime": f"{9 + i % 6:02d}:{i % 60:02d}:{(i * 7) % 60:02d}",
            "subjectCode": SUBJECTS[i % len(SUBJECTS)], "tradeMethod": "20" if block else "10",
            "dealPric": price, "dealQty": qty, "dealAmt": f"{cents * qty / 100:.2f}",
            "buyAcct": f"CEA-{i % 9000:04d}-{i % 97:04d}", "sellAcct": f"CEA-{(i * 3) % 9000:04d}"
            f"-{i % 89:04d}", "buyUscc": "91420100MA4K00010R", "sellUscc": "914403001922038216"}


def items(n: int) -> Iterator[Any]:
    """What a connector would yield: a payload per page, its records, a checkpoint."""
    for start in range(0, n, BATCH):
        payload = Payload("bench://trades", str(start).encode(), "application/json")
        yield payload
        for i in range(start, min(n, start + BATCH)):
            data = trade(i)
            yield RawRecord("trade", data, f"exchange:trade:{data['tradeId']}", payload.sha256)
        yield Checkpoint("trades", str(min(n, start + BATCH)))


def run_pipeline(n: int, directory: str) -> dict[str, Any]:
    path = Path(directory) / f"pipeline-{n}.db"
    store = Store(path)
    run_id = store.start_run("bench", "exchange", {})
    report = RunReport("bench", run_id)
    seconds, _ = timed(lambda: consume(Ingest(store, "bench", run_id, report), items(n)))
    assert report.accepted == n and report.new_versions == n, report
    store.close()
    remove_db(path)
    return {"seconds": seconds}


def run_validator(n: int) -> dict[str, Any]:
    schema = schemas.KINDS["trade"]()

    def load_all() -> None:
        for i in range(n):
            schema.load(trade(i))
    seconds, _ = timed(load_all)
    return {"seconds": seconds}


def run_sqlite(n: int, directory: str) -> dict[str, Any]:
    path = Path(directory) / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    columns = list(trade(0))
    conn.execute(f"CREATE TABLE trades ({', '.join(columns)}, PRIMARY KEY (tradeId))")
    sql = f"INSERT INTO trades VALUES ({', '.join('?' * len(columns))})"

    def insert_all() -> None:
        conn.execute("BEGIN")
        conn.executemany(sql, (tuple(trade(i).values()) for i in range(n)))
        conn.execute("COMMIT")
    seconds, _ = timed(insert_all)
    conn.close()
    remove_db(path)
    return {"seconds": seconds}


def run_http(n: int, directory: str) -> dict[str, Any]:
    from gateway.pulls import pull
    from gateway.settings import PublisherSettings

    with simulated_exchange(n) as url:
        path = Path(directory) / f"http-{n}.db"
        store = Store(path)
        settings = PublisherSettings("exchange", "exchange", url,
                                     options={"streams": ["trades"], "page_size": PAGE})
        seconds, report = timed(lambda: pull(store, settings))
        store.close()
        remove_db(path)
    return {"seconds": seconds, "records": report.fetched, "accepted": report.accepted}


@contextmanager
def simulated_exchange(trades: int) -> Iterator[str]:
    """The simulated systems in a process of their own (as the real ones are on other
    machines), so that serving does not share the pull's interpreter, holding their
    trade pages ready (as a real exchange holds its trades), so that what is timed is
    the pull and not the generation of the data; yields the exchange's URL."""
    process = subprocess.Popen([sys.executable, "-m", "publishers.simulated", "--seed", "7",
                                "--trades", str(trades), "--hold-trade-pages", str(PAGE)],
                               stdout=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[1])
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            raise RuntimeError("the simulated systems did not start")
        yield json.loads(line)["exchange"]
    finally:
        process.terminate()
        process.wait(timeout=30)


def turns(repeat: int, legs: dict[str, tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
    """Run every leg (``name: (function, *args)``) once per turn, ``repeat`` turns."""
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in legs}
    for _ in range(repeat):
        for name, (target, *args) in legs.items():
            found[name].append(in_child(target, *args))
    return found


def fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest turn, with the highest peak RSS of all turns (memory is not luck)."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    for name in ("peak_rss_mb", "children_peak_rss_mb"):
        best[name] = max(r[name] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="turns of every leg; each leg's figure is its fastest (default 3)")
    parser.add_argument("--rss-check", action="store_true",
                        help="also run the pipeline at records/10 and compare peak RSS")
    parser.add_argument("--http", action="store_true",
                        help="also pull the trades end to end from the simulated exchange")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    n = args.records
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as directory:
        legs: dict[str, tuple[Any, ...]] = {"pipeline": (run_pipeline, n, directory),
                                            "validator": (run_validator, n),
                                            "sqlite": (run_sqlite, n, directory)}
        if args.http:
            legs["http"] = (run_http, n, directory)
        runs = turns(max(1, args.repeat), legs)
        pipeline, validator, raw = (fastest(runs[name]) for name in ("pipeline", "validator",
                                                                     "sqlite"))
        figures: dict[str, Any] = {
            "bench": "ingest", "records": n, "repeat": args.repeat,
            "pipeline_per_s": round(n / pipeline["seconds"]),
            "validator_per_s": round(n / validator["seconds"]),
            "sqlite_per_s": round(n / raw["seconds"]),
        }
        figures["ratio_to_validator"] = round(figures["pipeline_per_s"]
                                              / figures["validator_per_s"], 3)
        slowest = max(r["seconds"] for r in runs["pipeline"])
        figures["ratio_to_validator_worst"] = round(validator["seconds"] / slowest, 3)
        figures["ratio_to_sqlite"] = round(figures["pipeline_per_s"] / figures["sqlite_per_s"], 3)
        figures["peak_rss_mb"] = pipeline["peak_rss_mb"]
        figures["worker_peak_rss_mb"] = pipeline["children_peak_rss_mb"]
        figures["validation_workers"] = validation_workers()
        figures["validator_peak_rss_mb"] = validator["peak_rss_mb"]
        if args.rss_check:
            small = in_child(run_pipeline, max(1, n // 10), directory)
            figures["peak_rss_mb_at_tenth"] = small["peak_rss_mb"]
            figures["rss_ratio"] = round(pipeline["peak_rss_mb"] / small["peak_rss_mb"], 3)
            figures["worker_peak_rss_mb_at_tenth"] = small["children_peak_rss_mb"]
        if args.http:
            http = fastest(runs["http"])
            figures["http_per_s"] = round(http["records"] / http["seconds"])
            figures["http_ratio_to_validator"] = round(figures["http_per_s"]
                                                       / figures["validator_per_s"], 3)
            slowest_http = min(r["records"] / r["seconds"] for r in runs["http"])
            figures["http_ratio_to_validator_worst"] = round(
                slowest_http / figures["validator_per_s"], 3)
            figures["http_peak_rss_mb"] = http["peak_rss_mb"]
            if args.rss_check:
                small = in_child(run_http, max(1, n // 10), directory)
                figures["http_peak_rss_mb_at_tenth"] = small["peak_rss_mb"]
                figures["http_rss_ratio"] = round(http["peak_rss_mb"] / small["peak_rss_mb"], 3)
    emit(figures, args.json)


if __name__ == "__main__":
    main()
