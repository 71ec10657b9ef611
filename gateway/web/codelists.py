"""``/api/v1/codelists``: the bilingual code lists every coded field refers to."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields

import schemas

from .openapi import Blueprint
from .problems import Problem

blp = Blueprint("codelists", __name__, url_prefix="/api/v1/codelists",
                description="Bilingual code lists / 双语代码表")


class CodeSchema(Schema):
    notation = fields.String(metadata={"description": "The code / 代码"})
    zh = fields.String(metadata={"description": "中文名称"})
    en = fields.String(metadata={"description": "English label"})
    uri = fields.String()
    alt = fields.List(fields.String(), metadata={"description": "Known other spellings"})
    extra = fields.Dict(metadata={"description": "Scheme-specific extras (e.g. IPCC category)"})


class CodeListSummarySchema(Schema):
    scheme = fields.String()
    version = fields.String()
    label = fields.Dict(keys=fields.String(), values=fields.String())
    source = fields.String()
    uri = fields.String()
    count = fields.Integer()


class CodeListSchema(CodeListSummarySchema):
    codes = fields.List(fields.Nested(CodeSchema))


class CodeListIndexSchema(Schema):
    data = fields.List(fields.Nested(CodeListSummarySchema))


def describe(scheme: str, with_codes: bool) -> dict[str, Any]:
    found = schemas.codelist(scheme)
    base = f"{current_app.config['BASE_URI']}/code/{scheme}"
    body: dict[str, Any] = {"scheme": found.scheme, "version": found.version,
                            "label": found.label, "source": found.source, "uri": base,
                            "count": len(found.codes)}
    if with_codes:
        body["codes"] = [_code(code, base) for code in found.codes]
    return body


@blp.route("", endpoint="index")
@blp.response(200, CodeListIndexSchema)
@blp.doc(summary="Every code list / 全部代码表")
def index() -> dict[str, Any]:
    return {"data": [describe(name, False) for name in schemas.all_codelists()]}


@blp.route("/<scheme>", endpoint="scheme")
@blp.response(200, CodeListSchema)
@blp.doc(summary="One code list with its codes (zh/en) / 单个代码表")
def scheme(scheme: str) -> dict[str, Any]:
    if scheme not in schemas.all_codelists():
        raise Problem(404, f"No code list named '{scheme}'.", f"没有名为“{scheme}”的代码表。",
                      slug="no-codelist")
    return describe(scheme, True)


CORE = ("notation", "zh", "en", "alt")


def _code(code: dict[str, Any], base: str) -> dict[str, Any]:
    found = {name: code[name] for name in CORE if name in code}
    found["uri"] = f"{base}/{code['notation']}"
    found["extra"] = {k: v for k, v in code.items() if k not in CORE}
    return found
