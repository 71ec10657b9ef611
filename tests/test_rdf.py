"""Records → RDF: tables, URIs, labels, tiers, and the streaming writers against rdflib."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

import schemas
from mappings import rdf
from mappings.rdf.namespaces import RDFS, SKOS, XSD
from mappings.rdf.streaming import DumpWriter, nt_lines
from mappings.rdf.values import decimal_lex

from .test_rdf_fixtures import BASE, all_samples, canonical

SAMPLES = all_samples()


def test_every_field_of_every_kind_has_exactly_one_row():
    for kind in schemas.KINDS:
        fields = [f["name"] for f in schemas.field_specs(kind)]
        rows = [row.field for row in rdf.TABLES[kind]]
        assert sorted(rows) == sorted(fields), kind


def test_kinds_with_a_hidden_key_or_no_public_field_are_not_publishable():
    hidden = {k for k in schemas.KINDS if not rdf.publishable(k, "public")}
    assert hidden == {"key_parameter", "trade", "allocation"}
    with pytest.raises(rdf.NotPublishable):
        rdf.record_graph("trade", SAMPLES["trade"], BASE)
    assert rdf.publishable("trade", "partner") and rdf.publishable("key_parameter", "agency")


def test_a_record_uses_design_uris_and_drops_fields_above_its_tier():
    g = rdf.record_graph("pledge", SAMPLES["pledge"], BASE)
    s = URIRef(f"{BASE}/id/pledge/ZY2025000123")
    cm = rdf.cm_ns(BASE)
    assert (s, URIRef(cm + "pledgor"), URIRef(f"{BASE}/id/org/uscc/91420100MA4K00010R")) in g
    assert (s, URIRef(cm + "quantity"), Literal("300000", datatype=XSD.decimal)) in g
    assert not list(g.triples((s, URIRef(cm + "securedAmount"), None)))
    partner = rdf.record_graph("pledge", SAMPLES["pledge"], BASE, tier="partner")
    assert list(partner.triples((s, URIRef(cm + "securedAmount"), None)))


def test_natural_keys_keep_slashes_as_segments_and_encode_the_rest():
    assert rdf.thing_uri(BASE, "ccer_issuance", "CCER-P-1/100/200") == \
        f"{BASE}/id/ccer_issuance/CCER-P-1/100/200"
    assert rdf.thing_uri(BASE, "x", "a b/c#d?e") == f"{BASE}/id/x/a%20b/c%23d%3Fe"
    assert rdf.code_uri(BASE, "a6_purpose", "NDC and OIMP") == f"{BASE}/code/a6_purpose/NDC%20and%20OIMP"
    assert rdf.org_uri(BASE, "91420100MA4K00010R") == f"{BASE}/id/org/uscc/91420100MA4K00010R"


@pytest.mark.parametrize("kind", sorted(schemas.KINDS))
def test_every_label_is_in_chinese_and_english(kind):
    g = rdf.record_graph(kind, SAMPLES[kind], BASE, tier="agency")
    for pred in (RDFS.label, SKOS.prefLabel):
        for subject in set(g.subjects(pred, None)):
            langs = sorted(o.language for o in g.objects(subject, pred))
            assert langs == ["en", "zh"], (kind, subject, langs)


def test_vocabulary_and_code_lists_are_labelled_in_both_languages():
    graphs = [rdf.vocabulary_graph(BASE)] + [rdf.codelist_graph(s, BASE) for s in rdf.schemes()]
    for g in graphs:
        for pred in (RDFS.label, SKOS.prefLabel):
            for subject in set(g.subjects(pred, None)):
                assert {o.language for o in g.objects(subject, pred)} == {"zh", "en"}, subject
    gas = rdf.codelist_graph("gas", BASE)
    assert (URIRef(f"{BASE}/code/gas/CO2"), SKOS.exactMatch,
            URIRef("http://www.wikidata.org/entity/Q1997")) in gas
    sector = rdf.codelist_graph("sector", BASE)
    assert (URIRef(f"{BASE}/code/sector/POWER"), SKOS.closeMatch,
            URIRef(f"{BASE}/code/ipcc2006/1.A.1.a")) in sector


def _all_triples(tier: str = "agency") -> list:
    out = []
    for kind, record in SAMPLES.items():
        out += rdf.record_triples(kind, record, BASE, tier, {"version": 2, "run_id": 7,
                                                             "updated_at": "2025-01-01T00:00:00+00:00"})
    return out


def test_streamed_ntriples_equal_rdflib_serialisation_line_for_line():
    triples = _all_triples()
    ours = sorted(set(nt_lines(triples).splitlines()))
    graph = rdf.graph_of(triples, BASE)
    theirs = sorted(line for line in graph.serialize(format="nt").splitlines() if line)
    assert ours == theirs


def test_turtle_and_jsonld_of_the_same_records_parse_to_isomorphic_graphs():
    triples = _all_triples()
    outs = {fmt: io.StringIO() for fmt in ("nt", "ttl", "jsonld")}
    with DumpWriter(BASE, {fmt: [s] for fmt, s in outs.items()}, chunk_triples=50) as writer:
        for i in range(0, len(triples), 37):
            writer.write(triples[i:i + 37])
    parsed = {fmt: Graph().parse(data=s.getvalue(), format={"ttl": "turtle", "nt": "nt",
                                                            "jsonld": "json-ld"}[fmt])
              for fmt, s in outs.items()}
    expected = rdf.graph_of(triples, BASE)
    for fmt, graph in parsed.items():
        assert isomorphic(graph, expected), fmt


def test_the_jsonld_context_reads_plain_api_json_as_the_same_triples():
    for kind, record in SAMPLES.items():
        flat = {k: v for k, v in record.items() if k not in ("facilities", "methods")}
        subject = rdf.record_uri(kind, record, BASE)
        doc = {**rdf.kind_context(kind, BASE), "uri": subject, **flat}
        got = Graph().parse(data=json.dumps(doc), format="json-ld")
        expected = rdf.record_graph(kind, record, BASE, tier="agency")
        missing = [t for t in got if t not in expected and " " not in str(t[2])]
        assert missing == [], (kind, missing[:3])
    published = rdf.jsonld_context(BASE)["@context"]
    assert published["EmissionReport"]["@id"] == "cm:EmissionReport"
    assert published["verified_emissions"]["@type"] == "xsd:decimal"


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@example(name="line\x85next\u2028sep", amount=Decimal("0"))  # legal raw in N-Triples
@given(name=_text, amount=st.decimals(min_value=0, max_value=10**12, places=2,
                                      allow_nan=False))
def test_string_formatting_matches_rdflib_for_any_text_and_decimal(name, amount):
    record = canonical("ccer_cancellation")
    record["beneficiary"] = name or None
    triples = rdf.record_triples("ccer_cancellation", record, BASE)
    triples.append(("http://x/s", "http://x/p", rdf.Lit(decimal_lex(str(amount)),
                                                        "http://www.w3.org/2001/XMLSchema#decimal")))
    ours = sorted(set(x for x in nt_lines(triples).split("\n") if x))
    theirs = sorted(x for x in rdf.graph_of(triples, BASE).serialize(format="nt").split("\n") if x)
    assert ours == theirs
    assert Decimal(decimal_lex(str(amount))) == amount
