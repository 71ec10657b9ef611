"""Publish step ``rdf``: linked-data dumps, catalogue, vocabulary, code lists, context.

Writes into ``out_dir/rdf/``: ``{kind}.nt|.ttl|.jsonld`` for every kind publishable at
the public tier, ``all.nt|.ttl|.jsonld`` (every kind, the vocabulary, code lists and
provenance), ``catalog.ttl|.jsonld``, ``vocabulary.ttl``, ``codelists.ttl``,
``provenance.ttl``, ``context.jsonld`` and ``context/{kind}.jsonld``. Records are read
with a cursor and formatted chunk by chunk, so memory stays flat whatever the size.
Only public-tier fields are written (``mappings.rdf`` drops the others).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import schemas
from mappings import rdf
from mappings.rdf.streaming import FORMATS, DumpWriter, Sink, end_sink, open_sink

from .. import __version__
from ..catalog import kind_summary
from ..store import Store, current_table
from ..store.ddl import DERIVED
from . import PublishContext

STEP = "rdf"
ORDER = 50
TIER = "public"
BATCH = 2_000


def run(ctx: PublishContext) -> dict[str, Any]:
    out = ctx.out_dir / "rdf"
    out.mkdir(parents=True, exist_ok=True)
    base = ctx.settings.base_uri
    everything = {fmt: open_sink(fmt, out / f"all{ext}", base) for fmt, ext in FORMATS.items()}
    summary: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    triples: dict[str, int] = {}
    for kind in schemas.KINDS:
        if not rdf.publishable(kind, TIER):
            skipped[kind] = f"nothing publishable at tier {TIER}"
            continue
        ctx.progress(f"rdf: {kind}")
        summary[kind] = kind_summary(ctx.store.conn, kind)
        triples[kind] = _dump_kind(ctx.store, kind, base, out, everything, summary[kind])
    triples["reference"] = _reference(ctx, base, out, everything)
    for sink in everything.values():
        end_sink(sink, base)
    _catalog(ctx, base, out, summary)
    _contexts(base, out)
    return {"dir": str(out), "triples": triples, "skipped": skipped,
            "files": sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())}


def records(store: Store, kind: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Current, not retracted records of ``kind`` with their provenance, in key order."""
    derived = list(DERIVED.get(kind, {}))
    extra = "".join(f', "{c}"' for c in derived)
    cur = store.conn.execute(
        f'SELECT _record, _version, _run_id, _updated_at{extra} FROM "{current_table(kind)}" '
        "WHERE _retracted = 0 ORDER BY _key")
    while rows := cur.fetchmany(BATCH):
        for row in rows:
            record = json.loads(row[0])
            record.update({c: v for c, v in zip(derived, row[4:], strict=True) if v is not None})
            yield record, {"version": row[1], "run_id": row[2], "updated_at": row[3]}


def _dump_kind(store: Store, kind: str, base: str, out: Path,
               everything: dict[str, Sink], entry: dict[str, Any]) -> int:
    targets = {fmt: [out / f"{kind}{ext}", everything[fmt]] for fmt, ext in FORMATS.items()}
    with DumpWriter(base, targets) as writer:  # type: ignore[arg-type]
        for record, meta in records(store, kind):
            writer.write(rdf.record_triples(kind, record, base, TIER, meta))
        for period in entry["periods"]:
            writer.write(rdf.dataset_triples(kind, period, base))
    return writer.count


def _reference(ctx: PublishContext, base: str, out: Path, everything: dict[str, Sink]) -> int:
    """Vocabulary, code lists and provenance: their own files, and into ``all.*``."""
    runs = ctx.store.query("SELECT id, system, status, started_at, finished_at FROM runs "
                           "ORDER BY id")
    parts = {
        "vocabulary": rdf.vocabulary_triples(base),
        "codelists": [tr for s in rdf.schemes() for tr in rdf.codelist_triples(s, base)],
        "provenance": rdf.agent_triples(base, __version__, f"{base}/id/org/publisher")
        + [tr for r in runs for tr in rdf.run_triples(r, base, __version__)],
    }
    total = 0
    for name, triples in parts.items():
        with DumpWriter(base, {"ttl": [out / f"{name}.ttl"]}) as own:
            own.write(triples)
        with DumpWriter(base, {fmt: [sink] for fmt, sink in everything.items()}) as shared:  # type: ignore[misc]
            shared.write(triples)
        total += len(triples)
    return total


def _catalog(ctx: PublishContext, base: str, out: Path, summary: dict[str, Any]) -> None:
    info = rdf.CatalogInfo(base, modified=ctx.release)
    graph = rdf.catalog_graph(summary, info, TIER)
    graph.serialize(out / "catalog.ttl", format="turtle", encoding="utf-8")
    graph.serialize(out / "catalog.jsonld", format="json-ld", encoding="utf-8",
                    context=rdf.prefixes(base), auto_compact=True)


def _contexts(base: str, out: Path) -> None:
    (out / "context").mkdir(exist_ok=True)
    _write_json(out / "context.jsonld", rdf.jsonld_context(base))
    for kind in schemas.KINDS:
        _write_json(out / "context" / f"{kind}.jsonld", rdf.kind_context(kind, base))


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
