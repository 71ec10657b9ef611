"""API benchmark: our API vs Datasette vs bare Flask+sqlite3, same query, same server.

    python bench/api.py [--rows 1000000] [--requests 4000] [--rounds 4]
                        [--connections 16] [--workers CORES] [--threads 4]
                        [--load auto|wrk|python] [--round-seconds 5]
                        [--scale-rows 10000000]
                        [--db PATH] [--json]

One filtered, paged query — trades of one subject on one day, 100 per page, in natural
key order — against a store of ``--rows`` synthetic trades (built once through the
store's writer, ``apply_records`` in big transactions, and reused from ``--db``):

  * api       — ``/api/v1/trade?subject_code=S&trade_date=D&limit=100`` as a partner
                (the counterparty fields are filtered out of every record);
  * datasette — Datasette 0.65 on the same file, ``suggest_facets`` off,
                ``?subject_code=S&trade_date=D&_size=100&_nocount=1&_shape=objects``;
  * flask     — a bare Flask view: one SELECT of the typed columns, ``jsonify``.

All three run under gunicorn (``gateway serve``'s server) with the same processes and
threads (Datasette through a2wsgi's ASGI→WSGI middleware). The load generator sends a
fixed number of requests over ``--connections`` keep-alive connections to 127.0.0.1 after
a warm-up; the same random (subject, day) sequence goes to each. It is wrk (``apt-get
install wrk``): each round runs ``--round-seconds``, cycling through that round's share of
the sequence (``bench/wrk_paths.lua``), and hands back its whole latency histogram, so
the rounds merge exactly. Where wrk is missing, or with ``--load python``, Python threads
with http.client send each round's share once — they share the two cores and the GIL
with what they measure, so their latencies include the client's own queueing. The JSON
line says which was used. The
three servers run side by side and are loaded in turns, ``--rounds`` rounds in rotating
order, so that the machine's slow spells are shared out rather than landing on one.
Before any server starts, every query of that sequence is run once straight through
sqlite3, so the OS page cache holds what the run reads and the server measured first
does not pay the others' disk reads (at 10M rows the file is ~12 GB).
Trades per day stay constant as ``--rows`` grows (more rows = a longer history), so
10× rows should cost ≤ 1.3× latency: ``--scale-rows 10000000`` serves the API over a
second store of that size too, loaded in the same rounds, and reports both latencies and
their ratio. Prints req/s, p50/p99 and the ratios; with
``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import REPO, remove_db  # bench/common.py also puts the repository on sys.path

SUBJECTS = ("CEA23", "CEA24", "CCER", "CEA22")
PER_DAY = 1000  # trades per trading day, all subjects together
FIRST_DAY = dt.date(2021, 7, 16)
BATCH = 50_000
PARTNER_TOKEN = "bench-partner-token"


# the store ------------------------------------------------------------------------
def day_of(i: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=i // PER_DAY)


def trade(i: int) -> dict[str, Any]:
    """The i-th synthetic trade as the schema loads it (deterministic)."""
    qty = 1 + (i * 7919) % 99_000
    price = Decimal(6000 + (i * 104729) % 4000).scaleb(-2)
    return {"trade_id": f"T{i:010d}", "trade_date": day_of(i),
            "trade_time": f"{9 + i % 6:02d}:{i % 60:02d}:{(i * 7) % 60:02d}",
            "subject_code": SUBJECTS[(i * 31) % len(SUBJECTS)], "trade_method": "10",
            "price": price, "quantity": qty, "amount": (price * qty).quantize(Decimal("0.01")),
            "buy_account": f"CEA-{i % 9973:04d}", "sell_account": f"CEA-{i % 8861:04d}",
            "buy_uscc": f"9144{i % 9973:014d}", "sell_uscc": f"9142{i % 8861:014d}"}


def build_store(path: Path, rows: int) -> None:
    """A store holding ``rows`` trades, written by the store's own writer. The trade
    table's secondary indexes are dropped for the load and made again from the store's
    DDL at the end (the same indexes, built by sorting instead of by random inserts, which
    past a few million rows outgrow any cache)."""
    from gateway.store import Accepted, Store, utc_now
    from gateway.store.ddl import current_indexes, current_table_ddl
    from gateway.store.writer import apply_records

    store = Store(path)
    for name in current_indexes("trade"):
        store.conn.execute(f'DROP INDEX "{name}"')
    run = store.start_run("bench", "exchange", {})
    started = time.perf_counter()
    for start in range(0, rows, BATCH):
        items = [Accepted("trade", f"T{i:010d}", trade(i), f"bench:{i}")
                 for i in range(start, min(rows, start + BATCH))]
        with store.transaction() as conn:
            apply_records(conn, run, items, utc_now())
        print(f"\r  stored {min(rows, start + BATCH):,} trades", end="", file=sys.stderr)
    print(" — indexing …", end="", file=sys.stderr)
    for statement in current_table_ddl("trade")[1:]:
        store.conn.execute(statement)
    store.conn.execute("ANALYZE")
    store.finish_run(run, "ok")
    store.close()
    print(f" done in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def ensure_store(path: Path, rows: int) -> None:
    """Reuse the store at ``path`` if a finished build left it (every row, every index);
    otherwise build it anew."""
    from gateway.store.ddl import current_indexes

    if path.exists():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        found = conn.execute("SELECT COUNT(*) FROM current_trade").fetchone()[0]
        indexes = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='current_trade'")}
        conn.close()
        if found == rows and set(current_indexes("trade")) <= indexes:
            upgrade_store(path)
            return
        remove_db(path)
    build_store(path, rows)


def prime_page_cache(db: Path, requests: list[tuple[str, str]]) -> None:
    """Read, once, every page the run's queries will read (all three read the same rows)."""
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for subject, day in dict.fromkeys(requests):
        conn.execute("SELECT _key, _record FROM current_trade WHERE subject_code=? AND "
                     "trade_date=? AND _retracted=0 ORDER BY _key LIMIT 101",
                     (subject, day)).fetchall()
    conn.close()
    print(f"  page cache primed in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def upgrade_store(path: Path) -> None:
    """Bring a store built by an earlier version to this one's schema (its indexes), and
    refresh the planner's statistics if that changed anything."""
    from gateway.store import Store
    from gateway.store.ddl import SCHEMA_VERSION

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    version = conn.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()[0]
    conn.close()
    if int(version) != SCHEMA_VERSION:
        print(f"  upgrading the store from schema {version} to {SCHEMA_VERSION} …",
              file=sys.stderr)
        store = Store(path)
        store.conn.execute("ANALYZE")
        store.close()


# the servers (each runs in its own process: bench/api.py --serve NAME) -------------
def api_app(db: Path) -> Any:
    import hashlib

    from gateway.settings import ApiSettings, Settings, TokenSettings
    from gateway.web import create_app

    token = TokenSettings("bench", "partner", hashlib.sha256(PARTNER_TOKEN.encode()).hexdigest())
    settings = Settings(db.parent, tokens=(token,), api=ApiSettings(rate_limit=False))
    return create_app(settings, db)


def flask_app(db: Path) -> Any:
    from flask import Flask, jsonify, request

    app = Flask("bare")
    local = threading.local()
    columns = ("trade_id, trade_date, trade_time, subject_code, trade_method, price, "
               "quantity, amount")

    @app.get("/trades")
    def trades() -> Any:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True,
                                                check_same_thread=False)
        cur = conn.execute(f"SELECT _key, {columns} FROM current_trade WHERE subject_code=? "
                           "AND trade_date=? AND _retracted=0 ORDER BY _key LIMIT ?",
                           (request.args["subject_code"], request.args["trade_date"], 101))
        names = [d[0] for d in cur.description]
        return jsonify([dict(zip(names, row, strict=True)) for row in cur.fetchall()])

    return app


