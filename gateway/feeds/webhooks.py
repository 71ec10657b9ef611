"""Webhooks: the change feed pushed to agencies' endpoints, signed, retried, never lost.

The queue is the disclosure log itself plus one cursor per subscription
(``webhook_subscriptions.cursor``: every entry up to it was acknowledged). The deliverer
reads the next change-feed page for a subscription's kinds and tier, POSTs one item at a
time in seq order, and moves the cursor in the same transaction that records the
delivery. A failure (non-2xx, timeout, refused connection) keeps the item at the head
of that subscription's queue with an exponential, jittered, capped backoff; it is
retried until it succeeds — nothing is dropped, and a restart resumes from the cursor.
Replay from any seq is a cursor reset.

Each POST carries ``Idempotency-Key: <subscription>:<seq>`` (the same on every retry)
and ``X-Gateway-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`` keyed by
the subscription's secret; :func:`verify` is the receiver's check. A receiver may see
an item twice (e.g. it answered after our timeout) but never misses one: deduplicate by
the idempotency key.

Tables (created on first use): ``webhook_subscriptions`` and ``webhook_deliveries``
(one row per subscription and seq attempted: status, attempts, next attempt, last error).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

import schemas

from ..settings import Settings
from ..store import utc_now
from . import changes

DDL = (
    """CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  name TEXT PRIMARY KEY, url TEXT NOT NULL, kinds TEXT NOT NULL DEFAULT '[]',
  tier TEXT NOT NULL, secret TEXT, origin TEXT NOT NULL CHECK (origin IN ('settings', 'api')),
  owner TEXT, cursor INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS webhook_deliveries (
  subscription TEXT NOT NULL, seq INTEGER NOT NULL, idempotency_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered')),
  attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT, next_attempt_at REAL,
  delivered_at TEXT, last_status INTEGER, last_error TEXT, PRIMARY KEY (subscription, seq))""",
    """CREATE INDEX IF NOT EXISTS webhook_deliveries_pending ON webhook_deliveries
  (subscription, seq) WHERE status = 'pending'""",
)
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SIGNATURE_HEADER = "X-Gateway-Signature"
TOLERANCE = 300  # seconds a signature stays acceptable


class WebhookError(ValueError):
    """A subscription request is wrong; the message says why."""


def ensure_tables(conn: sqlite3.Connection) -> None:
    for statement in DDL:
        conn.execute(statement)


def tables_exist(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name='webhook_subscriptions'"
                        ).fetchone() is not None


# signatures ---------------------------------------------------------------------------
def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Gateway-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance: int = TOLERANCE,
           now: float | None = None) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# subscriptions -----------------------------------------------------------------------
@dataclass(frozen=True)
class Subscription:
    name: str
    url: str
    kinds: tuple[str, ...]
    tier: str
    secret: str | None
    origin: str
    owner: str | None
    cursor: int
    active: bool


def _check(name: str, url: str, kinds: list[str] | tuple[str, ...], tier: str) -> None:
    if not NAME.match(name):
        raise WebhookError(f"name {name!r}: use 1-63 of a-z, 0-9, '-' and '_'")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise WebhookError(f"url must be an http(s) URL, not {url!r}")
    unknown = sorted(set(kinds) - set(schemas.KINDS))
    if unknown:
        raise WebhookError(f"unknown kind(s) {unknown}; kinds: {sorted(schemas.KINDS)}")
    if tier not in schemas.TIERS:
        raise WebhookError(f"tier must be one of {schemas.TIERS}")


def subscriptions(conn: sqlite3.Connection, owner: str | None = None,
                  active_only: bool = False) -> list[Subscription]:
    if not tables_exist(conn):
        return []
    where = ["1=1"]
    args: list[Any] = []
    if owner is not None:
        where.append("owner = ?")
        args.append(owner)
    if active_only:
        where.append("active = 1")
    found = conn.execute("SELECT name, url, kinds, tier, secret, origin, owner, cursor, active "
                         f"FROM webhook_subscriptions WHERE {' AND '.join(where)} ORDER BY name",
                         args).fetchall()
    return [Subscription(r[0], r[1], tuple(json.loads(r[2])), r[3], r[4], r[5], r[6], r[7],
                         bool(r[8])) for r in found]


def sync_settings(conn: sqlite3.Connection, settings: Settings) -> None:
    """Make the table match ``[webhooks.*]``: add new ones (cursor 0), update url, kinds
    and tier of known ones (cursor kept), deactivate those no longer configured."""
    ensure_tables(conn)
    now = utc_now()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for hook in settings.webhooks.values():
            _check(hook.name, hook.url, hook.kinds, hook.tier)
            conn.execute(
                "INSERT INTO webhook_subscriptions (name, url, kinds, tier, origin, created_at,"
                " updated_at) VALUES (?,?,?,?, 'settings', ?, ?) ON CONFLICT(name) DO UPDATE "
                "SET url=excluded.url, kinds=excluded.kinds, tier=excluded.tier, active=1, "
                "updated_at=excluded.updated_at WHERE origin='settings'",
                (hook.name, hook.url, json.dumps(list(hook.kinds)), hook.tier, now, now))
        names = list(settings.webhooks)
        marks = ",".join("?" * len(names)) or "''"
        conn.execute(f"UPDATE webhook_subscriptions SET active=0, updated_at=? WHERE "
                     f"origin='settings' AND name NOT IN ({marks})", (now, *names))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class HostNotAllowed(WebhookError):
    """A webhook registered through the API names a host the operator has not allowed."""


def host_allowed(url: str, allowed: Iterable[str]) -> bool:
    """Whether the gateway may call ``url`` for a subscription made through the API: its
    host must be one the operator listed in ``[api] webhook_hosts``. Agencies register
    these URLs, and the gateway POSTs to them, so an open list would let a token holder
    point the gateway at its own network (loopback, private ranges, cloud metadata)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return bool(host) and host in set(allowed)


