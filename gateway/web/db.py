"""Read-only SQLite connections for the web app, one per thread.

The store is written by other processes (pulls) while the app serves it: the store
runs in WAL mode, so readers see the last committed state and never block writers.
Each serving thread keeps one ``mode=ro`` connection; every query runs in its own
implicit read transaction, so a long-lived connection still sees new commits.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from flask import current_app

from .problems import Problem

_local = threading.local()


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open the store read-only; 503 if it does not exist yet."""
    if not path.exists():
        raise Problem(503, f"the store {path.name} does not exist yet; run `gateway pull --all`",
                      "数据库尚未建立，请先运行 gateway pull --all", headers={"Retry-After": "30"})
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10,
                           check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA query_only=1")
    return conn


def connection() -> sqlite3.Connection:
    """This thread's read-only connection to the app's store."""
    path: Path = current_app.config["STORE_PATH"]
    cached = getattr(_local, "conns", None)
    if cached is None:
        cached = _local.conns = {}
    conn = cached.get(path)
    if conn is None:
        conn = cached[path] = open_readonly(path)
    return conn


def rows(sql: str, args: tuple[Any, ...] | list[Any] | dict[str, Any] = ()) -> list[tuple]:
    """All rows of a query (fetched at once, so the read transaction ends)."""
    return connection().execute(sql, args).fetchall()


def dicts(sql: str, args: tuple[Any, ...] | list[Any] | dict[str, Any] = ()
          ) -> list[dict[str, Any]]:
    cur = connection().execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def one(sql: str, args: tuple[Any, ...] | list[Any] | dict[str, Any] = ()
        ) -> dict[str, Any] | None:
    found = dicts(sql, args)
    return found[0] if found else None


def last_change() -> str | None:
    """When the disclosure log last changed (ISO 8601 UTC), for Last-Modified."""
    found = rows("SELECT recorded_at FROM log ORDER BY seq DESC LIMIT 1")
    return found[0][0] if found else None
