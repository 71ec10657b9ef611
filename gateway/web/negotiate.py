"""Content negotiation: ``?format=`` wins over ``Accept``; 406 when nothing fits."""

from __future__ import annotations

from flask import request

from .problems import Problem

LIST_TYPES = {"json": "application/json", "csv": "text/csv"}
LINKED_TYPES = {"html": "text/html", "json": "application/json",
                "jsonld": "application/ld+json", "ttl": "text/turtle",
                "nt": "application/n-triples"}
ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt"}


def choose(offered: dict[str, str], given: str | None, default: str) -> str:
    """The format name to answer with, from ``given`` (``?format=``) or ``Accept``."""
    if given:
        name = ALIASES.get(given.lower(), given.lower())
        if name not in offered:
            raise Problem(400, f"format must be one of {', '.join(offered)}, not {given!r}",
                          f"format 应为 {', '.join(offered)} 之一。", slug="format",
                          errors={"query": {"format": [f"one of {sorted(offered)}"]}})
        return name
    accept = request.accept_mimetypes
    if not accept or accept.best == "*/*":
        return default
    ordered = [offered[default], *(t for n, t in offered.items() if n != default)]
    best = accept.best_match(ordered)
    if best is None:
        raise Problem(406, f"Cannot answer in {request.headers.get('Accept')}; available: "
                      f"{', '.join(offered.values())}.", "无法提供所请求的格式。", slug="format")
    return next(n for n, t in offered.items() if t == best)


def wants_csv(given: str | None) -> bool:
    return choose(LIST_TYPES, given, "json") == "csv"
