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

from . import db, html
from .uris import _answer, _format

bp = Blueprint("catalog", __name__)
_CACHE: dict[tuple[str, int], Any] = {}


def summary(conn: Any) -> dict[str, dict[str, Any]]:
    """{kind: {count, first, last, modified, periods: {year: {count, first, last}}}}."""
    found: dict[str, dict[str, Any]] = {}
    for kind in schemas.KINDS:
        if not rdf.publishable(kind, "public"):
            continue
        column = rdf.PERIOD_FIELDS[kind]
        rows = conn.execute(
            f'SELECT substr(CAST("{column}" AS TEXT), 1, 4) AS period, COUNT(*), '
            f'MIN(CAST("{column}" AS TEXT)), MAX(CAST("{column}" AS TEXT)), MAX(_updated_at) '
            f'FROM "current_{kind}" WHERE _retracted = 0 AND "{column}" IS NOT NULL '
            "GROUP BY 1 ORDER BY 1").fetchall()
        periods = {p: {"count": n, "first": _day(lo, p, "01-01"), "last": _day(hi, p, "12-31")}
                   for p, n, lo, hi, _ in rows}
        if periods:
            found[kind] = {"count": sum(p["count"] for p in periods.values()),
                           "first": min(p["first"] for p in periods.values()),
                           "last": max(p["last"] for p in periods.values()),
                           "modified": max(r[4] for r in rows)[:10], "periods": periods}
    return found


def _day(value: str, period: str, month_day: str) -> str:
    return value[:10] if len(value) >= 10 else f"{period}-{month_day}"


def catalog_graph() -> Any:
    conn, base = db.connection(), current_app.config["BASE_URI"]
    head = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM log").fetchone()[0]
    key = (base, head)
    if key not in _CACHE:
        _CACHE.clear()
        facts = summary(conn)
        modified = max((k["modified"] for k in facts.values()), default=None)
        _CACHE[key] = (facts, rdf.catalog_graph(facts, rdf.CatalogInfo(base, modified=modified)))
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


