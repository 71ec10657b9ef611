"""The working store: raw payloads, runs, the disclosure log, current tables,
quarantine, findings and cursors, in one SQLite file (``gateway.db``)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import schemas

from .canonical import canonical_json, sha256_text
from .db import connect
from .ddl import current_table
from .writer import Accepted, Outcome, apply_records

__all__ = ["Accepted", "Outcome", "Store", "canonical_json", "current_table", "utc_now"]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class Store:
    """One working store. Writes happen inside :meth:`transaction`."""

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        self.conn: sqlite3.Connection = connect(self.path, readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolls back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # runs -------------------------------------------------------------------
    def start_run(self, publisher: str, system: str, cursors: dict[str, str]) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (publisher, system, started_at, cursor_before) VALUES (?,?,?,?)",
                (publisher, system, utc_now(), json.dumps(cursors, sort_keys=True)))
            return int(cur.lastrowid)

    def add_to_run(self, run_id: int, **counts: int) -> None:
        """Add to a run's counters (inside the caller's transaction)."""
        sets = ", ".join(f"{name} = {name} + ?" for name in counts)
        self.conn.execute(f"UPDATE runs SET {sets} WHERE id = ?", (*counts.values(), run_id))

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None:
        cursors = self.cursors(self.run(run_id)["publisher"])
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET status=?, finished_at=?, error=?, cursor_after=? "
                         "WHERE id=?", (status, utc_now(), error,
                                        json.dumps(cursors, sort_keys=True), run_id))

    def run(self, run_id: int) -> dict[str, Any]:
        return self.query_one("SELECT * FROM runs WHERE id = ?", (run_id,))

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))

    # payloads and cursors --------------------------------------------------------
    def keep_payload(self, run_id: int, url: str, body: bytes, media_type: str, status: int,
                     sha256: str, fetched_at: str) -> None:
        """Keep a body once by its SHA-256 and note this fetch of it (caller's transaction)."""
        self.conn.execute(
            "INSERT OR IGNORE INTO raw_payloads VALUES (?,?,?,?,?,?,?,?)",
            (sha256, len(body), media_type, "zlib", zlib.compress(body, 1), run_id, url,
             fetched_at))
        self.conn.execute("INSERT INTO fetches (run_id, url, status, sha256, fetched_at) "
                          "VALUES (?,?,?,?,?)", (run_id, url, status, sha256, fetched_at))

    def payload(self, sha256: str) -> bytes | None:
        row = self.conn.execute("SELECT compression, body FROM raw_payloads WHERE sha256=?",
                                (sha256,)).fetchone()
        if row is None:
            return None
        return zlib.decompress(row[1]) if row[0] == "zlib" else row[1]

    def cursors(self, publisher: str) -> dict[str, str]:
        rows = self.conn.execute("SELECT stream, cursor FROM cursors WHERE publisher=?",
                                 (publisher,))
        return dict(rows.fetchall())

    def save_cursor(self, publisher: str, stream: str, cursor: str, run_id: int) -> None:
        """Save a cursor (caller's transaction, the same as the records it covers)."""
        self.conn.execute("INSERT OR REPLACE INTO cursors VALUES (?,?,?,?,?)",
                          (publisher, stream, cursor, run_id, utc_now()))

    # records -----------------------------------------------------------------
    def apply(self, run_id: int, items: list[Accepted]) -> Outcome:
        return apply_records(self.conn, run_id, items, utc_now())

    def next_seq(self) -> int:
        """The seq the next log entry will get."""
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM log").fetchone()[0]

    def by_source_ref(self, source_ref: str) -> dict[str, Any] | None:
        """The latest log entry that came from a registry event, e.g. ``registry:seq:10002``."""
        return self.query_one("SELECT * FROM log WHERE source_ref=? AND source_ref GLOB "
                              "'registry:*' ORDER BY seq DESC LIMIT 1", (source_ref,))

    def current(self, kind: str, key: str) -> dict[str, Any] | None:
        """The current version of a record, as stored (``_record`` holds its canonical JSON)."""
        return self.query_one(f'SELECT * FROM "{current_table(kind)}" WHERE _key=?', (key,))

    def history(self, kind: str, key: str) -> list[dict[str, Any]]:
        """Every version of a record, oldest first, with the reason for each change."""
        return self.query("SELECT seq, version, op, sha256, run_id, recorded_at, supersedes, "
                         "reason, source_ref, record FROM log WHERE kind=? AND key=? "
                         "ORDER BY version", (kind, key))

    def as_of(self, kind: str, key: str, moment: str) -> dict[str, Any] | None:
        """The version of a record that was current at ``moment`` (ISO 8601, UTC)."""
        return self.query_one("SELECT * FROM log WHERE kind=? AND key=? AND recorded_at<=? "
                         "ORDER BY version DESC LIMIT 1", (kind, key, moment))

    # quarantine and findings ---------------------------------------------------------
    def quarantine(self, run_id: int, publisher: str, kind: str, source_ref: str,
                   data: Any, issues: list[dict[str, Any]], payload_sha256: str | None) -> None:
        """Keep a rejected record with its typed issues; a re-delivery counts as seen again."""
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        first, now = issues[0], utc_now()
        self.conn.execute(
            "INSERT INTO quarantine (publisher, kind, source_ref, error_type, field, message_en, "
            "message_zh, errors, data, data_sha256, payload_sha256, first_run_id, last_run_id, "
            "first_seen_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT(source_ref, data_sha256) DO UPDATE SET last_run_id=excluded.last_run_id,"
            " last_seen_at=excluded.last_seen_at, times_seen=times_seen+1",
            (publisher, kind, source_ref, first["type"], first.get("field"), first["message_en"],
             first["message_zh"], json.dumps(issues, ensure_ascii=False), text,
             sha256_text(text), payload_sha256, run_id, run_id, now, now))

    def record_findings(self, run_id: int | None, findings: list[dict[str, Any]],
                        now: str | None = None) -> int:
        """Upsert findings keyed by (check_id, kind, key, field); a finding seen again is
        open again. Returns how many were recorded."""
        now = now or utc_now()
        rows = [(f["check_id"], f.get("severity", "warning"), f["kind"], f["key"],
                 f.get("field", "") or "", f["message_en"], f["message_zh"],
                 json.dumps(f.get("detail"), ensure_ascii=False, default=str),
                 run_id, run_id, now, now) for f in findings]
        self.conn.executemany(
            "INSERT INTO findings (check_id, severity, kind, key, field, message_en, message_zh,"
            " detail, first_run_id, last_run_id, first_seen_at, last_seen_at) VALUES "
            "(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(check_id, kind, key, field) DO UPDATE SET "
            "last_run_id=excluded.last_run_id, last_seen_at=excluded.last_seen_at, "
            "message_en=excluded.message_en, message_zh=excluded.message_zh, "
            "detail=excluded.detail, resolved_at=NULL, resolved_run_id=NULL", rows)
        return len(rows)

    def resolve_findings(self, run_id: int | None, check_id: str, seen_at: str,
                         scope_sql: str = "", args: dict[str, Any] | None = None) -> int:
        """Close the open findings of a check that its run at ``seen_at`` did not find again.

        ``scope_sql`` limits this to the keys the check looked at (for incremental checks).
        Findings are never deleted; a closed finding keeps when and by which run it closed.
        """
        cur = self.conn.execute(
            "UPDATE findings SET resolved_at=:now, resolved_run_id=:run WHERE check_id=:check "
            f"AND resolved_at IS NULL AND last_seen_at < :now {scope_sql}",
            {"now": seen_at, "run": run_id, "check": check_id, **(args or {})})
        return cur.rowcount

    def quarantined(self, limit: int = 100, publisher: str | None = None) -> list[dict[str, Any]]:
        where, args = ("WHERE publisher=?", (publisher,)) if publisher else ("", ())
        return self.query(f"SELECT * FROM quarantine {where} ORDER BY id DESC LIMIT ?",
                         (*args, limit))

    def quarantine_summary(self) -> list[dict[str, Any]]:
        return self.query("SELECT publisher, kind, error_type, COUNT(*) AS records, "
                         "SUM(times_seen) AS times_seen FROM quarantine "
                         "GROUP BY publisher, kind, error_type ORDER BY publisher, records DESC")

    def findings_summary(self) -> list[dict[str, Any]]:
        return self.query("SELECT check_id, severity, kind, COUNT(*) AS findings FROM findings "
                          "WHERE resolved_at IS NULL GROUP BY check_id, severity, kind "
                          "ORDER BY findings DESC")

    def counts(self) -> dict[str, int]:
        """Current (not retracted) records per kind."""
        return {kind: self.conn.execute(
            f'SELECT COUNT(*) FROM "{current_table(kind)}" WHERE _retracted=0').fetchone()[0]
            for kind in schemas.KINDS}

    # helpers -------------------------------------------------------------------------
    def query(self, sql: str, args: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def query_one(self, sql: str, args: tuple[Any, ...] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, args)
        return rows[0] if rows else None
