"""``/api/v1/article6/aef``: China's Article 6.2 Agreed Electronic Format for a year.

The same report as ``gateway export aef``: the official template filled (xlsx), the five
tables as CSV (a zip, UTF-8 with BOM for Excel), or the JSON twin keyed by CAD Trust names
with the consistency-check findings. All Article 6 fields are public.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate

from ..article6 import aef_for_year, write_aef
from .db import connection
from .openapi import Blueprint

blp = Blueprint("article6", __name__, url_prefix="/api/v1/article6",
                description="Article 6.2 reporting / 《巴黎协定》第六条第二款报告")

MEDIA = {"json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "application/zip"}


class AefArgs(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2021, max=2100),
                          metadata={"description": "Reported year / 报告年度"})
    format = fields.String(load_default="json", validate=validate.OneOf(list(MEDIA)),
                           metadata={"description": "json (with check findings), xlsx "
                                                    "(official template) or csv (zip)"})


@blp.route("/aef")
@blp.arguments(AefArgs(), location="query", error_status_code=400)
@blp.doc(summary="Agreed Electronic Format for a year / 年度第六条电子报告格式",
         responses={"200": {"description": "The AEF in the requested format",
                            "content": {media: {} for media in MEDIA.values()}}})
def aef(args: dict[str, Any]) -> Response:
    info = {"submission_date": dt.date.today().isoformat()}
    report = aef_for_year(connection(), args["year"], info)
    fmt = args["format"]
    if fmt == "json":
        body = {"aef": json.loads(_written(report, "json")),
                "findings": [f.__dict__ for f in report.findings]}
        return Response(json.dumps(body, ensure_ascii=False, default=str),
                        mimetype=MEDIA["json"])
    name = f"AEF_CHN_{args['year']}.{'zip' if fmt == 'csv' else fmt}"
    return Response(_written(report, fmt), mimetype=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _written(report: Any, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="aef-") as tmp:
        out = Path(tmp) / ("tables" if fmt == "csv" else f"aef.{fmt}")
        paths = write_aef(report, out, fmt, bom=True)
        if fmt != "csv":
            return paths[0].read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
        return buffer.getvalue()
