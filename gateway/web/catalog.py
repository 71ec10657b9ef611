"""``/catalog`` (the DCAT-AP 3 catalogue), ``/def/cm`` (our vocabulary) and
``/def/context.jsonld`` (the JSON-LD context of plain API answers).

The catalogue is built from the live store: one dataset series per public kind and one
dataset per period, counted in SQL, cached until the disclosure log moves.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app
from markupsafe import Markup

import mappings.rdf as rdf
import schemas

from ..catalog import summary
from . import db, html
from .uris import _answer, _format

bp = Blueprint("catalog", __name__)
_CACHE: dict[tuple[str, int], Any] = {}


def catalog_graph() -> Any:
    conn, base = db.connection(), current_app.config["BASE_URI"]
    head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM log").fetchone()[0]
    key = (base, head)
    if key not in _CACHE:
        _CACHE.clear()
        facts = summary(conn)
        modified = max((k["modified"] for k in facts.values()), default=None)
        info = rdf.CatalogInfo(base, modified=modified[:10] if modified else None)
        _CACHE[key] = (facts, rdf.catalog_graph(facts, info))
    return _CACHE[key]


@bp.route("/catalog")
@bp.route("/catalog.<ext>")
def catalog(ext: str | None = None) -> Response:
    facts, graph = catalog_graph()
    rows = [(kind, schemas.KINDS[kind].label["zh"], schemas.KINDS[kind].label["en"],
             ", ".join(sorted(entry["periods"])), entry["count"])
            for kind, entry in facts.items()]
    body = Markup("<h1>{}</h1>{}").format(
        html.bilingual("数据目录", "Data catalogue (DCAT-AP 3)"),
        html.table(["Series 系列", "中文", "English", "Periods 期间", "Records 记录数"], rows))
    return _answer(_format(ext), "/catalog", {"series": facts}, lambda: graph,
                   lambda: html.page("数据目录 Data catalogue", body))


@bp.route("/def/cm")
@bp.route("/def/cm.<ext>")
def vocabulary(ext: str | None = None) -> Response:
    base = current_app.config["BASE_URI"]
    graph = rdf.vocabulary_graph(base)
    terms = sorted({str(s) for s in graph.subjects()})
    body = Markup("<h1>{}</h1>{}").format(
        html.bilingual("碳市场词表", "Carbon market vocabulary (cm:)"),
        html.table(["Term 术语"], [(t,) for t in terms]))
    return _answer(_format(ext), "/def/cm", {"terms": terms}, lambda: graph,
                   lambda: html.page("cm: vocabulary", body))


@bp.route("/def/context.jsonld")
def context() -> Response:
    doc = rdf.jsonld_context(current_app.config["BASE_URI"])
    return Response(json.dumps(doc, ensure_ascii=False), mimetype="application/ld+json")


