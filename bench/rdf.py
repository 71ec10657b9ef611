"""RDF dump benchmark: the streaming writer against rdflib ``Graph.serialize``, same run.

    python bench/rdf.py [--triples 1000000] [--rdflib-triples N] [--format nt] [--json]

Both sides map the same synthetic compliance records (one USCC each, with provenance,
so no triple repeats) through ``mappings.rdf.record_triples``:
  * stream — ``DumpWriter`` formats chunks of plain terms straight into the file;
  * rdflib — the same triples added to one in-memory ``Graph``, then ``serialize``.
Each side runs in its own forked process, so each peak RSS is its own. Targets: stream
≥ 5× faster than rdflib, and stream RSS < 150 MB at 10M triples. ``--rdflib-triples``
caps the rdflib side (it needs ~1 GB per million triples) and scales its time linearly
to ``--triples``; the JSON line then says so in ``rdflib_measured_triples``.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import emit, in_child, timed

from mappings import rdf
from mappings.rdf.streaming import DumpWriter

BASE = "http://127.0.0.1:8000"
META = {"version": 1, "run_id": 3, "updated_at": "2026-01-31T10:00:00.123456+00:00"}


def record(i: int) -> dict[str, Any]:
    """The i-th synthetic compliance record, as the store keeps it."""
    return {"uscc": f"9142{i:014d}", "compliance_year": 2021 + i % 4,
            "obligation": 1_000_000 + i, "surrendered_cea": 990_000 + i % 7,
            "surrendered_ccer": 10_000, "status": ("COMPLIANT", "PARTIAL")[i % 2],
            "deadline": "2025-12-31", "published_on": "2026-01-15"}


def triples_per_record() -> int:
    return len(rdf.record_triples("compliance", record(0), BASE, meta=META))


def records_for(triples: int) -> int:
    return -(-triples // triples_per_record())


def mapped(n: int) -> Iterator[list]:
    for i in range(n):
        yield rdf.record_triples("compliance", record(i), BASE, meta=META)


def stream(n: int, path: str, fmt: str) -> dict[str, Any]:
    def run() -> int:
        with DumpWriter(BASE, {fmt: [Path(path)]}) as writer:
            for triples in mapped(n):
                writer.write(triples)
        return writer.count
    seconds, count = timed(run)
    return {"seconds": seconds, "triples": count}


def with_rdflib(n: int, path: str, fmt: str) -> dict[str, Any]:
    def run() -> int:
        graph = rdf.graph_of((t for triples in mapped(n) for t in triples), BASE)
        graph.serialize(destination=path, format={"ttl": "turtle", "jsonld": "json-ld"}.get(
            fmt, fmt), encoding="utf-8")
        return len(graph)
    seconds, count = timed(run)
    return {"seconds": seconds, "triples": count}


def lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rdflib-triples", type=int, default=None,
                        help="cap the rdflib side and scale its time (default: same N)")
    parser.add_argument("--format", default="nt", choices=["nt", "ttl", "jsonld"])
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    n = records_for(args.triples)
    m = records_for(args.rdflib_triples) if args.rdflib_triples else n
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / f"stream.{args.format}", Path(tmp) / f"rdflib.{args.format}"
        s = in_child(stream, n, str(ours), args.format)
        r = in_child(with_rdflib, m, str(theirs), args.format)
        if args.format == "nt" and m == n:
            assert lines(ours) == lines(theirs) == s["triples"] == r["triples"]
    rdflib_s = r["seconds"] * n / m
    figures = {"bench": "rdf", "format": args.format, "triples": s["triples"],
               "stream_s": round(s["seconds"], 2), "rdflib_s": round(rdflib_s, 2),
               "ratio": round(rdflib_s / s["seconds"], 1),
               "stream_peak_rss_mb": s["peak_rss_mb"], "rdflib_peak_rss_mb": r["peak_rss_mb"]}
    if m != n:
        figures["rdflib_measured_triples"] = r["triples"]
    emit(figures, args.json)


if __name__ == "__main__":
    main()
