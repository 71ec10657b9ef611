"""Rate limits: an in-memory token bucket per token or client IP.

Each bucket holds up to ``limit`` requests and refills at ``limit`` per minute. Every
answer carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``
(seconds until the bucket is full again), after draft-ietf-httpapi-ratelimit-headers,
plus ``RateLimit-Policy``; a refused request gets 429 with ``Retry-After``.
Buckets live in one process: with several processes each has its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, g
from flask.wrappers import Response

from .auth import PUBLIC, caller
from .problems import Problem

WINDOW = 60.0
MAX_BUCKETS = 50_000


@dataclass
class Bucket:
    tokens: float
    stamp: float


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: int


class RateLimiter:
    """Token buckets keyed by client; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}
        self.lock = threading.Lock()

    def take(self, key: str, limit: int) -> Verdict:
        rate = limit / WINDOW
        with self.lock:
            now = self.clock()
            bucket = self.buckets.get(key)
            if bucket is None:
                if len(self.buckets) >= MAX_BUCKETS:
                    self._prune(now, rate, limit)
                bucket = self.buckets[key] = Bucket(float(limit), now)
            bucket.tokens = min(limit, bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            allowed = bucket.tokens >= 1
            if allowed:
                bucket.tokens -= 1
            tokens = bucket.tokens
        return Verdict(allowed, limit, int(tokens), math.ceil((limit - tokens) / rate),
                       0 if allowed else max(1, math.ceil((1 - tokens) / rate)))

    def _prune(self, now: float, rate: float, limit: int) -> None:
        """Drop buckets that have refilled (they carry no state worth keeping)."""
        full = [k for k, b in self.buckets.items() if b.tokens + (now - b.stamp) * rate >= limit]
        for key in full or list(self.buckets)[: MAX_BUCKETS // 10]:
            del self.buckets[key]


def headers(verdict: Verdict) -> dict[str, str]:
    found = {"RateLimit-Limit": str(verdict.limit),
             "RateLimit-Remaining": str(verdict.remaining),
             "RateLimit-Reset": str(verdict.reset),
             "RateLimit-Policy": f"{verdict.limit};w={int(WINDOW)}"}
    if not verdict.allowed:
        found["Retry-After"] = str(verdict.retry_after)
    return found


def init_app(app: Flask) -> None:
    """Check the caller's bucket before each request (after auth)."""
    settings = app.config["API_SETTINGS"]
    if not settings.rate_limit:
        return
    limiter = app.extensions["gateway_ratelimiter"] = RateLimiter()

    @app.before_request
    def _limit() -> None:
        who = caller()
        limit = settings.public_per_minute if who.tier == PUBLIC else settings.token_per_minute
        verdict = limiter.take(who.client, limit)
        g.ratelimit = headers(verdict)
        if not verdict.allowed:
            raise Problem(429, f"More than {limit} requests per minute; retry after "
                          f"{verdict.retry_after} s.",
                          f"每分钟请求超过 {limit} 次，请 {verdict.retry_after} 秒后重试。",
                          slug="rate-limit", headers=g.ratelimit)

    @app.after_request
    def _headers(response: Response) -> Response:
        for name, value in (getattr(g, "ratelimit", None) or {}).items():
            response.headers.setdefault(name, value)
        return response
