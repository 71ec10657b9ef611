"""``/api/v1/{kind}``: lists, records by natural key, history and as-of reads.

One set of routes per disclosure kind, generated from :mod:`.kinds`; each is documented
in OpenAPI with the kind's own filters, sort keys and record schema.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, request

from . import auth, db, records
from .caching import set_last_modified
from .kinds import KindSpec, all_specs
from .negotiate import wants_csv
from .openapi import (
    Blueprint,
    ItemArgsSchema,
    history_schema,
    item_schema,
    list_args_schema,
    page_schema,
)
from .problems import Problem
from .query import ListQuery, decode_cursor, encode_cursor
from .timeparse import as_of_moment

blp = Blueprint("records", __name__, url_prefix="/api/v1",
                description="Disclosure records of every kind / 各类信息公开记录")

CONVERTERS = {"Quantity": "int", "Year": "int", "Integer": "int"}
JSON = "application/json"


def require_kind(spec: KindSpec) -> records.RecordView:
    """403 unless the caller may read this kind; the view of its records for them."""
    auth.require(spec.tier, f"Kind '{spec.kind}'", f"“{spec.label['zh']}”")
    return records.RecordView(spec, auth.tier())


# lists ----------------------------------------------------------------------------
def _check_tiers(spec: KindSpec, args: dict[str, Any], sort: str) -> None:
    """A filter or sort on a field above the caller's tier would leak it: 403."""
    for flt in spec.filters:
        if flt.param in args and not auth.can_see(flt.field_tier):
            auth.require(flt.field_tier, f"Filtering on '{flt.param}'", f"按 {flt.param} 筛选")
    if sort != "_key" and not auth.can_see(spec.field_tier(sort)):
        auth.require(spec.field_tier(sort), f"Sorting on '{sort}'", f"按 {sort} 排序")


def parse_list(spec: KindSpec, args: dict[str, Any]) -> ListQuery:
    sort_param = args.get("sort") or "key"
    descending = sort_param.startswith("-")
    sort = sort_param.lstrip("-")
    sort = "_key" if sort == "key" else sort
    _check_tiers(spec, args, sort)
    filters = [(f, args[f.param]) for f in spec.filters if args.get(f.param) is not None]
    after = decode_cursor(args["after"], sort) if args.get("after") else None
    return ListQuery(spec, filters, sort, descending, after, args["limit"])


def _here() -> str:
    """This request's absolute URL without the query (cheaper than ``request.base_url``)."""
    return f"{request.scheme}://{request.host}{request.script_root}{request.path}"


def _next_link(query: ListQuery, last: tuple[Any, str]) -> str:
    params = request.args.copy()
    params["after"] = encode_cursor(query.sort, *last)
    return f"{_here()}?{urlencode(list(params.items(multi=True)))}"


def list_records(spec: KindSpec, args: dict[str, Any]) -> Response:
    view = require_kind(spec)
    query = parse_list(spec, args)
    sort_col = "_key" if query.sort == "_key" else f'"{query.sort}"'
    sql, params = query.page_sql(f"{view.columns()}, {sort_col}")
    found = db.rows(sql, params)
    rows = [r[:-1] for r in found[: query.limit]]
    next_link = None
    if len(found) > query.limit:
        last = found[query.limit - 1]
        next_link = _next_link(query, (last[-1], last[0]))
    total = db.rows(*query.count_sql())[0][0] if args.get("total") else None
    if wants_csv(args.get("format")):
        response = _csv(spec, view, rows, bool(args.get("bom")))
    else:
        response = _page_json(spec, view, query, rows, next_link, total)
    if next_link:
        response.headers["Link"] = f'<{next_link}>; rel="next"'
    set_last_modified(response, db.last_change())
    return response


def _page_json(spec: KindSpec, view: records.RecordView, query: ListQuery, rows: list,
               next_link: str | None, total: int | None) -> Response:
    meta: dict[str, Any] = {"kind": spec.kind, "tier": auth.tier(), "limit": query.limit,
                            "count": len(rows), "sort": query.sort_param()}
    if total is not None:
        meta["total"] = total
    query_string = request.query_string.decode("latin-1")
    links = {"self": _here() + (f"?{query_string}" if query_string else ""), "next": next_link}
    body = (f'{{"data":{view.json_array(rows)},"links":{records.dumps(links)},'
            f'"meta":{records.dumps(meta)}}}')
    return Response(body, mimetype=JSON)


