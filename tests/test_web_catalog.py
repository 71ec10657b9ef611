"""The served catalogue, vocabulary and JSON-LD context, on data pulled from the simulator."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from gateway.settings import load_settings
from gateway.web import create_app

from .test_catalog import _shapes, _violations, prune_dangling


@pytest.fixture(scope="module")
def client(pulled_store):
    app = create_app(load_settings(env={"GATEWAY_RATE_LIMIT": "0"}), pulled_store.path)
    return app.test_client()


def graph(client, url: str, fmt: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    return Graph().parse(data=response.data, format=fmt)


def test_served_catalogue_passes_the_official_dcat_ap_shapes(client):
    catalog = graph(client, "/catalog?format=ttl", "turtle")
    for files in [("html_shacl_shapes.ttl", "html_shacl_shapes_recommended.ttl"),
                  ("html_shacl_range.ttl",)]:
        assert _violations(catalog, _shapes(*files)) == []
    shapes = prune_dangling(_shapes("shacl_dcat-ap-SHACL.ttl", "shacl_ranges.ttl"))
    assert _violations(catalog, shapes) == []


def test_served_catalogue_turtle_and_jsonld_are_isomorphic_and_public_only(client):
    turtle = graph(client, "/catalog.ttl", "turtle")
    assert isomorphic(turtle, graph(client, "/catalog.jsonld", "json-ld"))
    text = client.get("/catalog.ttl").get_data(as_text=True)
    assert "/dataset/market_day/" in text and "/dataset/trade/" not in text
    assert "/dataset/key_parameter/" not in text


def test_vocabulary_and_context_are_published(client):
    vocabulary = graph(client, "/def/cm?format=ttl", "turtle")
    assert len(vocabulary) > 100
    languages = {o.language for o in vocabulary.objects() if getattr(o, "language", None)}
    assert {"zh", "en"} <= languages
    context = client.get("/def/context.jsonld")
    assert context.mimetype == "application/ld+json" and "@context" in context.get_json()
    assert client.get("/catalog", headers={"Accept": "text/html"}).mimetype == "text/html"
