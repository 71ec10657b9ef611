"""Namespaces used by the RDF mappings, as plain strings and rdflib ``Namespace`` objects.

The ``cm:`` vocabulary lives under the gateway's own base URI (``{base}/def/cm#``), so
it is a function of the base, never a constant.
"""

from __future__ import annotations

from rdflib import Graph, Namespace

DEFAULT_BASE = "http://127.0.0.1:8000"

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
QB = Namespace("http://purl.org/linked-data/cube#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
QK = Namespace("http://qudt.org/vocab/quantitykind/")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = Namespace("http://rdfs.org/ns/void#")
WD = Namespace("http://www.wikidata.org/entity/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
EU = "http://publications.europa.eu/resource/authority/"

FIXED_PREFIXES: dict[str, str] = {
    "adms": str(ADMS), "dcat": str(DCAT), "dcatap": str(DCATAP), "dct": str(DCT),
    "foaf": str(FOAF), "org": str(ORG), "owl": str(OWL), "prov": str(PROV), "qb": str(QB),
    "qudt": str(QUDT), "quantitykind": str(QK), "rdf": str(RDF), "rdfs": str(RDFS),
    "rov": str(ROV), "sdmx-attribute": str(SDMX_ATTR), "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEASURE), "skos": str(SKOS), "unit": str(UNIT),
    "vcard": str(VCARD), "void": str(VOID), "wd": str(WD), "xsd": str(XSD),
}


def cm_ns(base: str) -> str:
    """The namespace IRI of our ``cm:`` vocabulary under ``base``."""
    return f"{base.rstrip('/')}/def/cm#"


def prefixes(base: str) -> dict[str, str]:
    """Every prefix we write, ``cm`` included, for Turtle and JSON-LD output."""
    return {"cm": cm_ns(base), **FIXED_PREFIXES}


def bind(graph: Graph, base: str) -> Graph:
    """Bind our prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
