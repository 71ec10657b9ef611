"""``/feeds/``: the change feed, Atom feeds and the webhook subscription API.

- ``GET /feeds/`` — every feed with its link (JSON);
- ``GET /feeds/changes?since=SEQ&limit=N&kind=K[,K…]`` — one page of the change feed;
- ``GET /feeds/all.atom``, ``GET /feeds/{kind}.atom`` — Atom 1.0, newest first;
- ``GET|POST /feeds/webhooks``, ``DELETE /feeds/webhooks/{name}``,
  ``POST /feeds/webhooks/{name}/replay`` — an agency's own subscriptions.

Tiers as everywhere: records carry only the caller's fields, kinds above the caller's
tier are skipped by the change feed and ``all.atom`` and answer 403 when asked for by
name. The Atom routes are generated per kind (no path parameters).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request

import schemas

from ..web import auth, db, records
from ..web.problems import Problem
from . import atom, changes, webhooks

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

ATOM_TYPE = "application/atom+xml"
ATOM_DEFAULT, ATOM_MAX = 50, 500


def _base() -> str:
    return current_app.config["BASE_URI"]


def _int(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise Problem(400, f"{name} must be an integer from {low} to {high}, not {text!r}.",
                      f"参数 {name} 应为 {low} 至 {high} 之间的整数。", slug="bad-parameter")
    return value


def _kinds() -> list[str] | None:
    wanted = [k for value in request.args.getlist("kind") for k in value.split(",") if k]
    unknown = sorted(set(wanted) - set(schemas.KINDS))
    if unknown:
        raise Problem(400, f"Unknown kind(s) {unknown}; kinds: {', '.join(schemas.KINDS)}.",
                      f"未知类型：{unknown}", slug="bad-parameter")
    for kind in wanted:
        auth.require(changes.kind_tier(kind), f"Kind '{kind}'",
                     f"“{schemas.KINDS[kind].label['zh']}”")
    return wanted or None


def _json(body: Any, status: int = 200) -> Response:
    return Response(records.dumps(body), status, mimetype="application/json")


@bp.route("/", endpoint="index")
def index() -> Response:
    base, tier = _base(), auth.tier()
    feeds: list[dict[str, Any]] = [
        {"name": "changes", "type": "application/json", "href": f"{base}/feeds/changes",
         "title": {"zh": "变更流（按序号游标分页）", "en": "Change feed (cursor paging by seq)"},
         "readable": True},
        {"name": "all", "type": ATOM_TYPE, "href": f"{base}/feeds/all.atom",
         "title": atom.feed_title(None), "readable": True}]
    for kind in schemas.KINDS:
        feeds.append({"name": kind, "type": ATOM_TYPE, "href": f"{base}/feeds/{kind}.atom",
                      "title": atom.feed_title(kind), "tier": changes.kind_tier(kind),
                      "readable": changes.readable(kind, tier)})
    return _json({"title": {"zh": "全国碳市场信息公开网关 — 订阅与同步",
                            "en": "China carbon market disclosure gateway — feeds"},
                  "tier": tier, "feeds": feeds,
                  "webhooks": {"href": f"{base}/feeds/webhooks", "tier": "agency"},
                  "docs": "docs/feeds.md"})


@bp.route("/changes", endpoint="changes")
def change_feed() -> Response:
    since = _int("since", 0, 0, 2**63 - 1)
    limit = _int("limit", changes.DEFAULT_LIMIT, 1, changes.MAX_LIMIT)
    kinds = _kinds()
    body = changes.page(db.connection(), since, limit, auth.tier(), _base(), kinds)
    params: list[tuple[str, Any]] = [("since", body["next_since"]), ("limit", limit)]
    params += [("kind", ",".join(kinds))] if kinds else []
    next_link = f"{request.base_url}?{urlencode(params)}"
    body["links"] = {"self": request.url, "next": next_link}
    response = _json(body)
    response.headers["Link"] = f'<{next_link}>; rel="next"'
    # a full page never changes (the log is append-only); a short one grows
    full = len(body["items"]) == limit
    response.headers["Cache-Control"] = ("max-age=86400" if full else "no-cache")
    return response


def _atom(kind: str | None) -> Response:
    if kind is not None:
        auth.require(changes.kind_tier(kind), f"Kind '{kind}'",
                     f"“{schemas.KINDS[kind].label['zh']}”")
    limit = _int("limit", ATOM_DEFAULT, 1, ATOM_MAX)
    items = changes.latest(db.connection(), auth.tier(), _base(),
                           [kind] if kind else None, limit)
    self_url = f"{_base()}/feeds/{kind or 'all'}.atom"
    body = atom.render(items, kind=kind, base=_base(), self_url=self_url,
                       updated=db.last_change())
    response = Response(body, mimetype=ATOM_TYPE)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/all.atom", endpoint="atom_all")
def atom_all() -> Response:
    return _atom(None)


def _register_atom(kind: str) -> None:
    bp.add_url_rule(f"/{kind}.atom", endpoint=f"atom_{kind}", view_func=lambda: _atom(kind))


for _kind in schemas.KINDS:
    _register_atom(_kind)


# webhook subscriptions -----------------------------------------------------------------
def _writable() -> sqlite3.Connection:
    path = current_app.config["STORE_PATH"]
    if not path.exists():
        raise Problem(503, "the store does not exist yet", "数据库尚未建立",
                      headers={"Retry-After": "30"})
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    webhooks.ensure_tables(conn)
    return conn


def _owner() -> str:
    auth.require("agency", "Webhook subscriptions", "Webhook 订阅")
    return auth.caller().name or ""


@bp.route("/webhooks", methods=["GET"], endpoint="webhooks")
def list_webhooks() -> Response:
    owner = _owner()
    return _json({"data": webhooks.status(db.connection(), owner)})


@bp.route("/webhooks", methods=["POST"], endpoint="webhooks_add")
def add_webhook() -> Response:
    owner = _owner()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(400, "Send a JSON object: {\"name\", \"url\", \"kinds\"?, \"from_seq\"?}.",
                      "请求体应为 JSON 对象。", slug="bad-parameter")
    kinds = data.get("kinds") or []
    start = data.get("from_seq", 1)
    if not isinstance(kinds, list) or not isinstance(start, int) or start < 1:
        raise Problem(400, "kinds must be a list of kind names and from_seq a positive "
                      "integer.", "kinds 应为类型列表，from_seq 应为正整数。", slug="bad-parameter")
    with closing(_writable()) as conn:
        try:
            secret = webhooks.register(conn, str(data.get("name", "")), data.get("url"), kinds,
                                       auth.tier(), owner, start - 1,
                                       current_app.config["API_SETTINGS"].webhook_hosts)
        except webhooks.HostNotAllowed as error:
            raise Problem(403, str(error), "网关只向运营方在 [api] webhook_hosts 中列出的主机推送；"
                          "请联系运营方添加贵方主机。", slug="webhook-host-not-allowed") from None
        except webhooks.WebhookError as error:
            status = 409 if "exists already" in str(error) else 400
            raise Problem(status, str(error), "订阅请求有误。", slug="bad-subscription") from None
        found = webhooks.status(conn, owner)
    body = next(s for s in found if s["name"] == data["name"])
    body["secret"] = secret  # shown once: keep it to verify signatures
    response = _json(body, 201)
    response.headers["Location"] = f"{_base()}/feeds/webhooks"
    return response


@bp.route("/webhooks/<name>", methods=["DELETE"], endpoint="webhooks_remove")
def remove_webhook(name: str) -> Response:
    owner = _owner()
    with closing(_writable()) as conn:
        if not webhooks.remove(conn, name, owner):
            raise Problem(404, f"You have no subscription named {name!r}.", "没有该订阅。")
    return Response(status=204)


@bp.route("/webhooks/<name>/replay", methods=["POST"], endpoint="webhooks_replay")
def replay_webhook(name: str) -> Response:
    owner = _owner()
    data = request.get_json(silent=True) or {}
    start = data.get("from_seq")
    if not isinstance(start, int) or start < 1:
        raise Problem(400, "Send {\"from_seq\": N} with N ≥ 1.", "请提供 from_seq（正整数）。",
                      slug="bad-parameter")
    with closing(_writable()) as conn:
        if not webhooks.replay(conn, start, name, owner):
            raise Problem(404, f"You have no subscription named {name!r}.", "没有该订阅。")
        found = webhooks.status(conn, owner)
    return _json(next(s for s in found if s["name"] == name))
