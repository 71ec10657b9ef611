"""Data Cube integrity constraints on the emissions (and compliance) cube."""

from __future__ import annotations

from rdflib import Literal, URIRef

from mappings import rdf
from mappings.rdf.integrity import check_cube
from mappings.rdf.namespaces import QB, XSD

from .test_rdf_fixtures import BASE, canonical, emission_records


def cube_graph(records: list[dict], kind: str = "emission_report"):
    triples = rdf.vocabulary_triples(BASE) + rdf.codelist_triples("subject", BASE)
    periods = set()
    for record in records:
        triples += rdf.record_triples(kind, record, BASE)
        periods.add(rdf.period_of(kind, record))
    for period in periods:
        triples += rdf.dataset_triples(kind, period, BASE)
    return rdf.graph_of(triples, BASE)


def test_emissions_cube_passes_every_integrity_constraint():
    graph = cube_graph(emission_records(60))
    assert len(list(graph.subjects(None, QB.Observation))) == 60
    violated = {name for name, bad in check_cube(graph).items() if bad}
    assert violated == set()


def test_compliance_and_market_cubes_pass_too():
    compliance = cube_graph([canonical("compliance"), canonical("compliance", complianceYear=2023)],
                            "compliance")
    market = cube_graph([canonical("market_day"),
                         canonical("market_day", tradeDate="2025-01-02", subjectCode="CEA24")],
                        "market_day")
    for graph in (compliance, market):
        assert not any(check_cube(graph).values())


def test_a_withheld_verified_amount_is_a_report_but_not_an_observation():
    record = canonical("emission_report", **{"核查排放量(tCO2e)": "涉密"})
    graph = cube_graph([record])
    assert not list(graph.subjects(None, QB.Observation))
    assert not any(check_cube(graph).values())


def test_the_linear_ic12_finds_a_duplicate_and_ic14_a_missing_measure():
    graph = cube_graph(emission_records(10))
    first, second = sorted(graph.subjects(None, QB.Observation))[:2]
    for p, o in list(graph.predicate_objects(first)):
        if str(p).endswith(("#emitter", "#reportingYear", "#dataSet")):
            graph.remove((second, p, None))
            graph.add((second, p, o))
    graph.remove((first, URIRef(rdf.cm_ns(BASE) + "verifiedEmissions"), None))
    result = check_cube(graph)
    assert result["IC-12"] and result["IC-14"]
    graph.add((first, URIRef(rdf.cm_ns(BASE) + "verifiedEmissions"),
               Literal("1", datatype=XSD.decimal)))
    assert not check_cube(graph)["IC-14"]
