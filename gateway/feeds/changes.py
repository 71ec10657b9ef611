"""The change feed: the disclosure log in ``seq`` order, one page at a time.

A page holds the log entries with ``since < seq <= head`` of the kinds the caller asked
for and may read, oldest first, at most ``limit`` of them; ``head`` is the log's last
seq, read *before* the entries. Writers allocate seqs inside their write transaction
(``MAX(seq) + 1``), so every seq up to a committed head is committed too: a page never
skips an entry that a later page could still show.

``next_since`` is the seq of the page's last item when the page is full, else ``head``:
it moves past entries the caller cannot see (kinds above their tier are skipped, not
shown), so a consumer that stores ``next_since`` after applying a page consumes every
entry it may see exactly once. An empty page means "caught up".

Cost is O(page), never O(log): the unfiltered case walks the primary key from ``since``;
a subset of kinds reads at most ``limit`` seqs per kind from the ``(kind, seq)`` index
(index-only) and merges them, so entries of hidden kinds are never scanned.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import sqlite3
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

import schemas

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
COLUMNS = "seq, kind, key, version, op, sha256, recorded_at, supersedes, reason, record"


@cache
def kind_tier(kind: str) -> str:
    """The tier needed to read a kind at all: the highest tier among its key fields
    (a caller who may not see the key cannot address the record; as the API)."""
    specs = {f["name"]: f["tier"] for f in schemas.field_specs(kind)}
    tiers = [specs[name] for name in schemas.KINDS[kind].key_fields]
    return max(tiers, key=schemas.TIER_RANK.__getitem__)


def readable(kind: str, tier: str) -> bool:
    return schemas.TIER_RANK[kind_tier(kind)] <= schemas.TIER_RANK[tier]


def readable_kinds(tier: str, wanted: Iterable[str] | None = None) -> list[str]:
    """The kinds (of ``wanted``, default all) a caller of ``tier`` may read, in order."""
    chosen = set(wanted) if wanted else set(schemas.KINDS)
    return [k for k in schemas.KINDS if k in chosen and readable(k, tier)]


@cache
def _hidden(kind: str, tier: str) -> frozenset[str]:
    visible = set(schemas.visible_fields(kind, tier))
    return frozenset(f["name"] for f in schemas.field_specs(kind) if f["name"] not in visible)


def canonical(record: dict[str, Any]) -> str:
    """The canonical JSON text of a record, as the store hashes it."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def head(conn: sqlite3.Connection) -> int:
    """The log's last seq (0 when empty); O(1) on the primary key."""
    return conn.execute("SELECT COALESCE(MAX(seq), 0) FROM log").fetchone()[0]


def item_link(base: str, kind: str, key: str) -> str:
    """The API address of a record: ``{base}/api/v1/{kind}/{key}``."""
    return f"{base}/api/v1/{kind}/{quote(key, safe='/')}"


def to_item(row: Sequence[Any], tier: str, base: str) -> dict[str, Any]:
    """One log row (:data:`COLUMNS`) as the caller of ``tier`` may see it.

    ``record`` keeps only the fields visible at ``tier``; ``sha256`` is the SHA-256 of
    the canonical JSON of ``record`` as given here, so the receiver can check it (when
    nothing is hidden it is the log's own hash).
    """
    seq, kind, key, version, op, sha, recorded_at, supersedes, reason, text = row
    record = json.loads(text)
    hidden = _hidden(kind, tier)
    if hidden & record.keys():
        record = {k: v for k, v in record.items() if k not in hidden}
        sha = hashlib.sha256(canonical(record).encode("utf-8")).hexdigest()
    return {"seq": seq, "kind": kind, "key": key, "version": version, "op": op,
            "recorded_at": recorded_at, "supersedes": supersedes, "reason": reason,
            "sha256": sha, "link": item_link(base, kind, key),
            "uri": f"{base}/id/{kind}/{quote(key, safe='/')}", "record": record}


def _seqs(conn: sqlite3.Connection, kinds: list[str], low: int, high: int, limit: int,
          descending: bool) -> list[int]:
    """The first ``limit`` seqs in (low, high] of ``kinds`` (index-only reads, merged)."""
    order = "DESC" if descending else "ASC"
    per_kind = [[r[0] for r in conn.execute(
        f"SELECT seq FROM log WHERE kind = ? AND seq > ? AND seq <= ? ORDER BY seq {order} "
        "LIMIT ?", (kind, low, high, limit))] for kind in kinds]
    merged = heapq.merge(*per_kind, reverse=descending)
    return [seq for seq, _ in zip(merged, range(limit), strict=False)]


def rows(conn: sqlite3.Connection, kinds: list[str], low: int, high: int, limit: int,
         descending: bool = False) -> list[tuple[Any, ...]]:
    """Log rows of ``kinds`` with ``low < seq <= high``, at most ``limit``, by seq."""
    order = "DESC" if descending else "ASC"
    if not kinds:
        return []
    if len(kinds) == len(schemas.KINDS):
        return conn.execute(f"SELECT {COLUMNS} FROM log WHERE seq > ? AND seq <= ? "
                            f"ORDER BY seq {order} LIMIT ?", (low, high, limit)).fetchall()
    seqs = _seqs(conn, kinds, low, high, limit, descending)
    if not seqs:
        return []
    marks = ",".join("?" * len(seqs))
    return conn.execute(f"SELECT {COLUMNS} FROM log WHERE seq IN ({marks}) "
                        f"ORDER BY seq {order}", seqs).fetchall()


def page(conn: sqlite3.Connection, since: int, limit: int, tier: str, base: str,
         kinds: Iterable[str] | None = None) -> dict[str, Any]:
    """One page of the change feed (see the module docstring for the guarantees)."""
    top = head(conn)
    chosen = readable_kinds(tier, kinds)
    found = rows(conn, chosen, since, top, limit) if since < top else []
    items = [to_item(row, tier, base) for row in found]
    next_since = items[-1]["seq"] if len(items) == limit else max(since, top)
    return {"items": items, "next_since": next_since}


def latest(conn: sqlite3.Connection, tier: str, base: str, kinds: Iterable[str] | None,
           limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` entries of ``kinds`` the caller may read, newest first."""
    found = rows(conn, readable_kinds(tier, kinds), 0, head(conn), limit, descending=True)
    return [to_item(row, tier, base) for row in found]
