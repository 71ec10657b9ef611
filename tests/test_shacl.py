"""Our own SHACL shapes: valid SHACL (SHACL-SHACL), pass on sample and demo data,
and catch broken data."""

from __future__ import annotations

import json

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef

from mappings import rdf
from mappings.rdf.namespaces import XSD
from mappings.rdf.shapes import NAMES, shapes_graph

from .conftest import REFERENCE
from .test_rdf_fixtures import BASE, canonical

SHACL_SHACL = REFERENCE / "linked-data" / "w3c" / "shacl-shacl.ttl"
TIERS = {"trade": "partner"}


def validate(data: Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes_graph(BASE), inference="none")
    return conforms, text


@pytest.mark.parametrize("name", NAMES)
def test_our_shapes_are_valid_shacl(name):
    shapes = shapes_graph(BASE, (name,))
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=Graph().parse(SHACL_SHACL),
                                         inference="none")
    assert conforms, text


def _graph(items: list[tuple[str, dict]]) -> Graph:
    triples = []
    for kind, record in items:
        triples += rdf.record_triples(kind, record, BASE, TIERS.get(kind, "public"))
    return rdf.graph_of(triples, BASE)


def test_sample_observations_pledges_and_trades_conform():
    items = [(k, canonical(k)) for k in ("emission_report", "compliance", "market_day",
                                         "pledge", "trade", "entity")]
    conforms, text = validate(_graph(items))
    assert conforms, text


def test_the_shapes_catch_negative_amounts_swapped_terms_and_missing_labels():
    graph = _graph([("pledge", canonical("pledge")), ("trade", canonical("trade"))])
    cm = rdf.cm_ns(BASE)
    pledge = URIRef(f"{BASE}/id/pledge/ZY2025000123")
    graph.set((pledge, URIRef(cm + "quantity"), Literal("-5", datatype=XSD.decimal)))
    graph.set((pledge, URIRef(cm + "termEnd"), Literal("2020-01-01", datatype=XSD.date)))
    graph.remove((URIRef(f"{BASE}/id/trade/T20250102000123"), None,
                  Literal("Trade T20250102000123", lang="en")))
    conforms, text = validate(graph)
    assert not conforms
    for needle in ("MinExclusiveConstraintComponent", "LessThanOrEqualsConstraintComponent",
                   "MinCountConstraintComponent"):
        assert needle in text


@pytest.mark.slow
def test_demo_data_conforms(pulled_store):
    """A slice of every shaped kind from the simulated systems (the demo data)."""
    items = []
    for kind in ("emission_report", "compliance", "market_day", "pledge", "trade"):
        rows = pulled_store.query(f'SELECT _record FROM "current_{kind}" LIMIT 150')
        items += [(kind, json.loads(r["_record"])) for r in rows]
    conforms, text = validate(_graph(items))
    assert conforms, text
