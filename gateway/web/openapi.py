"""OpenAPI 3.1 from the marshmallow schemas (flask-smorest and apispec).

Record schemas for the documentation are derived from each kind's disclosure schema:
every field keeps its bilingual label, unit, code list and tier (``x-tier``); decimals
are documented as strings, since that is how they are served. Query-argument schemas
carry the kind's filters and sort keys. :func:`finalize` adds what apispec cannot know:
the problem+json error responses, CSV alternatives, the bearer security scheme, and the
OpenAPI links from each kind's list to its records and their history (so clients, and
schemathesis's stateful tests, can follow a list item to its record).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import flask_smorest
from flask import Flask
from marshmallow import EXCLUDE, Schema, fields, validate
from webargs.fields import DelimitedList

from . import problems
from .kinds import Filter, KindSpec, _schema_fields, all_specs
from .kinds import spec as spec_of
from .query import DEFAULT_LIMIT, MAX_LIMIT
from .timeparse import AS_OF_PATTERN

MAX_INT = 2**63 - 1
PREFIX = "/api/v1"  # the records blueprint's url_prefix (gateway.web.api)
PROBLEM = {"$ref": "#/components/schemas/Problem"}
ERRORS = {
    "400": ("Invalid parameters", "参数无效"),
    "401": ("Unknown or malformed bearer token", "访问令牌无效"),
    "403": ("The caller's tier may not read this", "当前访问级别无权读取"),
    "404": ("Not found", "未找到"),
    "406": ("None of the accepted media types can be produced", "无法提供所请求的格式"),
    "410": ("The record was retracted (see its history)", "记录已撤回"),
    "429": ("Rate limit exceeded (see Retry-After)", "请求过于频繁"),
    "500": ("Server error", "服务器内部错误"),
    "503": ("The store is not ready", "数据库尚未就绪"),
}


class Api(flask_smorest.Api):
    """flask-smorest's Api with problem+json errors (see :mod:`.problems`)."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error):  # type: ignore[override]
        return problems.handle_http(error)


class Blueprint(flask_smorest.Blueprint):
    """No X-Pagination header: our pages carry ``links.next`` and a ``Link`` header."""

    PAGINATION_HEADER_NAME = None


def configure(app: Flask, base_uri: str) -> None:
    app.config.update(
        API_TITLE="China carbon market disclosure gateway — partner API",
        API_VERSION="v1", OPENAPI_VERSION="3.1.0", OPENAPI_URL_PREFIX=None,
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION,
                     "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
            "servers": [{"url": base_uri}]})


DESCRIPTION = (
    "全国碳市场信息公开网关 — 合作方接口。Disclosures of China's national carbon market "
    "(CEA and CCER): lists with filters, keyset pagination and CSV; records by natural key "
    "with their full history and as-of reads; bilingual code lists; pull runs and data "
    "quality. Public data needs no token; partner and agency data need "
    "`Authorization: Bearer <token>`. Each field's tier is given as `x-tier`. Errors are "
    "`application/problem+json`.")


def _label(meta: dict[str, Any]) -> str:
    label = meta.get("label") or {}
    text = f"{label.get('zh', '')} / {label.get('en', '')}".strip(" /")
    if meta.get("unit"):
        text += f" ({meta['unit']})"
    return text


def _doc_field(field: fields.Field) -> fields.Field:
    """How a schema field is served (and so documented)."""
    name = type(field).__name__
    inner = getattr(field, "inner", None)
    if name == "Withholdable" and inner is not None:
        name = type(inner).__name__
    meta = {"description": _label(field.metadata), "x-tier": field.metadata.get("tier", "public")}
    for extra in ("unit", "codelist"):
        if field.metadata.get(extra):
            meta[f"x-{extra}"] = field.metadata[extra]
    kwargs: dict[str, Any] = {"allow_none": True, "metadata": meta}
    if name in {"Quantity", "Year", "Integer"}:
        return fields.Integer(**kwargs)
    if name in {"Money", "DecimalValue"}:
        meta.update(type="string", format="decimal")
        return fields.String(**kwargs)
    if name == "Boolean":
        return fields.Boolean(**kwargs)
    if name == "CodeListText":
        return fields.List(fields.String(), **kwargs)
    if name == "List":
        return fields.List(fields.Dict(), **kwargs)
    if name == "StrictDate":
        meta["format"] = "date"
    elif name == "LocalDateTime":
        meta["format"] = "date-time"
    return fields.String(**kwargs)


