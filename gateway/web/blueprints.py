"""The blueprints the app registers, in order: append one line to add a feature.

Each entry is ``"module:attribute"``. flask-smorest blueprints are registered through
the Api (so they appear in OpenAPI); plain Flask blueprints directly on the app.
"""

from __future__ import annotations

import importlib

import flask
import flask_smorest

BLUEPRINTS: list[str] = [
    "gateway.web.service:blp",    # /api/v1/ index, /api/v1/runs, /api/v1/quality
    "gateway.web.codelists:blp",  # /api/v1/codelists
    "gateway.web.api:blp",        # /api/v1/{kind}, /{key}, /{key}/history
    "gateway.web.docs:bp",        # /api/v1/openapi.json, /api/v1/docs, /
    "gateway.web.uris:bp",        # /id/..., /code/..., /dataset/...
    "gateway.feeds.web:bp",       # /feeds/: change feed, Atom, webhooks
    "gateway.web.article6:blp",   # /api/v1/article6/aef
    "gateway.web.catalog:bp",     # /catalog, /def/cm, /def/context.jsonld
]


def load(entry: str) -> flask.Blueprint:
    module, _, attribute = entry.partition(":")
    return getattr(importlib.import_module(module), attribute)


def register_all(app: flask.Flask, api: flask_smorest.Api) -> None:
    for entry in BLUEPRINTS:
        blueprint = load(entry)
        if isinstance(blueprint, flask_smorest.Blueprint):
            api.register_blueprint(blueprint)
        else:
            app.register_blueprint(blueprint)
