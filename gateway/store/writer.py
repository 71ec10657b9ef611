"""Writing accepted records: the append-only log and the current tables, in batches.

The caller holds the transaction; :func:`apply_records` only decides, for each record,
whether it is new, a changed version, or unchanged, and writes accordingly.

A current table's typed columns are not computed in Python: its upsert extracts each from
the record's canonical JSON (``json_extract`` in the same INSERT), so the columns can never
disagree with ``_record``, and the validation workers send back only the JSON and its hash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .canonical import canonical_json, sha256_text
from .ddl import column_types, current_table


@dataclass(slots=True)
class Accepted:
    """A validated record ready to be stored."""

    kind: str
    key: str
    record: dict[str, Any] | None  # None when ``text``, ``sha256`` and ``values`` are given
    source_ref: str
    payload_sha256: str | None = None
    reason: str | None = None  # why a changed version supersedes the previous one
    retract: bool = False      # withdraw this key (a correction moved the record)
    text: str | None = None    # the canonical JSON, when already computed,
    sha256: str | None = None  # and its hash


@dataclass(slots=True)
class Outcome:
    new_versions: int = 0
    unchanged: int = 0
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, key, op)


class _KindWriter:
    """Prepared SQL for one kind's current table."""

    def __init__(self, kind: str):
        types = column_types(kind)
        table = current_table(kind)
        meta = ["_key", "_version", "_seq", "_sha256", "_run_id", "_updated_at", "_retracted",
                "_record"]
        names = [*meta, *types]
        record = f"?{meta.index('_record') + 1}"
        extracted = [_extract(record, name, types[name]) for name in types]
        quoted = ", ".join(f'"{n}"' for n in names)
        updates = ", ".join(f'"{n}"=excluded."{n}"' for n in names[1:])
        placeholders = ", ".join([*(f"?{i}" for i in range(1, len(meta) + 1)), *extracted])
        self.upsert = (f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})'
                       f" ON CONFLICT(_key) DO UPDATE SET {updates}")
        self.lookup = f'SELECT _key, _sha256, _version, _seq, _retracted FROM "{table}" WHERE _key IN '


def _extract(record: str, name: str, sql_type: str) -> str:
    """The SQL that reads one column out of the record's canonical JSON: decimals (sent
    as text, to stay exact) become REAL, booleans 0/1, lists and objects JSON text."""
    if not name.isidentifier():
        raise ValueError(f"field name {name!r} cannot be a JSON path")
    value = f"json_extract({record}, '$.{name}')"
    return f"CAST({value} AS REAL)" if sql_type == "REAL" else value


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
            text, sha = item.text, item.sha256
            if text is None or sha is None:
                text = canonical_json(item.record or {})
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
            current_rows.append((item.key, version, seq, sha, run_id, now,
                                 int(op == "retract"), text))
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
