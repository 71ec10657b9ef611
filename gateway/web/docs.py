"""``/api/v1/openapi.json`` and ``/api/v1/docs``: the spec, and a page rendered from it.

The docs page is plain server-side HTML built from the OpenAPI document (no JavaScript,
no CDN), so it works offline; headings are bilingual.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, json, redirect
from markupsafe import Markup

from . import html
from .kinds import all_specs
from .openapi import finalize

bp = Blueprint("docs", __name__)

PROBLEMS = [
    ("400", "Invalid parameters: `errors` lists them by location and field.", "参数无效"),
    ("bad-token", "401: the bearer token is unknown or malformed.", "令牌无效"),
    ("tier", "403: the kind, filter or sort needs a higher tier.", "访问级别不足"),
    ("404", "404: no such resource.", "未找到"),
    ("no-record", "404: no record with that key (or none at that as_of time).", "无此记录"),
    ("405", "405: method not allowed (see Allow).", "方法不允许"),
    ("format", "400/406: unknown format or unacceptable Accept.", "格式不可用"),
    ("cursor", "400: the after cursor is not valid for this sort.", "游标无效"),
    ("retracted", "410: the record was retracted; read its history.", "记录已撤回"),
    ("rate-limit", "429: too many requests; wait Retry-After seconds.", "请求过多"),
    ("500", "500: server error (logged).", "服务器错误"),
]


def spec_dict() -> dict[str, Any]:
    """The finished OpenAPI document (built once per app)."""
    cached = current_app.extensions.get("gateway_openapi")
    if cached is None:
        api = current_app.extensions["gateway_api"]
        cached = current_app.extensions["gateway_openapi"] = finalize(api.spec.to_dict())
    return cached


@bp.route("/api/v1/openapi.json")
def openapi_json() -> Response:
    return Response(json.dumps(spec_dict(), ensure_ascii=False), mimetype="application/json")


@bp.route("/")
def root() -> Response:
    return redirect("/api/v1/docs", code=302)  # type: ignore[return-value]


@bp.route("/api/v1/docs")
def page() -> Response:
    spec = spec_dict()
    parts = [_intro(spec), _tiers(), _paging(), _problems(), _operations(spec)]
    body = Markup("").join(parts)
    nav = [("#tiers", "访问级别 Tiers"), ("#paging", "分页 Paging"),
           ("#problems", "错误 Errors"), ("#operations", "接口 Operations"),
           ("/api/v1/openapi.json", "OpenAPI")]
    return Response(html.page("全国碳市场信息公开网关 API / Disclosure gateway API", body, nav),
                    mimetype="text/html")


def _intro(spec: dict[str, Any]) -> Markup:
    info = spec["info"]
    return Markup("<h1>{}</h1><p>{}</p><p>OpenAPI {} · version {} · "
                  '<a href="/api/v1/openapi.json">openapi.json</a></p>').format(
        info["title"], info.get("description", ""), spec["openapi"], info["version"])


def _tiers() -> Markup:
    rows = [(Markup("<code>{}</code>").format(s.kind),
             html.bilingual(s.label["zh"], s.label["en"]),
             Markup('<span class="tier-{}">{}</span>').format(s.tier, s.tier),
             ", ".join(f"{t}: {len(s.visible(t))}/{len(s.fields)}"
                       for t in ("public", "partner", "agency")))
            for s in all_specs()]
    return Markup(
        '<h2 id="tiers">访问级别 / Access tiers</h2><p>No token: <b>public</b>. '
        "<code>Authorization: Bearer &lt;token&gt;</code>: <b>partner</b> or <b>agency</b>. "
        "A kind needs the tier of its natural key; below it every URL of the kind answers "
        "<b>403</b> (an unknown token answers 401). Fields above your tier are left out of "
        "JSON, CSV and RDF; filtering or sorting on them is a 403.</p>{}").format(
        html.table(["Kind 类型", "Label 名称", "Needs 所需级别", "Fields visible 可见字段"], rows))


def _paging() -> Markup:
    return Markup(
        '<h2 id="paging">分页、排序与格式 / Paging, sorting and formats</h2><ul>'
        "<li><code>limit</code> (1–1000, default 100); follow <code>links.next</code> or the "
        "<code>Link: rel=next</code> header (keyset cursor <code>after</code>).</li>"
        "<li><code>sort=field</code> or <code>-field</code>; ties break on the natural key.</li>"
        "<li><code>total=true</code> adds <code>meta.total</code> (counts every match).</li>"
        "<li><code>format=csv</code> or <code>Accept: text/csv</code>; <code>bom=true</code> "
        "for Excel.</li><li>Decimals and money are strings, exactly as disclosed.</li>"
        "<li><code>ETag</code>/<code>Last-Modified</code> with 304; "
        "<code>RateLimit-*</code> headers, 429 with <code>Retry-After</code>.</li></ul>")


def _problems() -> Markup:
    rows = [(Markup('<a id="problem-{}"></a><code>{}</code>').format(slug, slug), text, zh)
            for slug, text, zh in PROBLEMS]
    return Markup('<h2 id="problems">错误 / Errors (application/problem+json)</h2>{}').format(
        html.table(["type", "Meaning", "含义"], rows))


def _operations(spec: dict[str, Any]) -> Markup:
    parts = [Markup('<h2 id="operations">接口 / Operations</h2>')]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue
            parts.append(_operation(spec, path, method, op))
    return Markup("").join(parts)


def _operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Markup:
    params = [(Markup("<code>{}</code>").format(p["name"]), p["in"],
               _type(p.get("schema", {})), p.get("description") or
               p.get("schema", {}).get("description", ""))
              for p in op.get("parameters", [])]
    ok = op.get("responses", {}).get("200", {}).get("content", {})
    return Markup("<h3>{} <code>{}</code></h3><p>{}</p><p>{}</p>{}<p>200: {}</p>").format(
        method.upper(), path, op.get("summary", ""), op.get("description", ""),
        html.table(["Parameter 参数", "In 位置", "Type 类型", "Description 说明"], params)
        if params else "", ", ".join(ok))


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "")
    if "enum" in schema:
        return f"{kind}: {' | '.join(map(str, schema['enum']))}"
    return str(kind)
