"""Records → RDF: ``record_triples`` (plain terms) and ``record_graph`` (rdflib).

A record is a dict as the store keeps it (canonical JSON: snake_case fields, decimals
as strings, ISO dates). Fields above the caller's ``tier`` are dropped first; a kind
whose natural key uses such a field cannot be shown at that tier at all (its URI would
leak the key), and :class:`NotPublishable` says so.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rdflib import Graph

import schemas

from . import terms as t
from .cube import observation_triples
from .tables import CLASSES, PERIOD_FIELDS, TABLES, Row, period_of
from .values import CONVERTERS, RDF_TYPE, RDFS_LABEL, WHOLE_LIST, Context, expand


class NotPublishable(LookupError):
    """This kind has nothing to show at this tier (no visible fields, or a hidden key)."""


@cache
def visible(kind: str, tier: str) -> frozenset[str]:
    """The fields of ``kind`` a caller of ``tier`` may see."""
    return frozenset(schemas.visible_fields(kind, tier))


@cache
def publishable(kind: str, tier: str = "public") -> bool:
    """True when records of ``kind`` can be published at ``tier``: every key field shows."""
    return set(schemas.KINDS[kind].key_fields) <= visible(kind, tier)


@cache
def _schemes(kind: str) -> dict[str, str | None]:
    return {f["name"]: f["codelist"] for f in schemas.field_specs(kind)}


@cache
def _rows(kind: str, tier: str) -> tuple[Row, ...]:
    shown = visible(kind, tier)
    return tuple(row for row in TABLES[kind] if row.field in shown)


def record_uri(kind: str, record: dict[str, Any], base: str) -> str:
    """The record's URI, ``{base}/id/{kind}/{natural key}``."""
    return t.thing_uri(base, kind, schemas.KINDS[kind].natural_key(record))


def record_triples(kind: str, record: dict[str, Any], base: str, tier: str = "public",
                   meta: dict[str, Any] | None = None) -> list[t.Triple]:
    """Every triple of one record at ``tier``, as plain terms.

    ``meta`` may carry the store's ``version``, ``run_id`` and ``updated_at`` of the
    record, which become its provenance (``prov:wasGeneratedBy`` the ingest run).
    """
    if not publishable(kind, tier):
        raise NotPublishable(f"{kind} records are not shown at tier {tier!r}")
    key = schemas.KINDS[kind].natural_key(record)
    subject = t.thing_uri(base, kind, key)
    out = _head(kind, key, subject, base)
    schemes = _schemes(kind)
    for row in _rows(kind, tier):
        value = record.get(row.field)
        if value is None or value == []:
            continue
        ctx = Context(base, subject, record, schemes.get(row.field), row.target)
        out += _apply(row, value, ctx)
    out += _membership(kind, record, subject, base, tier)
    if meta:
        out += _provenance(subject, meta, base)
    return out


def record_graph(kind: str, record: dict[str, Any], base_uri: str, tier: str = "public",
                 meta: dict[str, Any] | None = None) -> Graph:
    """The rdflib Graph of one record at ``tier`` (see :func:`record_triples`)."""
    return t.graph_of(record_triples(kind, record, base_uri, tier, meta), base_uri)


def _head(kind: str, key: str, subject: str, base: str) -> list[t.Triple]:
    label = schemas.KINDS[kind].label
    out: list[t.Triple] = [(subject, RDF_TYPE, expand(c, base)) for c in CLASSES[kind]]
    out.append((subject, RDFS_LABEL, t.Lit(f"{label['zh']} {key}", lang="zh")))
    out.append((subject, RDFS_LABEL, t.Lit(f"{label['en']} {key}", lang="en")))
    return out


def _apply(row: Row, value: Any, ctx: Context) -> list[t.Triple]:
    convert = CONVERTERS[row.convert]
    predicate = expand(row.predicate, ctx.base)
    items = [value] if row.convert in WHOLE_LIST or not isinstance(value, list) else value
    out: list[t.Triple] = []
    for item in items:
        objects, extra = convert(item, ctx)
        out += [(ctx.subject, predicate, o) for o in objects]
        out += extra
    return out


def _membership(kind: str, record: dict[str, Any], subject: str, base: str,
                tier: str) -> list[t.Triple]:
    """The record's dataset: ``qb:dataSet`` for observations, ``void:inDataset`` else."""
    if PERIOD_FIELDS[kind] not in visible(kind, tier):
        return []
    period = period_of(kind, record)
    if period is None:
        return []
    dataset = t.dataset_uri(base, kind, period)
    cube = observation_triples(kind, record, subject, dataset, base, visible(kind, tier))
    return cube or [(subject, expand("void:inDataset", base), dataset)]


def _provenance(subject: str, meta: dict[str, Any], base: str) -> list[t.Triple]:
    out: list[t.Triple] = []
    if meta.get("run_id") is not None:
        out.append((subject, expand("prov:wasGeneratedBy", base), t.run_uri(base, meta["run_id"])))
    if meta.get("updated_at"):
        out.append((subject, expand("prov:generatedAtTime", base),
                    t.Lit(str(meta["updated_at"]), t.XSD_DATETIME)))
    if meta.get("version") is not None:
        out.append((subject, expand("cm:recordVersion", base),
                    t.Lit(str(int(meta["version"])), t.XSD_INTEGER)))
    return out
