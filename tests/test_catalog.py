"""The DCAT-AP 3 catalogue against the official DCAT-AP 3.0.1 shapes (pySHACL).

Workarounds for the known defects of the official files (linked-data.md §1):
* ``shacl_dcat-ap-SHACL.ttl`` + ``shacl_ranges.ttl`` (the generated design) reference
  property shapes that are never defined (SEMICeu/DCAT-AP#448); we drop every
  ``?s sh:property ?o`` whose ``?o`` has no ``sh:path`` before validating.
* The range shapes need the class of every referenced term in the data graph; the
  catalogue itself types and labels the EU and IANA terms it uses (licence, language,
  country, theme, frequency, file type, media type, availability, access right), and
  the contact point is typed ``vcard:Kind`` as well as ``vcard:Organization``.
* The code-list (mdr) shapes need the EU vocabularies (network); the same typing
  includes ``skos:inScheme`` of each EU term, so they run offline too.
"""

from __future__ import annotations

import json

import pyshacl
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from mappings import rdf

from .conftest import REFERENCE
from .test_rdf_fixtures import BASE

DCATAP = REFERENCE / "linked-data" / "dcat-ap-3.0.1"
SUMMARY = {
    "emission_report": {"count": 2, "first": "2023-01-01", "last": "2024-12-31",
                        "modified": "2026-01-30T10:00:00+00:00",
                        "periods": {"2023": {"count": 1}, "2024": {"count": 1}}},
    "market_day": {"count": 3, "first": "2024-12-11", "last": "2025-01-02",
                   "periods": {"2024": {"count": 1, "first": "2024-12-11", "last": "2024-12-11"},
                               "2025": {"count": 2}}},
    "compliance": {"count": 1, "periods": ["2024"]},
    "pledge": {"count": 1, "periods": ["2025"]},
    "trade": {"count": 10, "periods": ["2025"]},             # never public
}


def _shapes(*names: str) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(DCATAP / name)
    return graph


def prune_dangling(shapes: Graph) -> Graph:
    """Drop ``sh:property`` links to shapes that have no ``sh:path`` (DCAT-AP#448)."""
    for s, o in list(shapes.subject_objects(SH.property)):
        if (o, SH.path, None) not in shapes:
            shapes.remove((s, SH.property, o))
    return shapes


@pytest.fixture(scope="module")
def catalog() -> Graph:
    info = rdf.CatalogInfo(BASE, modified="2026-01-31")
    return rdf.catalog_graph(SUMMARY, info)


def _violations(data: Graph, shapes: Graph) -> list[str]:
    _, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                       allow_warnings=True)
    found = [str(r) for r in report.objects(None, SH.result)
             if (r, SH.resultSeverity, SH.Violation) in report]
    return [text] if found else []


@pytest.mark.parametrize("files", [
    ("html_shacl_shapes.ttl", "html_shacl_shapes_recommended.ttl"),
    ("html_shacl_range.ttl",),
    ("html_shacl_mdr-vocabularies.shape.ttl",),
    ("html_shacl_deprecateduris.ttl",),
])
def test_catalogue_passes_the_official_html_shapes(catalog, files):
    assert _violations(catalog, _shapes(*files)) == []


def test_catalogue_passes_the_generated_shapes_once_dangling_references_are_dropped(catalog):
    shapes = _shapes("shacl_dcat-ap-SHACL.ttl", "shacl_ranges.ttl")
    with pytest.raises(Exception, match="not a well-formed SHACL PropertyShape"):
        pyshacl.validate(catalog, shacl_graph=shapes, inference="none")
    assert _violations(catalog, prune_dangling(shapes)) == []


def test_catalogue_lists_series_datasets_distributions_and_services(catalog):
    text = catalog.serialize(format="nt")
    assert f"<{BASE}/dataset/emission_report> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           "<http://www.w3.org/ns/dcat#DatasetSeries>" in text
    assert f"<{BASE}/dataset/emission_report/2024> <http://www.w3.org/ns/dcat#inSeries>" in text
    assert f"{BASE}/dataset/emission_report/2024/distribution/ttl" in text
    assert f"{BASE}/download/rdf/all.nt" in text and f"<{BASE}/api/v1/>" in text
    assert "/dataset/trade" not in text                       # not publishable publicly
    assert "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0" in text


def test_catalogue_jsonld_and_turtle_are_isomorphic(catalog):
    turtle = Graph().parse(data=catalog.serialize(format="turtle"), format="turtle")
    doc = catalog.serialize(format="json-ld", context=rdf.prefixes(BASE), auto_compact=True)
    assert json.loads(doc)["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert isomorphic(turtle, Graph().parse(data=doc, format="json-ld"))
