"""Writing accepted records: the append-only log and the current tables, in batches.

The caller holds the transaction; :func:`apply_records` only decides, for each record,
whether it is new, a changed version, or unchanged, and writes accordingly.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .canonical import canonical_json, json_default, jsonable, sha256_text
from .ddl import column_types, current_table


@dataclass(slots=True)
class Accepted:
    """A validated record ready to be stored."""

    kind: str
    key: str
    record: dict[str, Any]
    source_ref: str
    payload_sha256: str | None = None
    reason: str | None = None  # why a changed version supersedes the previous one
    retract: bool = False      # withdraw this key (a correction moved the record)
    text: str | None = None    # the canonical JSON, when already computed (then ``record``
    sha256: str | None = None  # must be its plain, JSON-ready form) and its hash


@dataclass(slots=True)
class Outcome:
    new_versions: int = 0
    unchanged: int = 0
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key, op)


class _KindWriter:
    """Prepared SQL for one kind's current table."""

    def __init__(self, kind: str):
        types = column_types(kind)
        self.columns = list(types)
        self.real = [i for i, c in enumerate(self.columns) if types[c] == "REAL"]
        table = current_table(kind)
        names = ["_key", "_version", "_seq", "_sha256", "_run_id", "_updated_at", "_retracted",
                 "_record", *self.columns]
        quoted = ", ".join(f'"{n}"' for n in names)
        updates = ", ".join(f'"{n}"=excluded."{n}"' for n in names[1:])
        self.upsert = (f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
                       f" ON CONFLICT(_key) DO UPDATE SET {updates}")
        self.lookup = f'SELECT _key, _sha256, _version, _seq, _retracted FROM "{table}" WHERE _key IN '

    def row(self, key: str, version: int, seq: int, sha: str, run_id: int, now: str,
            retracted: bool, text: str, record: dict[str, Any]) -> tuple[Any, ...]:
        """The current-table row; ``record`` is the jsonable form of the record."""
        values = [record.get(c) for c in self.columns]
        for i, value in enumerate(values):
            if type(value) is list or type(value) is dict:
                values[i] = json.dumps(value, ensure_ascii=False, default=json_default)
            elif type(value) is bool:
                values[i] = int(value)
        for i in self.real:
            if values[i] is not None:
                values[i] = float(values[i])
        return (key, version, seq, sha, run_id, now, int(retracted), text, *values)



@cache
def _writer(kind: str) -> _KindWriter:
    return _KindWriter(kind)


def current_state(conn: sqlite3.Connection, kind: str,
                  keys: Iterable[str]) -> dict[str, tuple[str, int, int, int]]:
    """key -> (sha256, version, seq, retracted) for the keys that have a current row."""
    writer, found = _writer(kind), {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 900):
        chunk = unique[start:start + 900]
        sql = writer.lookup + f"({', '.join('?' * len(chunk))})"
        for key, sha, version, seq, retracted in conn.execute(sql, chunk):
            found[key] = (sha, version, seq, retracted)
    return found


def _next_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM log").fetchone()[0]


def apply_records(conn: sqlite3.Connection, run_id: int, items: list[Accepted],
                  now: str) -> Outcome:
    """Write each record that is new or changed; count the unchanged. Caller commits."""
    outcome, seq = Outcome(), _next_seq(conn)
    log_rows: list[tuple[Any, ...]] = []
    by_kind: dict[str, list[Accepted]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    for kind, group in by_kind.items():
        writer = _writer(kind)
        state = current_state(conn, kind, (i.key for i in group))
        current_rows = []
        for item in group:
            if item.text is not None and item.sha256 is not None:
                plain, text, sha = item.record, item.text, item.sha256
            else:
                plain = jsonable(item.record)
                text = canonical_json(plain)
                sha = sha256_text(text)
            previous = state.get(item.key)
            op = _operation(item, sha, previous)
            if op is None:
                outcome.unchanged += not item.retract
                continue
            version = previous[1] + 1 if previous else 1
            supersedes = previous[2] if previous else None
            reason = item.reason or _default_reason(op, item)
            log_rows.append((seq, kind, item.key, version, op, sha, run_id, now, supersedes,
                             reason, item.source_ref, item.payload_sha256, text))
            current_rows.append(writer.row(item.key, version, seq, sha, run_id, now,
                                           op == "retract", text, plain))
            state[item.key] = (sha, version, seq, int(op == "retract"))
            outcome.new_versions += 1
            outcome.changed.append((kind, item.key, op))
            seq += 1
        if current_rows:
            conn.executemany(writer.upsert, current_rows)
    if log_rows:
        conn.executemany("INSERT INTO log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", log_rows)
    return outcome


def _operation(item: Accepted, sha: str,
               previous: tuple[str, int, int, int] | None) -> str | None:
    if item.retract:
        return None if previous is None or previous[3] else "retract"
    if previous is None:
        return "add"
    if previous[0] == sha and not previous[3]:
        return None
    return "correct"


def _default_reason(op: str, item: Accepted) -> str | None:
    if op == "correct":
        return f"the source sent different content for this record ({item.source_ref})"
    if op == "retract":
        return f"withdrawn by the source ({item.source_ref})"
    return None