def register(conn: sqlite3.Connection, name: str, url: str, kinds: list[str], tier: str,
             owner: str, start: int = 0, allowed_hosts: Iterable[str] = ()) -> str:
    """Add a subscription (from the API); returns its new secret (shown once)."""
    _check(name, url, kinds, tier)
    if not host_allowed(url, allowed_hosts):
        raise HostNotAllowed(
            f"the gateway does not call {urlsplit(url).hostname!r}: webhooks registered "
            "through the API may only go to the hosts its operator lists in [api] "
            "webhook_hosts; ask the operator to add yours")
    ensure_tables(conn)
    secret = secrets.token_urlsafe(32)
    now = utc_now()
    try:
        conn.execute("INSERT INTO webhook_subscriptions (name, url, kinds, tier, secret, origin,"
                     " owner, cursor, created_at, updated_at) VALUES (?,?,?,?,?, 'api', ?,?,?,?)",
                     (name, url, json.dumps(kinds), tier, secret, owner, start, now, now))
    except sqlite3.IntegrityError:
        raise WebhookError(f"a subscription named {name!r} exists already") from None
    return secret


def remove(conn: sqlite3.Connection, name: str, owner: str) -> bool:
    cur = conn.execute("DELETE FROM webhook_subscriptions WHERE name=? AND owner=?",
                       (name, owner))
    if cur.rowcount:
        conn.execute("DELETE FROM webhook_deliveries WHERE subscription=? AND "
                     "status='pending'", (name,))
    return bool(cur.rowcount)


def replay(conn: sqlite3.Connection, from_seq: int, name: str | None = None,
           owner: str | None = None) -> int:
    """Deliver again every entry with ``seq >= from_seq``: reset the cursor(s) to
    ``from_seq - 1`` and forget scheduled retries. Returns how many subscriptions."""
    ensure_tables(conn)
    where, args = "1=1", []
    if name is not None:
        where, args = "name = ?", [name]
    if owner is not None:
        where, args = f"{where} AND owner = ?", [*args, owner]
    conn.execute("BEGIN IMMEDIATE")
    try:
        cur = conn.execute(f"UPDATE webhook_subscriptions SET cursor=?, updated_at=? "
                           f"WHERE {where}", (max(from_seq - 1, 0), utc_now(), *args))
        conn.execute(f"DELETE FROM webhook_deliveries WHERE status='pending' AND subscription "
                     f"IN (SELECT name FROM webhook_subscriptions WHERE {where})", args)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return cur.rowcount


def status(conn: sqlite3.Connection, owner: str | None = None) -> list[dict[str, Any]]:
    """Each subscription with its cursor, the log head and its head-of-line retry."""
    top = changes.head(conn)
    found = []
    for sub in subscriptions(conn, owner):
        pending = conn.execute(
            "SELECT seq, attempts, next_attempt_at, last_status, last_error FROM "
            "webhook_deliveries WHERE subscription=? AND status='pending' AND seq > ? "
            "ORDER BY seq LIMIT 1", (sub.name, sub.cursor)).fetchone()
        delivered = conn.execute("SELECT COUNT(*) FROM webhook_deliveries WHERE "
                                 "subscription=? AND status='delivered'", (sub.name,))
        found.append({
            "name": sub.name, "url": sub.url, "kinds": list(sub.kinds), "tier": sub.tier,
            "origin": sub.origin, "active": sub.active, "cursor": sub.cursor, "head": top,
            "delivered": delivered.fetchone()[0],
            "retrying": None if pending is None else {
                "seq": pending[0], "attempts": pending[1],
                "next_attempt_at": pending[2], "last_status": pending[3],
                "last_error": pending[4]}})
    return found


# delivery ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    """Timeouts and backoff: delay = min(cap, base·2^(attempts-1)) × U(0.5, 1)."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    backoff_base: float = 1.0
    backoff_cap: float = 600.0
    batch: int = 100

    def delay(self, attempts: int, rng: Callable[[], float] = random.random) -> float:
        return min(self.backoff_cap, self.backoff_base * 2 ** (attempts - 1)) * (0.5 + rng() / 2)


