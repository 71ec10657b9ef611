"""Opening the working store: one SQLite file in WAL mode."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import schemas

from .ddl import SCHEMA_VERSION, all_ddl, current_indexes, current_table

# The writer's page cache. SQLite's default (2 MB) is smaller than the indexes keyed by
# values that arrive in no order (a trade's buyer and seller USCC): past a few hundred
# thousand trades each insert then re-reads its index page from the OS, and system time
# per record doubles. 16 MB keeps most of those pages in memory at a million trades; it is
# a ceiling, so memory stays flat however large the store grows (bench/ingest.py --http).
WRITER_CACHE_KIB = 16 * 1024


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the store; create its tables on first use (not when ``readonly``)."""
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30,
                               check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
        _create(conn)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _create(conn: sqlite3.Connection) -> None:
    found = conn.execute("SELECT name FROM sqlite_master WHERE name='meta'").fetchone()
    if found:
        row = conn.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()
        if row and int(row[0]) == SCHEMA_VERSION:
            return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in all_ddl():
            conn.execute(statement)
        _drop_stale_indexes(conn)
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                     (str(SCHEMA_VERSION),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _drop_stale_indexes(conn: sqlite3.Connection) -> None:
    """Drop the current-table indexes an earlier schema version made and this one does
    not (they would only slow every insert down)."""
    for kind in schemas.KINDS:
        wanted = current_indexes(kind)
        found = conn.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=? "
                             "AND sql IS NOT NULL", (current_table(kind),)).fetchall()
        for (name,) in found:
            if name not in wanted:
                conn.execute(f'DROP INDEX "{name}"')
