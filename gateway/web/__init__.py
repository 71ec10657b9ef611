"""The partner API and linked-data URIs: a Flask app over the store (read-only).

:func:`create_app` wires, in order: settings → problem+json errors → tiers (auth) →
rate limits → caching/CORS → the blueprints listed in :mod:`.blueprints`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from gateway.settings import Settings

from . import auth, blueprints, caching, problems, ratelimit
from .openapi import Api, configure


def create_app(settings: Settings, store_path: str | Path | None = None) -> Flask:
    """The app serving ``store_path`` (default: the settings' ``gateway.db``)."""
    app = Flask(__name__)
    app.config.update(
        STORE_PATH=Path(store_path or settings.db_path).resolve(),
        BASE_URI=settings.base_uri, TOKENS=settings.tokens, API_SETTINGS=settings.api,
        JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    configure(app, settings.base_uri)
    api = Api(app)
    app.extensions["gateway_api"] = api
    problems.init_app(app)
    auth.init_app(app)
    ratelimit.init_app(app)
    caching.init_app(app)
    blueprints.register_all(app, api)
    return app
