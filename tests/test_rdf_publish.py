"""The ``rdf`` publish step on a real store: files, parsability, and the tier rule."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

import schemas
from gateway.publish import PublishContext, publish
from gateway.settings import Settings
from mappings import rdf

from .test_rdf_fixtures import BASE, pipeline_store, store_records


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("rdfpub")
    store = pipeline_store(tmp / "gateway.db")
    ctx = PublishContext(Settings(tmp, BASE), store, tmp / "out", "2026-01-31")
    result = publish(ctx, ["rdf"])["rdf"]
    store.close()
    assert set(result["skipped"]) == {"key_parameter", "trade", "allocation"}
    return tmp / "out" / "rdf"


def test_dumps_catalogue_and_context_are_written_and_parse(published):
    for name in ("all", "emission_report", "compliance", "market_day", "pledge"):
        counts = set()
        for ext, fmt in ((".nt", ox.RdfFormat.N_TRIPLES), (".ttl", ox.RdfFormat.TURTLE),
                         (".jsonld", ox.RdfFormat.JSON_LD)):
            store = ox.Store()
            store.bulk_load(path=str(published / f"{name}{ext}"), format=fmt)
            counts.add(len(store))
        assert len(counts) == 1 and counts.pop() > 0, name
    for name in ("catalog.ttl", "catalog.jsonld", "vocabulary.ttl", "codelists.ttl",
                 "provenance.ttl", "context.jsonld", "context/pledge.jsonld"):
        assert (published / name).stat().st_size > 0
    assert not (published / "trade.nt").exists()


def test_records_carry_their_run_and_version(published):
    text = (published / "compliance.nt").read_text(encoding="utf-8")
    assert "<http://www.w3.org/ns/prov#wasGeneratedBy> <http://127.0.0.1:8000/id/run/1>" in text
    assert "/def/cm#recordVersion>" in text
    assert "<http://127.0.0.1:8000/id/run/1> <http://www.w3.org/ns/prov#startedAtTime>" in \
        (published / "all.nt").read_text(encoding="utf-8")


def _strings(value: object) -> set[str]:
    """Every scalar inside a field value (lists and nested objects included)."""
    if value is None:
        return set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    return {str(value)}


def _restricted() -> tuple[set[str], set[str]]:
    """Predicates used only by restricted fields, and restricted values never public."""
    public_preds, restricted_preds, public_values, restricted_values = set(), set(), set(), set()
    for kind, record in store_records():
        shown = set(schemas.visible_fields(kind, "public")) if rdf.publishable(kind) else set()
        for row in rdf.TABLES[kind]:
            iri = rdf.values.expand(row.predicate, BASE)
            value = record.get(row.field)
            values = _strings(value)
            nested = {"facilities": rdf.tables.FACILITY_ROWS, "methods": rdf.tables.METHOD_ROWS}
            if row.field in shown:
                public_preds.add(iri)
                public_preds |= {rdf.values.expand(r.predicate, BASE)
                                 for r in nested.get(row.convert, ())}
                public_values |= values
            else:
                restricted_preds.add(iri)
                if row.convert != "code":   # notations are in the public code lists
                    restricted_values |= values
    reference = rdf.nt_lines(rdf.vocabulary_triples(BASE) + [
        t for scheme in rdf.schemes() for t in rdf.codelist_triples(scheme, BASE)])
    values = {v for v in restricted_values - public_values if not _token(v, reference)}
    return restricted_preds - public_preds, values


def _token(value: str, text: str) -> bool:
    """``value`` occurs in ``text`` as a whole token, not inside a longer number or code."""
    return re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w.-])", text) is not None


def test_no_restricted_field_predicate_or_value_reaches_a_public_dump(published):
    predicates, values = _restricted()
    assert "http://127.0.0.1:8000/def/cm#securedAmount" in predicates
    assert {"CEA-9142-0001", "91440300MA5H123444", "18000000.00", "P202404-000001"} <= values
    dumps = [p for p in published.rglob("*") if p.is_file() and p.parent.name != "context"
             and p.name != "context.jsonld"]
    for path in dumps:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".nt":   # the vocabulary defines them; data must never use them
            store = ox.Store()
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            used = {q.predicate.value for q in store}
            assert not used & predicates, (path.name, used & predicates)
        for value in values:
            assert not _token(value, text), (path.name, value)
