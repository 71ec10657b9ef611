"""Errors as ``application/problem+json`` (RFC 9457), in one place.

Every error the app answers — 400, 401, 403, 404, 405, 406, 410, 429, 500, 503 — goes
through :func:`problem_response`. Titles are English; Chinese goes in the ``title_zh``
and ``detail_zh`` extension members. Views raise :class:`Problem` (or call
:func:`abort_problem`); werkzeug's own exceptions (404 for unknown URLs, 405 with its
``Allow`` header) and webargs' validation errors are converted by :func:`handle_http`.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, json, request
from flask.wrappers import Response
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs#problem-"
log = logging.getLogger(__name__)

TITLES_ZH = {
    400: "请求参数有误", 401: "需要有效的访问令牌", 403: "无权访问", 404: "未找到",
    405: "不支持该请求方法", 406: "无法提供所请求的格式", 410: "记录已撤回",
    429: "请求过于频繁", 500: "服务器内部错误", 503: "服务暂不可用",
}


class ProblemSchema(Schema):
    """The error payload (documentation only; see :func:`problem_response`)."""

    type = fields.String(metadata={"description": "A URI naming the problem type"})
    title = fields.String(metadata={"description": "Short summary (English)"})
    status = fields.Integer(metadata={"description": "HTTP status code"})
    detail = fields.String(metadata={"description": "What went wrong here (English)"})
    title_zh = fields.String(metadata={"description": "标题（中文）"})
    detail_zh = fields.String(metadata={"description": "说明（中文）"})
    instance = fields.String(metadata={"description": "The request path"})
    errors = fields.Dict(metadata={"description": "Validation errors by location and field"})


class Problem(HTTPException):
    """An HTTP error with a problem document; raise it from any view or hook."""

    def __init__(self, status: int, detail: str, detail_zh: str = "", *,
                 slug: str | None = None, headers: dict[str, str] | None = None,
                 errors: Any = None):
        super().__init__(detail)
        self.code = status
        self.detail, self.detail_zh, self.slug = detail, detail_zh, slug
        self.extra_headers, self.errors = headers or {}, errors

    @property
    def name(self) -> str:  # type: ignore[override]
        from werkzeug.http import HTTP_STATUS_CODES
        return HTTP_STATUS_CODES.get(self.code or 500, "Error")


def abort_problem(status: int, detail: str, detail_zh: str = "", **kwargs: Any) -> None:
    """Stop the request with a problem response."""
    raise Problem(status, detail, detail_zh, **kwargs)


def problem_response(status: int, title: str, detail: str | None = None,
                     detail_zh: str | None = None, *, slug: str | None = None,
                     errors: Any = None, headers: dict[str, str] | None = None) -> Response:
    """Build one problem+json response."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + (slug or str(status)), "title": title, "status": status,
        "title_zh": TITLES_ZH.get(status, title), "instance": request.path}
    if detail:
        body["detail"] = detail
    if detail_zh:
        body["detail_zh"] = detail_zh
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_http(error: HTTPException) -> Response:
    """Any werkzeug/webargs/our own HTTP error as problem+json, keeping its headers."""
    status = error.code or 500
    if isinstance(error, Problem):
        return problem_response(status, error.name, error.detail, error.detail_zh,
                                slug=error.slug, errors=error.errors,
                                headers=error.extra_headers)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or error.description
    headers = dict(error.get_headers())
    headers.update(data.get("headers") or {})
    if errors and status == 422:  # webargs' default; we answer 400 for bad parameters
        status = 400
    return problem_response(status, error.name if status == error.code else "Bad Request",
                            detail, _detail_zh(status), errors=errors, headers=headers)


def handle_unexpected(error: Exception) -> Response:
    """A bug: log it, answer 500 without internals."""
    if isinstance(error, HTTPException):
        return handle_http(error)
    log.exception("unhandled error on %s", request.path)
    return problem_response(500, "Internal Server Error",
                            "The server failed to answer; the error was logged.",
                            "服务器未能处理该请求，错误已记录。")


def _detail_zh(status: int) -> str:
    return {400: "请检查查询参数。", 404: "没有该地址的资源。",
            405: "该地址不支持此方法，请见 Allow 头。"}.get(status, "")


def init_app(app: Flask) -> None:
    """Register the handlers (after flask-smorest, so ours win)."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
