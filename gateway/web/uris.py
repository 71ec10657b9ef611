"""Linked-data URIs: ``/id/{kind}/{key}``, ``/code/{scheme}[/{notation}]``,
``/dataset/{series}/{period}``.

Each URI answers HTML (default), JSON, JSON-LD, Turtle and N-Triples, chosen by
``?format=``, a file extension (``.ttl``, ``.nt``, ``.jsonld``, ``.json``, ``.html``) or
``Accept``; answers carry ``Vary: Accept``, ``Link rel=alternate`` for every format and
the usual ETag/Last-Modified. ``/id/org/uscc/{uscc}`` redirects (303) to the latest
entity record of that organisation. Tiers apply exactly as in the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, request
from markupsafe import Markup

import schemas
from gateway.store.ddl import column_types, current_table

from . import auth, db, html, linked, records
from .api import current_row, require_kind
from .caching import set_last_modified
from .kinds import spec as kind_spec
from .negotiate import LINKED_TYPES, choose
from .problems import Problem

bp = Blueprint("linked", __name__)

SERIES = {"emissions": "emission_report", "compliance": "compliance",
          "market-daily": "market_day", "entities": "entity", "trades": "trade",
          "pledges": "pledge", "ccer-issuance": "ccer_issuance"}
PERIOD_FIELDS = {"entity": "list_year", "emission_report": "year", "key_parameter": "month",
                 "surrender": "compliance_year", "compliance": "compliance_year",
                 "trade": "trade_date", "market_day": "trade_date",
                 "ccer_project": "crediting_start", "ccer_issuance": "vintage",
                 "a6_transfer": "vintage"}  # others: event_time (as mappings.rdf.tables)


def _split_extension(path: str) -> tuple[str, str | None]:
    stem, dot, ext = path.rpartition(".")
    if dot and ext in LINKED_TYPES and "/" not in ext:
        return stem, ext
    return path, None


def _alternates(uri_path: str) -> str:
    return ", ".join(f'<{uri_path}.{ext}>; rel="alternate"; type="{media}"'
                     for ext, media in LINKED_TYPES.items())


def _answer(fmt: str, uri_path: str, data: dict[str, Any], graph_fn: Any,
            html_fn: Any, kind: str | None = None) -> Response:
    """Render one resource in the chosen format."""
    if fmt == "html":
        response = Response(html_fn(), mimetype="text/html")
    elif fmt == "json":
        response = Response(records.dumps(data), mimetype="application/json")
    else:
        context = linked.context(kind, current_app.config["BASE_URI"]) if fmt == "jsonld" else None
        response = Response(linked.serialize(graph_fn(), fmt, context),
                            mimetype=LINKED_TYPES[fmt])
    response.headers["Link"] = _alternates(uri_path)
    response.headers["Content-Location"] = f"{uri_path}.{fmt}"
    response.vary.add("Accept")
    return response


def _format(ext: str | None) -> str:
    return ext or choose(LINKED_TYPES, request.args.get("format"), "html")


# things -----------------------------------------------------------------------------
@bp.route("/id/org/uscc/<uscc>")
def organisation(uscc: str) -> Response:
    row = db.one(f'SELECT _key FROM "{current_table("entity")}" WHERE uscc = ? AND '
                 "_retracted = 0 ORDER BY list_year DESC LIMIT 1", (uscc,))
    if row is None:
        raise Problem(404, f"No key emitting unit with USCC {uscc}.",
                      f"没有统一社会信用代码为 {uscc} 的重点排放单位。", slug="no-record")
    return redirect(f"/id/entity/{row['_key']}", code=303)


@bp.route("/id/<kind>/<path:key>")
def thing(kind: str, key: str) -> Response:
    if kind not in schemas.KINDS:
        raise Problem(404, f"No kind named '{kind}'.", f"没有名为“{kind}”的类型。")
    spec = kind_spec(kind)
    view = require_kind(spec)
    row = current_row(spec, view, key)
    ext = None
    if row is None:
        key, ext = _split_extension(key)
        row = current_row(spec, view, key) if ext else None
    if row is None:
        raise Problem(404, f"No {kind} record with key '{key}'.", "没有该记录。",
                      slug="no-record")
    if row["_retracted"]:
        raise Problem(410, f"{kind} '{key}' was retracted; see /api/v1/{kind}/{key}/history.",
                      "该记录已撤回。", slug="retracted")
    fmt = _format(ext)
    record = view.record(row["_record"], [row[d] for d in view.derived])
    base = current_app.config["BASE_URI"]
    uri = linked.record_uri(kind, key, base)
    data = {"uri": uri, "kind": kind, "key": key, "version": row["_version"],
            "updated_at": row["_updated_at"], "record": record}
    meta = {"version": row["_version"], "run_id": row["_run_id"],
            "updated_at": row["_updated_at"]}
    response = _answer(fmt, f"/id/{kind}/{key}", data,
                       lambda: linked.record_graph(kind, key, record, base, auth.tier(), meta),
                       lambda: _record_html(spec, data), kind)
    set_last_modified(response, row["_updated_at"])
    return response


def _record_html(spec: Any, data: dict[str, Any]) -> str:
    labels = {f["name"]: f for f in spec.fields}
    rows = [(html.bilingual(labels[n]["label"].get("zh", ""), labels[n]["label"].get("en", n)),
             Markup("<code>{}</code>").format(n), html.esc(_show(v)),
             html.esc(labels[n].get("unit"))) for n, v in data["record"].items()]
    body = Markup("<h1>{}</h1><p><code>{}</code></p>{}<p>{}</p>").format(
        html.bilingual(spec.label["zh"], f"{spec.label['en']} {data['key']}"), data["uri"],
        html.table(["Field 字段", "Name", "Value 值", "Unit 单位"], rows),
        Markup(" · ").join(Markup('<a href="?format={}">{}</a>').format(f, f)
                           for f in LINKED_TYPES))
    return html.page(f"{spec.label['zh']} {data['key']}", body, _nav())


def _show(value: Any) -> str:
    return records.dumps(value) if isinstance(value, list | dict) else value


def _nav() -> list[tuple[str, str]]:
    return [("/api/v1/docs", "API 文档 / Docs"), ("/api/v1/", "API")]


# code lists ---------------------------------------------------------------------------
def _codelist(scheme: str) -> schemas.CodeList:
    if scheme not in schemas.all_codelists():
        raise Problem(404, f"No code list named '{scheme}'.", f"没有名为“{scheme}”的代码表。")
    return schemas.codelist(scheme)


@bp.route("/code/<scheme>")
def code_scheme(scheme: str) -> Response:
    scheme, ext = _split_extension(scheme)
    found, base = _codelist(scheme), current_app.config["BASE_URI"]
    data = {"uri": f"{base}/code/{scheme}", "scheme": scheme, "label": found.label,
            "version": found.version, "source": found.source,
            "codes": [{"notation": c["notation"], "zh": c["zh"], "en": c["en"],
                       "uri": f"{base}/code/{scheme}/{c['notation']}"} for c in found.codes]}
    rows = [(Markup('<a href="/code/{}/{}">{}</a>').format(scheme, c["notation"], c["notation"]),
             c["zh"], c["en"]) for c in found.codes]
    body = Markup("<h1>{}</h1><p>{}</p>{}").format(
        html.bilingual(found.label["zh"], found.label["en"]), found.source,
        html.table(["Code 代码", "中文", "English"], rows))
    return _answer(_format(ext), f"/code/{scheme}", data,
                   lambda: linked.codelist_graph(scheme, base),
                   lambda: html.page(found.label["zh"], body, _nav()))


@bp.route("/code/<scheme>/<notation>")
def code(scheme: str, notation: str) -> Response:
    found, base = _codelist(scheme), current_app.config["BASE_URI"]
    entry = found.get(notation)
    ext = None
    if entry is None:
        notation, ext = _split_extension(notation)
        entry = found.get(notation) if ext else None
    if entry is None:
        raise Problem(404, f"No code '{notation}' in '{scheme}'.", "代码表中没有该代码。")
    uri = f"{base}/code/{scheme}/{notation}"
    data = {"uri": uri, "scheme": f"{base}/code/{scheme}", **entry}

    def graph() -> Any:
        from rdflib import URIRef
        full = linked.codelist_graph(scheme, base)
        return full.cbd(URIRef(uri)) if hasattr(full, "cbd") else full

    rows = [(html.esc(k), html.esc(_show(v))) for k, v in entry.items()]
    body = Markup("<h1>{}</h1><p><code>{}</code> in <a href=\"/code/{}\">{}</a></p>{}").format(
        html.bilingual(entry["zh"], entry["en"]), uri, scheme, scheme,
        html.table(["Property 属性", "Value 值"], rows))
    return _answer(_format(ext), f"/code/{scheme}/{notation}", data, graph,
                   lambda: html.page(entry["zh"], body, _nav()))


# datasets -----------------------------------------------------------------------------
def _period_filter(kind: str, year: int) -> tuple[str, list[Any], dict[str, Any]]:
    """SQL and API parameters selecting one year of a kind (by its period field)."""
    column = PERIOD_FIELDS.get(kind, "event_time")
    if column_types(kind)[column] == "INTEGER":
        return f'"{column}" = ?', [year], {column: year}
    params = {p: v for p, v in ((f"{column}_from", f"{year}-01-01"),
                                (f"{column}_to", f"{year}-12-31"))
              if any(f.param == p for f in kind_spec(kind).filters)}
    if column == "month":
        params = {"month_from": f"{year}-01", "month_to": f"{year}-12"}
    return f'"{column}" >= ? AND "{column}" < ?', [str(year), str(year + 1)], params


@bp.route("/dataset/<series>/<period>")
def dataset(series: str, period: str) -> Response:
    period, ext = _split_extension(period)
    kind = SERIES.get(series, series)
    if kind not in schemas.KINDS or not (period.isdigit() and len(period) == 4):
        raise Problem(404, f"No dataset {series}/{period}; series are {sorted(SERIES)} or a "
                      "kind, periods are years.", "没有该数据集。")
    spec, base = kind_spec(kind), current_app.config["BASE_URI"]
    where, args, params = _period_filter(kind, int(period))
    count = db.rows(f'SELECT COUNT(*), MAX(_updated_at) FROM "{current_table(kind)}" '
                    f"WHERE _retracted = 0 AND {where}", args)[0]
    from urllib.parse import urlencode
    api = f"{request.host_url.rstrip('/')}/api/v1/{kind}?{urlencode(params)}"
    data = {"uri": f"{base}/dataset/{series}/{period}", "series": series, "period": period,
            "kind": kind, "title": {"zh": f"{spec.label['zh']}（{period}年）",
                                    "en": f"{spec.label['en']} ({period})"},
            "records": count[0], "modified": count[1], "tier": spec.tier,
            "readable": auth.can_see(spec.tier),
            "distribution": {"json": api, "csv": api + "&format=csv"}}
    rows = [(html.esc(k), html.esc(_show(v))) for k, v in data.items()]
    body = Markup("<h1>{}</h1>{}").format(html.bilingual(data["title"]["zh"],
                                                         data["title"]["en"]),
                                          html.table(["Property 属性", "Value 值"], rows))
    response = _answer(_format(ext), f"/dataset/{series}/{period}", data,
                       lambda: linked.dataset_graph(data, base),
                       lambda: html.page(data["title"]["zh"], body, _nav()))
    set_last_modified(response, count[1])
    return response

