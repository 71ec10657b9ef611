"""The one adapter between the web app and the RDF mappings (``mappings.rdf``).

When ``mappings.rdf`` is importable its ``record_graph(kind, record, base, tier, meta)``,
``codelist_graph(scheme, base)``, ``dataset_triples``, ``vocabulary_graph`` and
``kind_context`` build the graphs and JSON-LD contexts; otherwise a minimal fallback here
describes the same things plainly. Callers always pass records already filtered to the
caller's tier (and the tier itself), so no graph can hold a field the caller may not
see, whichever mapping builds it.
"""

from __future__ import annotations

import importlib
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

import schemas

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def _mappings() -> Any | None:
    try:
        return importlib.import_module("mappings.rdf")
    except ImportError:
        return None


def _vocab(base_uri: str) -> Namespace:
    return Namespace(f"{base_uri}/def/cm#")


def record_uri(kind: str, key: str, base_uri: str) -> str:
    return f"{base_uri}/id/{kind}/{key}"


def record_graph(kind: str, key: str, record: dict[str, Any], base_uri: str, tier: str,
                 meta: dict[str, Any] | None = None) -> Graph:
    """The RDF of one (tier-filtered) record; ``meta``: version, run_id, updated_at."""
    module = _mappings()
    if module is not None and hasattr(module, "record_graph"):
        return module.record_graph(kind, record, base_uri, tier, meta)
    return _fallback_record(kind, key, record, base_uri)


def context(kind: str | None, base_uri: str) -> dict[str, Any] | None:
    """The JSON-LD context to compact a kind's (or any) answer with, if the mappings
    provide one."""
    module = _mappings()
    if module is None:
        return None
    if kind and hasattr(module, "kind_context"):
        return module.kind_context(kind, base_uri)
    return module.jsonld_context(base_uri) if hasattr(module, "jsonld_context") else None



def codelist_graph(scheme: str, base_uri: str) -> Graph:
    module = _mappings()
    if module is not None and hasattr(module, "codelist_graph"):
        return module.codelist_graph(scheme, base_uri)
    return _fallback_codelist(scheme, base_uri)


def dataset_graph(description: dict[str, Any], base_uri: str) -> Graph:
    """DCAT for one dataset period, plus the cube's ``qb:DataSet`` if the mappings have it."""
    graph = _fallback_dataset(description)
    module = _mappings()
    if module is not None and hasattr(module, "dataset_triples"):
        triples = module.dataset_triples(description["kind"], description["period"], base_uri)
        graph += module.graph_of(triples, base_uri)
    return graph


def serialize(graph: Graph, fmt: str, jsonld_context: dict[str, Any] | None = None) -> str:
    """Turtle, N-Triples or JSON-LD (compacted with the context, if any) of a graph."""
    if fmt == "jsonld" and jsonld_context:
        return graph.serialize(format="json-ld", context=jsonld_context["@context"],
                               auto_compact=True)
    return graph.serialize(format=FORMATS[fmt])


# minimal fallbacks ------------------------------------------------------------------
_DATATYPES = {"Quantity": XSD.integer, "Year": XSD.gYear, "Integer": XSD.integer,
              "Money": XSD.decimal, "DecimalValue": XSD.decimal, "StrictDate": XSD.date,
              "LocalDateTime": XSD.dateTime, "Boolean": XSD.boolean}


def _literal(value: Any, type_name: str) -> Literal:
    if isinstance(value, list | dict):
        import json
        return Literal(json.dumps(value, ensure_ascii=False), datatype=RDF.JSON)
    datatype = _DATATYPES.get(type_name)
    if isinstance(value, bool):
        return Literal(value)
    return Literal(str(value), datatype=datatype) if datatype else Literal(str(value))


def _fallback_record(kind: str, key: str, record: dict[str, Any], base_uri: str) -> Graph:
    cm, graph = _vocab(base_uri), Graph()
    graph.bind("cm", cm)
    subject = URIRef(record_uri(kind, key, base_uri))
    cls = schemas.KINDS[kind]
    graph.add((subject, RDF.type, cm["".join(p.capitalize() for p in kind.split("_"))]))
    graph.add((subject, RDFS.label, Literal(f"{cls.label['zh']} {key}", lang="zh")))
    graph.add((subject, RDFS.label, Literal(f"{cls.label['en']} {key}", lang="en")))
    types = {f["name"]: f["type"] for f in schemas.field_specs(kind)}
    for name, value in record.items():
        if value is not None:
            graph.add((subject, cm[name], _literal(value, types.get(name, ""))))
    return graph


def _fallback_codelist(scheme: str, base_uri: str) -> Graph:
    found, graph = schemas.codelist(scheme), Graph()
    graph.bind("skos", SKOS)
    scheme_uri = URIRef(f"{base_uri}/code/{scheme}")
    graph.add((scheme_uri, RDF.type, SKOS.ConceptScheme))
    for lang in ("zh", "en"):
        graph.add((scheme_uri, SKOS.prefLabel, Literal(found.label[lang], lang=lang)))
    for code in found.codes:
        concept = URIRef(f"{scheme_uri}/{code['notation']}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.inScheme, scheme_uri))
        graph.add((concept, SKOS.notation, Literal(code["notation"])))
        for lang in ("zh", "en"):
            graph.add((concept, SKOS.prefLabel, Literal(code[lang], lang=lang)))
        for alt in code.get("alt", []):
            graph.add((concept, SKOS.altLabel, Literal(alt)))
    return graph


def _fallback_dataset(description: dict[str, Any]) -> Graph:
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    subject = URIRef(description["uri"])
    graph.add((subject, RDF.type, DCAT.Dataset))
    for lang in ("zh", "en"):
        graph.add((subject, DCTERMS.title, Literal(description["title"][lang], lang=lang)))
    graph.add((subject, DCTERMS.identifier, Literal(f"{description['series']}/"
                                                    f"{description['period']}")))
    graph.add((subject, DCTERMS.temporal, Literal(str(description["period"]),
                                                  datatype=XSD.gYear)))
    if description.get("modified"):
        graph.add((subject, DCTERMS.modified, Literal(description["modified"],
                                                      datatype=XSD.dateTime)))
    for fmt, url in description["distribution"].items():
        dist = URIRef(f"{description['uri']}#{fmt}")
        graph.add((subject, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCAT.accessURL, URIRef(url)))
        graph.add((dist, DCAT.mediaType, Literal({"json": "application/json",
                                                  "csv": "text/csv"}[fmt])))
    return graph