def _csv(spec: KindSpec, view: records.RecordView, rows: list, bom: bool) -> Response:
    response = Response(view.csv_text(rows, bom), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'inline; filename="{spec.kind}.csv"'
    return response


# one record -----------------------------------------------------------------------
def natural_key(spec: KindSpec, parts: dict[str, Any]) -> str:
    return "/".join(str(parts[name]) for name in spec.key_fields)


def _links(spec: KindSpec, key: str) -> dict[str, str]:
    base = current_app.config["BASE_URI"]
    return {"self": f"{request.host_url.rstrip('/')}/api/v1/{spec.kind}/{key}",
            "history": f"{request.host_url.rstrip('/')}/api/v1/{spec.kind}/{key}/history",
            "uri": f"{base}/id/{spec.kind}/{key}"}


def current_row(spec: KindSpec, view: records.RecordView, key: str) -> dict[str, Any] | None:
    from gateway.store.ddl import current_table
    derived = "".join(f', "{d}"' for d in view.derived)
    return db.one(f'SELECT _key, _version, _updated_at, _run_id, _retracted, _record{derived} '
                  f'FROM "{current_table(spec.kind)}" WHERE _key = ?', (key,))


def _not_found(spec: KindSpec, key: str) -> Problem:
    return Problem(404, f"No {spec.kind} record with key '{key}'.",
                   f"没有键为“{key}”的{spec.label['zh']}记录。", slug="no-record")


def get_record(spec: KindSpec, key: str, as_of: str | None) -> Response:
    view = require_kind(spec)
    if as_of:
        return _as_of(spec, view, key, as_of)
    row = current_row(spec, view, key)
    if row is None:
        raise _not_found(spec, key)
    if row["_retracted"]:
        raise Problem(410, f"{spec.kind} '{key}' was retracted; its history lists every "
                      "version and the reason.", "该记录已撤回，历史记录中列有各版本及原因。",
                      slug="retracted", headers={"Link": f'<{_links(spec, key)["history"]}>; '
                                                 'rel="version-history"'})
    record = view.record(row["_record"], [row[d] for d in view.derived])
    body = {"kind": spec.kind, "key": key, "uri": _links(spec, key)["uri"],
            "version": row["_version"], "updated_at": row["_updated_at"], "retracted": False,
            "as_of": None, "record": record, "links": _links(spec, key)}
    response = Response(records.dumps(body), mimetype=JSON)
    set_last_modified(response, row["_updated_at"])
    return response


def _as_of(spec: KindSpec, view: records.RecordView, key: str, text: str) -> Response:
    moment = as_of_moment(text)
    row = db.one("SELECT version, op, recorded_at, record FROM log WHERE kind=? AND key=? "
                 "AND recorded_at<=? ORDER BY version DESC LIMIT 1", (spec.kind, key, moment))
    if row is None:
        raise Problem(404, f"No version of {spec.kind} '{key}' existed at {moment}.",
                      f"该时刻（{moment}）不存在此记录的任何版本。", slug="no-record")
    body = {"kind": spec.kind, "key": key, "uri": _links(spec, key)["uri"],
            "version": row["version"], "updated_at": row["recorded_at"],
            "retracted": row["op"] == "retract", "as_of": moment,
            "record": view.record(row["record"]), "links": _links(spec, key)}
    response = Response(records.dumps(body), mimetype=JSON)
    set_last_modified(response, row["recorded_at"])
    return response


def get_history(spec: KindSpec, key: str) -> Response:
    view = require_kind(spec)
    found = db.dicts("SELECT seq, version, op, recorded_at, run_id, supersedes, reason, "
                     "source_ref, sha256, record FROM log WHERE kind=? AND key=? "
                     "ORDER BY version", (spec.kind, key))
    if not found:
        raise _not_found(spec, key)
    versions = []
    for row in found:
        row["record"] = view.record(row["record"])
        sha = row.pop("sha256")
        if view.passthrough:  # a hash of hidden fields could be brute-forced: full view only
            row["sha256"] = sha
        versions.append(row)
    body = {"kind": spec.kind, "key": key, "versions": versions}
    response = Response(records.dumps(body), mimetype=JSON)
    set_last_modified(response, found[-1]["recorded_at"])
    return response


# routes ---------------------------------------------------------------------------
def _key_path(spec: KindSpec) -> str:
    return "/".join(f"<{CONVERTERS.get(t, 'string')}:{name}>"
                    for name, t in zip(spec.key_fields, spec.key_types, strict=True))


def _tier_note(spec: KindSpec) -> str:
    if spec.tier == "public":
        return "Public; fields above your tier are left out."
    return (f"Needs the **{spec.tier}** tier (403 problem otherwise); fields above your tier "
            "are left out.")


def _register(spec: KindSpec) -> None:
    kind, label = spec.kind, f"{spec.label['zh']} / {spec.label['en']}"
    key_path = _key_path(spec)

    @blp.route(f"/{kind}", endpoint=f"{kind}_list")
    @blp.arguments(list_args_schema(kind)(), location="query", error_status_code=400)
    @blp.response(200, page_schema(kind))
    @blp.doc(tags=[kind], summary=f"List {label}", description=_tier_note(spec),
             **{"x-csv": True})
    def list_view(args: dict[str, Any]) -> Response:
        return list_records(spec, args)

    @blp.route(f"/{kind}/{key_path}", endpoint=f"{kind}_item")
    @blp.arguments(ItemArgsSchema(), location="query", error_status_code=400)
    @blp.response(200, item_schema(kind))
    @blp.doc(tags=[kind], summary=f"One {label} by natural key (current, or as of a time)",
             description=_tier_note(spec))
    def item_view(args: dict[str, Any], **parts: Any) -> Response:
        return get_record(spec, natural_key(spec, parts), args.get("as_of"))

    @blp.route(f"/{kind}/{key_path}/history", endpoint=f"{kind}_history")
    @blp.response(200, history_schema(kind))
    @blp.doc(tags=[kind], summary=f"Every version of one {label}, with reasons",
             description=_tier_note(spec))
    def history_view(**parts: Any) -> Response:
        return get_history(spec, natural_key(spec, parts))


for _spec in all_specs():
    _register(_spec)
