"""HTTP caching and CORS: ETag, Last-Modified, 304s, Cache-Control, Vary, CORS for GET.

Every successful GET gets a strong ETag computed from its body (a body only ever holds
fields the caller may see, so the tag reveals nothing more) and answers 304 to a
matching ``If-None-Match``; views may set ``Last-Modified`` (the record's update time,
or the last change of the disclosure log), which ``If-Modified-Since`` is checked
against. Answers to token holders are ``private``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import Flask, g, request
from flask.wrappers import Response

from .auth import PUBLIC

EXPOSED = ("ETag, Last-Modified, Link, Location, Retry-After, RateLimit-Limit, "
           "RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Content-Disposition")
MAX_AGE = 60


def parse_time(text: str | None) -> dt.datetime | None:
    """An ISO 8601 time from the store as an aware datetime (for Last-Modified)."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def set_last_modified(response: Response, text: str | None) -> None:
    moment = parse_time(text)
    if moment is not None:
        response.last_modified = moment.replace(microsecond=0)


def _cors(response: Response, origin: str) -> None:
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Accept, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"


def _conditional(response: Response) -> Response:
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return response
    if "ETag" not in response.headers:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    origin = app.config["API_SETTINGS"].cors_origin

    @app.after_request
    def _cache_headers(response: Response) -> Response:
        if origin:
            _cors(response, origin)
        response.vary.update(("Accept", "Authorization"))
        if request.method not in ("GET", "HEAD"):
            return response
        caller = getattr(g, "caller", None)
        if response.status_code < 400 and "Cache-Control" not in response.headers:
            scope = "public" if caller is None or caller.tier == PUBLIC else "private"
            response.headers["Cache-Control"] = f"{scope}, max-age={MAX_AGE}"
        return _conditional(response)
