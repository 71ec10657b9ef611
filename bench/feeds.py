"""Change-feed benchmark: page latency on a small and a large disclosure log, one run.

    python bench/feeds.py [--small 1000] [--large 1050000] [--requests 300] [--limit 100]
                          [--db-dir DIR] [--json]

Two stores are built (and kept in ``--db-dir`` for reuse) whose ``log`` holds ``--small``
and ``--large`` entries of a realistic mix of kinds (trades most, then compliance,
market days, entities…): rows go straight into ``log`` with the store's own DDL and
indexes, since the change feed reads nothing else. Each store is served by the real app
(``create_app``, Flask test client: the whole request path, no network), and the same
three kinds of request are timed on each, with ``since`` drawn at random across the log
(short of its last ``4 × limit`` entries, so that every page is full):

  * agency  — ``/feeds/changes?since=S&limit=L`` with the agency token (every kind:
              the primary-key walk);
  * public  — the same without a token (kinds above the public tier skipped: the
              per-kind index merge, records filtered to public fields);
  * kind    — ``?kind=trade,compliance`` with the agency token (two kinds merged).

The headline p50 is over all requests of a store; ``ratio`` is large/small and the
target is ≤ 1.3 (page latency must not grow with the log). With ``--json`` the last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import emit  # noqa: E402

AGENCY_TOKEN = "bench-agency-token"
# kind -> weight in the log (per 100 entries)
MIX = {"trade": 55, "market_day": 5, "compliance": 8, "entity": 8, "emission_report": 8,
       "surrender": 6, "key_parameter": 5, "allocation": 3, "pledge": 1, "ccer_issuance": 1}
BATCH = 50_000


def samples() -> dict[str, dict[str, Any]]:
    """One validated record per kind (tests/samples.py), as the store keeps it."""
    import schemas
    from gateway.store.canonical import jsonable
    from tests.samples import raw

    found = {}
    for kind in MIX:
        result = schemas.validate(kind, raw(kind))
        assert result.ok, (kind, result.errors)
        found[kind] = jsonable(result.record or {})
    return found


def build(path: Path, entries: int) -> None:
    """A store whose log holds ``entries`` versions (every 10th a correction)."""
    from gateway.store import Store, canonical_json
    from gateway.store.canonical import sha256_text

    records, rng = samples(), random.Random(7)
    kinds = [k for k, w in MIX.items() for _ in range(w)]
    def row(seq: int) -> tuple[Any, ...]:
        kind = kinds[rng.randrange(len(kinds))]
        correction = seq % 10 == 0
        key = f"K{(seq - 1 if correction else seq):010d}"
        text = canonical_json({**records[kind], "_bench": key})
        return (seq, kind, key, 2 if correction else 1, "correct" if correction else "add",
                sha256_text(text), 1, "2026-01-01T00:00:00+00:00", None,
                "bench correction" if correction else None, f"bench:{seq}", None, text)

    store = Store(path)
    started = time.perf_counter()
    for start in range(1, entries + 1, BATCH):
        rows = [row(seq) for seq in range(start, min(start + BATCH, entries + 1))]
        with store.transaction() as conn:
            conn.executemany("INSERT INTO log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        print(f"  {path.name}: {start + len(rows) - 1:,} entries "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    store.close()


def ensure(db_dir: Path, entries: int) -> Path:
    path = db_dir / f"feeds-{entries}.db"
    if path.exists():
        from gateway.store import Store
        with Store(path) as store:
            if store.next_seq() - 1 == entries:
                return path
        path.unlink()
    build(path, entries)
    return path


def app_for(path: Path):
    from gateway.settings import ApiSettings, Settings, TokenSettings
    from gateway.web import create_app

    token = TokenSettings("bench", "agency", hashlib.sha256(AGENCY_TOKEN.encode()).hexdigest())
    settings = Settings(path.parent, tokens=(token,), api=ApiSettings(rate_limit=False))
    return create_app(settings, store_path=path)


def measure(path: Path, requests: int, limit: int, seed: int = 11) -> dict[str, Any]:
    from gateway.store import Store

    with Store(path, readonly=True) as store:
        top = store.next_seq() - 1
    client = app_for(path).test_client()
    agency = {"Authorization": f"Bearer {AGENCY_TOKEN}"}
    scenarios = {"agency": ("", agency), "public": ("", {}),
                 "kind": ("&kind=trade,compliance", agency)}
    rng = random.Random(seed)
    timings: dict[str, list[float]] = {name: [] for name in scenarios}
    for round_ in range(requests + 30):
        for name, (extra, headers) in scenarios.items():
            since = rng.randrange(0, max(1, top - 4 * limit))  # full pages everywhere
            started = time.perf_counter()
            response = client.get(f"/feeds/changes?since={since}&limit={limit}{extra}",
                                  headers=headers)
            body = response.get_data()
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200 and body, response.status_code
            if round_ >= 30:  # warm-up
                timings[name].append(elapsed)
    every = [t for values in timings.values() for t in values]
    return {"entries": top, "p50_ms": statistics.median(every),
            **{f"{name}_p50_ms": statistics.median(v) for name, v in timings.items()},
            **{f"{name}_p99_ms": statistics.quantiles(v, n=100)[98]
               for name, v in timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_050_000)
    parser.add_argument("--requests", type=int, default=300, help="per scenario and store")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--db-dir", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.db_dir.mkdir(parents=True, exist_ok=True)
    small = measure(ensure(args.db_dir, args.small), args.requests, args.limit)
    large = measure(ensure(args.db_dir, args.large), args.requests, args.limit)
    figures: dict[str, Any] = {"bench": "feeds", "small_log": small["entries"],
                               "large_log": large["entries"],
                               "small_p50_ms": round(small["p50_ms"], 3),
                               "large_p50_ms": round(large["p50_ms"], 3),
                               "ratio": round(large["p50_ms"] / small["p50_ms"], 3),
                               "limit": args.limit, "requests": args.requests * 3}
    for name in ("agency", "public", "kind"):
        for size, result in (("small", small), ("large", large)):
            figures[f"{size}_{name}_p50_ms"] = round(result[f"{name}_p50_ms"], 3)
            figures[f"{size}_{name}_p99_ms"] = round(result[f"{name}_p99_ms"], 3)
    emit(figures, args.json)


if __name__ == "__main__":
    main()
