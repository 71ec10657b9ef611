"""``/api/v1/`` (what this API offers the caller), ``/runs`` and ``/quality``."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from marshmallow import EXCLUDE, Schema, fields, validate

from . import auth, db
from .kinds import KindSpec, all_specs
from .openapi import Blueprint

blp = Blueprint("service", __name__, url_prefix="/api/v1",
                description="Index, pull runs and data quality / 目录、采集运行与数据质量")

RUN_PUBLIC = ("id", "publisher", "system", "started_at", "finished_at", "status", "fetched",
              "accepted", "new_versions", "unchanged", "rejected", "payloads")
RUN_AGENCY = ("error", "cursor_before", "cursor_after")


class KindSchema(Schema):
    kind = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())
    source = fields.String()
    key_fields = fields.List(fields.String())
    tier = fields.String(metadata={"description": "Tier needed to read this kind at all"})
    readable = fields.Boolean(metadata={"description": "Whether the caller may read it"})
    list = fields.String()
    fields_ = fields.List(fields.Dict(), data_key="fields",
                          metadata={"description": "Fields the caller may see"})
    filters = fields.List(fields.String())
    sort = fields.List(fields.String())


class IndexSchema(Schema):
    title = fields.Dict(keys=fields.String(), values=fields.String())
    tier = fields.String()
    openapi = fields.String()
    docs = fields.String()
    kinds = fields.List(fields.Nested(KindSchema))


class RunArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(1, 1000))
    before = fields.Integer(validate=validate.Range(1, 2**63 - 1),
                            metadata={"description": "Only runs with a smaller id (paging)"})


class RunSchema(Schema):
    id = fields.Integer()
    publisher = fields.String()
    system = fields.String()
    started_at = fields.String()
    finished_at = fields.String(allow_none=True)
    status = fields.String()
    fetched = fields.Integer()
    accepted = fields.Integer()
    new_versions = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    payloads = fields.Integer()
    error = fields.String(allow_none=True, metadata={"x-tier": "agency"})
    cursor_before = fields.String(allow_none=True, metadata={"x-tier": "agency"})
    cursor_after = fields.String(allow_none=True, metadata={"x-tier": "agency"})


class RunPageSchema(Schema):
    data = fields.List(fields.Nested(RunSchema))
    links = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))


class QualitySchema(Schema):
    rejects = fields.List(fields.Dict(), metadata={
        "description": "Rejected records per publisher, kind and reason (counts only)"})
    findings = fields.List(fields.Dict(), metadata={
        "description": "Cross-record check findings per check and kind (counts only)"})
    records = fields.Dict(keys=fields.String(), values=fields.Integer(),
                          metadata={"description": "Current records per kind"})


def _kind(spec: KindSpec, tier: str) -> dict[str, Any]:
    visible = set(spec.visible(tier))
    return {"kind": spec.kind, "label": spec.label, "source": spec.source,
            "key_fields": list(spec.key_fields), "tier": spec.tier,
            "readable": auth.can_see(spec.tier),
            "list": url_for(f"records.{spec.kind}_list", _external=True),
            "fields": [{k: f[k] for k in ("name", "tier", "unit", "label", "codelist")}
                       for f in spec.fields if f["name"] in visible],
            "filters": [f.param for f in spec.filters if auth.can_see(f.field_tier)],
            "sort": ["key", *(s for s in spec.sortable if auth.can_see(spec.field_tier(s)))]}


@blp.route("/", endpoint="index")
@blp.response(200, IndexSchema)
@blp.doc(summary="What this API offers you / 接口目录")
def index() -> dict[str, Any]:
    tier = auth.tier()
    return {"title": {"zh": "全国碳市场信息公开网关 — 合作方接口",
                      "en": "China carbon market disclosure gateway — partner API"},
            "tier": tier, "openapi": url_for("docs.openapi_json", _external=True),
            "docs": url_for("docs.page", _external=True),
            "kinds": [_kind(spec, tier) for spec in all_specs()]}


@blp.route("/runs", endpoint="runs")
@blp.arguments(RunArgs(), location="query", error_status_code=400)
@blp.response(200, RunPageSchema)
@blp.doc(summary="Pull runs, newest first / 采集运行记录")
def runs(args: dict[str, Any]) -> dict[str, Any]:
    columns = RUN_PUBLIC + (RUN_AGENCY if auth.can_see("agency") else ())
    where, params = ("WHERE id < ?", [args["before"]]) if args.get("before") else ("", [])
    found = db.dicts(f"SELECT {', '.join(columns)} FROM runs {where} ORDER BY id DESC "
                     "LIMIT ?", [*params, args["limit"] + 1])
    page = found[: args["limit"]]
    next_link = None
    if len(found) > args["limit"]:
        next_link = url_for("service.runs", limit=args["limit"], before=page[-1]["id"],
                            _external=True)
    return {"data": page, "links": {"self": request.url, "next": next_link}}


@blp.route("/quality", endpoint="quality")
@blp.response(200, QualitySchema)
@blp.doc(summary="Data quality in aggregate: rejects and findings / 数据质量汇总")
def quality() -> dict[str, Any]:
    from gateway.store.ddl import current_table
    rejects = db.dicts("SELECT publisher, kind, error_type, COUNT(*) AS records, "
                       "SUM(times_seen) AS times_seen FROM quarantine "
                       "GROUP BY publisher, kind, error_type ORDER BY publisher, records DESC")
    findings = db.dicts("SELECT check_id, severity, kind, COUNT(*) AS findings FROM findings "
                        "GROUP BY check_id, severity, kind ORDER BY findings DESC")
    counts = {spec.kind: db.rows(f'SELECT COUNT(*) FROM "{current_table(spec.kind)}" '
                                 "WHERE _retracted = 0")[0][0] for spec in all_specs()}
    return {"rejects": rejects, "findings": findings, "records": counts}
