"""Access tiers: who is calling, from the ``Authorization: Bearer`` token.

No token means the ``public`` tier. A token is looked up by its SHA-256 among the
configured ``[[tokens]]`` (only hashes are stored); a token that matches none is a 401.
A field's tier comes from its schema metadata, and :func:`can_see` is the only test the
rest of the app uses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import Flask, current_app, g, request

import schemas

from .problems import Problem

PUBLIC = "public"


@dataclass(frozen=True)
class Caller:
    """Who is calling: the tier, and the key used for rate limiting."""

    tier: str
    name: str | None
    client: str


def hash_token(token: str) -> str:
    """The SHA-256 (hex) of a token, as stored in the settings."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def _lookup(token: str) -> tuple[str, str] | None:
    digest = hash_token(token)
    for entry in current_app.config["TOKENS"]:
        if hmac.compare_digest(entry.sha256, digest):
            return entry.name, entry.tier
    return None


def identify() -> Caller:
    """The caller of this request; 401 for a malformed or unknown token."""
    header = request.headers.get("Authorization")
    ip = request.remote_addr or "unknown"
    if not header:
        return Caller(PUBLIC, None, f"ip:{ip}")
    scheme, _, token = header.partition(" ")
    found = _lookup(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if found is None:
        raise Problem(401, "The bearer token is missing, malformed or unknown. Send "
                      "'Authorization: Bearer <token>', or no Authorization header for public "
                      "data.", "访问令牌缺失、格式错误或无效；公开数据无需令牌。",
                      slug="bad-token",
                      headers={"WWW-Authenticate": 'Bearer realm="gateway", error="invalid_token"'})
    return Caller(found[1], found[0], f"token:{found[0]}")


def caller() -> Caller:
    """This request's caller (set by the before-request hook)."""
    return g.caller


def tier() -> str:
    return caller().tier


def can_see(field_tier: str, caller_tier: str | None = None) -> bool:
    """Whether a field of ``field_tier`` may be shown to the caller."""
    rank = schemas.TIER_RANK
    return rank[field_tier] <= rank[caller_tier or tier()]


def require(needed: str, what: str, what_zh: str) -> None:
    """403 unless the caller's tier reaches ``needed``."""
    if can_see(needed):
        return
    headers = {"WWW-Authenticate": 'Bearer realm="gateway"'} if tier() == PUBLIC else {}
    raise Problem(403, f"{what} needs the {needed} tier; your tier is {tier()}. "
                  "Ask the gateway operator for a token.",
                  f"{what_zh}需要“{needed}”级别的访问令牌，当前为“{tier()}”。",
                  slug="tier", headers=headers)


def init_app(app: Flask) -> None:
    @app.before_request
    def _identify() -> None:
        g.caller = Caller(PUBLIC, None, f"ip:{request.remote_addr}")
        g.caller = identify()