class Deliverer:
    """Delivers every subscription's queue; state lives in the store, so any instance
    (after a crash, on another day) picks up where the last one stopped."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings,
                 policy: Policy | None = None, session: requests.Session | None = None,
                 clock: Callable[[], float] = time.time):
        self.conn, self.settings = conn, settings
        self.policy = policy or Policy()
        self.session = session or requests.Session()
        self.clock = clock
        sync_settings(conn, settings)

    def secret(self, sub: Subscription) -> str:
        if sub.origin == "api" and sub.secret:
            return sub.secret
        hook = self.settings.webhooks[sub.name]
        secret = hook.secret or os.environ.get(hook.secret_env or "")
        if not secret:
            raise WebhookError(f"[webhooks.{sub.name}]: environment variable "
                               f"{hook.secret_env} is not set")
        return secret

    def run_once(self) -> dict[str, int]:
        """One pass: drain every active subscription until caught up or a failure."""
        totals = {"delivered": 0, "failed": 0, "waiting": 0, "blocked": 0}
        for sub in subscriptions(self.conn, active_only=True):
            if sub.origin == "api" and not host_allowed(sub.url,
                                                        self.settings.api.webhook_hosts):
                totals["blocked"] += 1  # its host was taken off [api] webhook_hosts
                continue
            for name, value in self._drain(sub).items():
                totals[name] += value
        return totals

    def run_forever(self, stop: threading.Event, poll: float = 1.0,
                    report: Callable[[dict[str, int]], None] | None = None) -> None:
        while not stop.is_set():
            totals = self.run_once()
            if report and (totals["delivered"] or totals["failed"]):
                report(totals)
            if not totals["delivered"]:
                stop.wait(poll)

    def _waiting(self, sub: Subscription, cursor: int) -> bool:
        row = self.conn.execute(
            "SELECT next_attempt_at FROM webhook_deliveries WHERE subscription=? AND "
            "status='pending' AND seq > ? ORDER BY seq LIMIT 1", (sub.name, cursor)).fetchone()
        return row is not None and row[0] is not None and row[0] > self.clock()

    def _drain(self, sub: Subscription) -> dict[str, int]:
        counts = {"delivered": 0, "failed": 0, "waiting": 0}
        cursor, secret = sub.cursor, self.secret(sub)
        while True:
            if self._waiting(sub, cursor):
                counts["waiting"] += 1
                return counts
            page = changes.page(self.conn, cursor, self.policy.batch, sub.tier,
                                self.settings.base_uri, sub.kinds or None)
            for item in page["items"]:
                if not self._attempt(sub, secret, item):
                    counts["failed"] += 1
                    return counts
                counts["delivered"] += 1
                cursor = item["seq"]
            if len(page["items"]) < self.policy.batch:
                if page["next_since"] > cursor:  # past entries this subscription skips
                    self._move(sub.name, page["next_since"])
                return counts

    def _move(self, name: str, cursor: int) -> None:
        self.conn.execute("UPDATE webhook_subscriptions SET cursor=? WHERE name=? AND "
                          "cursor < ?", (cursor, name, cursor))

    def _attempt(self, sub: Subscription, secret: str, item: dict[str, Any]) -> bool:
        key = f"{sub.name}:{item['seq']}"
        body = json.dumps({"subscription": sub.name, "idempotency_key": key, "item": item},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key,
                   SIGNATURE_HEADER: sign(secret, body, int(self.clock())),
                   "X-Gateway-Seq": str(item["seq"]), "User-Agent": "carbon-gateway-webhooks"}
        status, error = None, None
        try:
            response = self.session.post(sub.url, data=body, headers=headers,
                                         timeout=(self.policy.connect_timeout,
                                                  self.policy.read_timeout),
                                         allow_redirects=False)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}: {response.text[:200]}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        self._record(sub.name, item["seq"], key, status, error)
        return error is None

    def _record(self, name: str, seq: int, key: str, status: int | None,
                error: str | None) -> None:
        now = utc_now()
        with_retry = error is not None
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            attempts = 1 + (self.conn.execute(
                "SELECT attempts FROM webhook_deliveries WHERE subscription=? AND seq=?",
                (name, seq)).fetchone() or (0,))[0]
            next_at = self.clock() + self.policy.delay(attempts) if with_retry else None
            self.conn.execute(
                "INSERT INTO webhook_deliveries (subscription, seq, idempotency_key, status, "
                "attempts, last_attempt_at, next_attempt_at, delivered_at, last_status, "
                "last_error) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(subscription, seq) DO "
                "UPDATE SET status=excluded.status, attempts=excluded.attempts, "
                "last_attempt_at=excluded.last_attempt_at, next_attempt_at="
                "excluded.next_attempt_at, delivered_at=excluded.delivered_at, "
                "last_status=excluded.last_status, last_error=excluded.last_error",
                (name, seq, key, "pending" if with_retry else "delivered", attempts, now,
                 next_at, None if with_retry else now, status, error))
            if not with_retry:
                self._move(name, seq)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