def _camel(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


@cache
def record_schema(kind: str) -> type[Schema]:
    declared = {name: _doc_field(f) for name, f in _schema_fields(kind).items()}
    return Schema.from_dict(declared, name=f"{_camel(kind)}Record")


class LinksSchema(Schema):
    self = fields.String(metadata={"description": "This page"})
    next = fields.String(allow_none=True, metadata={"description": "The next page, or null"})


class PageMetaSchema(Schema):
    kind = fields.String()
    tier = fields.String(metadata={"description": "The caller's tier"})
    limit = fields.Integer()
    count = fields.Integer(metadata={"description": "Records on this page"})
    sort = fields.String()
    total = fields.Integer(metadata={"description": "Only with ?total=true"})


@cache
def page_schema(kind: str) -> type[Schema]:
    return Schema.from_dict({"data": fields.List(fields.Nested(record_schema(kind))),
                             "links": fields.Nested(LinksSchema),
                             "meta": fields.Nested(PageMetaSchema)},
                            name=f"{_camel(kind)}Page")


@cache
def item_schema(kind: str) -> type[Schema]:
    return Schema.from_dict({
        "kind": fields.String(), "key": fields.String(), "uri": fields.String(),
        "version": fields.Integer(), "updated_at": fields.String(),
        "retracted": fields.Boolean(), "as_of": fields.String(allow_none=True),
        "record": fields.Nested(record_schema(kind)),
        "links": fields.Dict(keys=fields.String(), values=fields.String())},
        name=f"{_camel(kind)}Item")


@cache
def history_schema(kind: str) -> type[Schema]:
    version = Schema.from_dict({
        "seq": fields.Integer(), "version": fields.Integer(),
        "op": fields.String(validate=validate.OneOf(["add", "correct", "retract"])),
        "recorded_at": fields.String(), "run_id": fields.Integer(),
        "supersedes": fields.Integer(allow_none=True),
        "reason": fields.String(allow_none=True, metadata={"description": "Why it changed"}),
        "source_ref": fields.String(allow_none=True),
        "sha256": fields.String(metadata={
            "description": "SHA-256 of the canonical record; only for callers who see every "
                           "field (a hash of hidden fields could be brute-forced)"}),
        "record": fields.Nested(record_schema(kind))}, name=f"{_camel(kind)}Version")
    return Schema.from_dict({"kind": fields.String(), "key": fields.String(),
                             "versions": fields.List(fields.Nested(version))},
                            name=f"{_camel(kind)}History")


def _filter_field(flt: Filter) -> fields.Field:
    meta = {"description": f"{_label({'label': flt.label})} — {_OP_TEXT[flt.op]}",
            "x-tier": flt.field_tier}
    if flt.op == "in":
        return DelimitedList(fields.String(validate=validate.Length(min=1, max=64)),
                             validate=validate.Length(min=1, max=50), metadata=meta)
    if flt.type == "Year":
        return fields.Integer(validate=validate.Range(2005, 2100), metadata=meta)
    if flt.type in {"StrictDate", "LocalDateTime"}:
        return fields.Date(format="%Y-%m-%d", metadata=meta)
    if flt.type == "YearMonth":
        return fields.String(validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"), metadata=meta)
    if flt.type == "Boolean":
        return fields.Boolean(metadata=meta)
    if flt.type in {"Quantity", "Integer"}:
        return fields.Integer(validate=validate.Range(0, MAX_INT), metadata=meta)
    return fields.String(validate=validate.Length(min=1, max=200), metadata=meta)


_OP_TEXT = {"eq": "equals", "in": "one of (comma-separated)", "ge": "from (inclusive)",
            "le": "to (inclusive)"}


def sort_values(spec: KindSpec) -> list[str]:
    names = ["key", *spec.sortable]
    return [*names, *(f"-{n}" for n in names)]


@cache
def list_args_schema(kind: str) -> type[Schema]:
    kind_spec = spec_of(kind)
    declared: dict[str, fields.Field] = {f.param: _filter_field(f) for f in kind_spec.filters}
    declared.update(
        sort=fields.String(load_default="key", validate=validate.OneOf(sort_values(kind_spec)),
                           metadata={"description": "Sort key; '-' for descending. Ties are "
                                     "broken by the natural key."}),
        limit=fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                             metadata={"description": f"Page size (max {MAX_LIMIT})"}),
        after=fields.String(validate=validate.Length(min=1, max=2000),
                            metadata={"description": "Cursor from the previous page's next link"}),
        total=fields.Boolean(load_default=False,
                             metadata={"description": "Count all matching records (slower)"}),
        format=fields.String(validate=validate.OneOf(["json", "csv"]),
                             metadata={"description": "json (default) or csv; or use Accept"}),
        bom=fields.Boolean(load_default=False,
                           metadata={"description": "CSV: start with a UTF-8 BOM (Excel)"}))
    schema = Schema.from_dict(declared, name=f"{_camel(kind_spec.kind)}ListArgs")
    schema.Meta.unknown = EXCLUDE  # type: ignore[attr-defined]
    return schema


class ItemArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    as_of = fields.String(validate=validate.Length(min=4, max=40), metadata={
        "description": "Read the version current at this moment: YYYY-MM-DD or an ISO 8601 "
                       "date-time (UTC unless it has an offset)", "pattern": AS_OF_PATTERN,
        "example": "2025-12-31T23:59:59+08:00"})


def _error_ref(code: str) -> dict[str, Any]:
    text, zh = ERRORS[code]
    return {"description": f"{text} / {zh}",
            "content": {problems.MEDIA_TYPE: {"schema": PROBLEM}}}


def finalize(spec: dict[str, Any]) -> dict[str, Any]:
    """Problem responses, CSV alternatives and security on every operation."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http", "scheme": "bearer",
        "description": "Partner or agency token; omit for public data"}
    for response in components.get("responses", {}).values():
        content = response.get("content", {})
        if "application/json" in content:
            content[problems.MEDIA_TYPE] = content.pop("application/json")
    spec["security"] = [{}, {"bearer": []}]
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method != "get":
                continue
            _finish_operation(path, operation)
    add_links(spec)
    return spec


def _finish_operation(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for code in ("400", "401", "403", "404", "406", "429", "500", "503"):
        responses[code] = _error_ref(code)
    if "{" in path and not path.endswith("/history"):
        responses["410"] = _error_ref("410")
    if operation.pop("x-csv", False) or "csv" in operation.get("tags", []):
        ok = responses.get("200", {}).get("content", {})
        ok["text/csv"] = {"schema": {"type": "string"}}


def _pointer(*parts: str) -> str:
    """A JSON pointer (RFC 6901) to ``parts``."""
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def add_links(spec: dict[str, Any]) -> None:
    """operationIds for each kind's list, item and history, and the links between them.

    From a list page (200) to the first item's record and its history, the path
    parameters taken from that item's natural-key fields; from a record (200) to its
    history, with the same path parameters. The list's ``links.next`` is a whole URL, not
    a value a link expression can pass as ``after``, so paging is not linked.
    """
    paths = spec.get("paths", {})
    for kind_spec in all_specs():
        kind, keys = kind_spec.kind, kind_spec.key_fields
        list_path = f"{PREFIX}/{kind}"
        item_path = f"{list_path}/" + "/".join(f"{{{k}}}" for k in keys)
        ops = {role: paths.get(path, {}).get("get")
               for role, path in (("list", list_path), ("item", item_path),
                                  ("history", f"{item_path}/history"))}
        if any(op is None for op in ops.values()):
            continue
        ids = {role: op.setdefault("operationId", f"{kind}_{role}") for role, op in ops.items()}
        first = {k: f"$response.body#{_pointer('data', '0', k)}" for k in keys}
        same = {k: f"$request.path.{k}" for k in keys}
        _link(ops["list"], "item", ids["item"], first,
              f"The first {kind} record on this page, by its natural key")
        _link(ops["list"], "history", ids["history"], first,
              f"Every version of the first {kind} record on this page")
        _link(ops["item"], "history", ids["history"], same,
              f"Every version of this {kind} record")


def _link(operation: dict[str, Any], name: str, target: str, parameters: dict[str, str],
          description: str) -> None:
    ok = operation.setdefault("responses", {}).setdefault("200", {"description": "OK"})
    ok.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters,
                                        "description": description}