def datasette_app(db: Path, threads: int) -> Any:
    import asyncio

    from a2wsgi import ASGIMiddleware
    from datasette.app import Datasette

    ds = Datasette([str(db)], settings={"suggest_facets": False, "num_sql_threads": threads,
                                        "default_page_size": 100})
    asyncio.run(ds.invoke_startup())
    return ASGIMiddleware(ds.app())


def serve(name: str, db: Path, port: int, workers: int, threads: int) -> None:
    """Serve one of the three apps with gunicorn (``workers`` processes × ``threads``)."""
    from gateway.web.server import run_gunicorn

    factory = {"api": lambda: api_app(db), "flask": lambda: flask_app(db),
               "datasette": lambda: datasette_app(db, threads)}[name]
    run_gunicorn(factory, "127.0.0.1", port, workers, threads)


# the load generator -------------------------------------------------------------
PATHS = {
    "api": "/api/v1/trade?subject_code={s}&trade_date={d}&limit=100",
    "datasette": "/{db}/current_trade.json?subject_code={s}&trade_date={d}&_size=100"
                 "&_nocount=1&_shape=objects",
    "flask": "/trades?subject_code={s}&trade_date={d}",
}
HEADERS = {"api": {"Authorization": f"Bearer {PARTNER_TOKEN}"}, "datasette": {}, "flask": {}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, db: Path, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--serve", name, "--db", str(db),
                             "--port", str(port), "--workers", str(workers),
                             "--threads", str(threads)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                died = proc.stderr.read().decode()[-2000:]
                raise RuntimeError(f"{name} server died: {died}") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{name} server did not start")


def requests_for(rows: int, count: int, seed: int = 1) -> list[tuple[str, str]]:
    days = max(1, rows // PER_DAY)
    rng = random.Random(seed)
    return [(rng.choice(SUBJECTS), (FIRST_DAY + dt.timedelta(days=rng.randrange(days))).isoformat())
            for _ in range(count)]


def load_python(port: int, paths: list[str], connections: int, headers: dict[str, str],
                seconds: float) -> tuple[float, list[float]]:
    """Send every path once over ``connections`` keep-alive connections (threads);
    ``seconds`` is wrk's and is not used here."""
    latencies: list[float] = []
    errors: list[str] = []
    lock, cursor = threading.Lock(), iter(paths)

    def worker() -> None:
        try:
            run()
        except Exception as error:  # reported by the caller
            errors.append(f"{type(error).__name__}: {error}")

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                path = next(cursor, None)
            if path is None:
                break
            began = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200 or not data:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise RuntimeError(f"{len(errors)} load workers failed, first: {errors[0]}")
    return time.perf_counter() - began, latencies


WRK_SCRIPT = Path(__file__).with_name("wrk_paths.lua")


def load_wrk(port: int, paths: list[str], connections: int, headers: dict[str, str],
             seconds: float) -> tuple[float, list[float]]:
    """Cycle through the paths with wrk for ``seconds`` (one thread, ``connections``
    connections); the latencies come from its histogram, in seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                   "--timeout", "60s", "-s", str(WRK_SCRIPT)]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run([*command, f"http://127.0.0.1:{port}"], capture_output=True,
                              text=True, env={**os.environ, "WRK_PATHS": listing.name},
                              timeout=seconds + 120)
    finally:
        os.unlink(listing.name)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-500:]}")
    result = json.loads(lines[-1])
    if result["status_errors"] or result["socket_errors"]:
        raise RuntimeError(f"wrk saw {result['status_errors']} non-2xx answers and "
                           f"{result['socket_errors']} socket errors")
    latencies = [us / 1e6 for us, count in result["latency"] for _ in range(count)]
    return result["duration_us"] / 1e6, latencies


LOADERS = {"wrk": load_wrk, "python": load_python}


def loader_name(choice: str) -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--load wrk: wrk is not installed (apt-get install wrk)")
    return choice


def measure(db: Path, args: argparse.Namespace,
            scale_db: Path | None = None) -> dict[str, dict[str, float]]:
    """Serve the apps at once and load them in turns: ``--rounds`` rounds, each sending
    every app its share of the requests, the order rotating each round, so that a slow
    spell of a shared machine falls on all alike. With ``scale_db``, a fourth server runs
    the API over that larger store (``api_scale``)."""
    targets = {name: (name, db, args.rows) for name in ("api", "datasette", "flask")}
    if scale_db is not None:
        targets["api_scale"] = ("api", scale_db, args.scale_rows)
    names = list(targets)
    load = LOADERS[args.load]
    print(f"  starting the servers ({args.load} loads them) …", file=sys.stderr)
    servers = {}
    try:
        for label, (name, path, _) in targets.items():
            servers[label] = start(name, path, args.workers, args.threads)
        paths = {label: [PATHS[name].format(s=s, d=d, db=path.stem)
                         for s, d in requests_for(rows, args.requests + args.warmup)]
                 for label, (name, path, rows) in targets.items()}
        headers = {label: HEADERS[name] for label, (name, _, _) in targets.items()}
        elapsed = dict.fromkeys(names, 0.0)
        latencies: dict[str, list[float]] = {name: [] for name in names}
        for label in names:
            load(servers[label][1], paths[label][: args.warmup], args.connections,
                 headers[label], 2)
        share = -(-args.requests // args.rounds)
        for turn in range(args.rounds):
            chunk = slice(args.warmup + turn * share, args.warmup + (turn + 1) * share)
            print(f"  round {turn + 1}/{args.rounds} …", file=sys.stderr)
            shift = turn % len(names)
            for label in names[shift:] + names[:shift]:
                seconds, times = load(servers[label][1], paths[label][chunk],
                                      args.connections, headers[label], args.round_seconds)
                elapsed[label] += seconds
                latencies[label].extend(times)
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=10)
    return {name: _figures(elapsed[name], latencies[name]) for name in names}


def _figures(elapsed: float, latencies: list[float]) -> dict[str, float]:
    latencies.sort()
    return {"rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[min(len(latencies) - 1,
                                          int(len(latencies) * 0.99))] * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=4,
                        help="turns each server gets, in rotating order (default 4)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes, the same for the three (default: one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if installed (auto), or Python threads")
    parser.add_argument("--round-seconds", type=float, default=5,
                        help="with wrk: how long each round loads each server (default 5)")
    parser.add_argument("--scale-rows", type=int, default=None,
                        help="also serve the API over a store of this many trades, in the "
                             "same rounds, and report the latency ratio (e.g. 10000000)")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", choices=sorted(PATHS), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.db, args.port, args.workers, args.threads)
        return
    args.warmup = min(200, args.requests // 5) if args.warmup is None else args.warmup
    args.load = loader_name(args.load)
    db = args.db or REPO / "var" / "bench" / f"api-{args.rows}.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    ensure_store(db, args.rows)
    prime_page_cache(db, requests_for(args.rows, args.requests + args.warmup))
    scale_db = None
    if args.scale_rows:
        scale_db = db.with_name(f"api-{args.scale_rows}.db")
        ensure_store(scale_db, args.scale_rows)
        prime_page_cache(scale_db, requests_for(args.scale_rows, args.requests + args.warmup))
    results = measure(db, args, scale_db)
    report(args, results)


def report(args: argparse.Namespace, results: dict[str, dict[str, float]]) -> None:
    sent = (f"{args.rounds} rounds × {args.round_seconds:g} s" if args.load == "wrk"
            else f"{args.requests:,} requests")
    print(f"{args.rows:,} trades, {sent}, {args.connections} connections "
          f"({args.load}), gunicorn ×{args.workers} processes ×{args.threads} threads each")
    for name, figures in results.items():
        print(f"  {name:<10} {figures['rps']:>8.1f} req/s   p50 {figures['p50_ms']:>7.2f} ms"
              f"   p99 {figures['p99_ms']:>7.2f} ms")
    api, ds, fl = (results[n]["rps"] for n in ("api", "datasette", "flask"))
    summary = {"bench": "api", "rows": args.rows, "api_rps": api, "datasette_rps": ds,
               "flask_rps": fl, "ratio_to_datasette": round(api / ds, 2),
               "ratio_to_flask": round(api / fl, 2), "api_p99_ms": results["api"]["p99_ms"],
               "api_p50_ms": results["api"]["p50_ms"], "connections": args.connections,
               "workers": args.workers, "threads": args.threads,
               "requests": args.requests, "rounds": args.rounds, "load": args.load}
    if "api_scale" in results:
        scale = results["api_scale"]
        summary |= {"scale_rows": args.scale_rows, "scale_api_p50_ms": scale["p50_ms"],
                    "scale_api_p99_ms": scale["p99_ms"],
                    "scale_latency_ratio_p50": round(scale["p50_ms"] / results["api"]["p50_ms"], 2),
                    "scale_latency_ratio_p99": round(scale["p99_ms"] / results["api"]["p99_ms"], 2)}
    print(f"  API / Datasette {summary['ratio_to_datasette']:.2f} (target ≥ 1.5), "
          f"API / Flask {summary['ratio_to_flask']:.2f} (target ≥ 0.8), "
          f"API p99 {summary['api_p99_ms']} ms (target < 50)")
    if "scale_rows" in summary:
        print(f"  {args.scale_rows:,} trades: API p50 {summary['scale_api_p50_ms']} ms, p99 "
              f"{summary['scale_api_p99_ms']} ms: ×{summary['scale_latency_ratio_p50']} (p50), "
              f"×{summary['scale_latency_ratio_p99']} (p99) the latency at {args.rows:,} "
              "(target ≤ 1.3)")
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
