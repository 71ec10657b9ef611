"""Tables of the working store (``gateway.db``).

The disclosure log and the raw payloads are append-only: triggers refuse UPDATE and
DELETE, so that "nothing is ever deleted" holds for every writer, not just ours.
"""

from __future__ import annotations

from typing import Any

import schemas

SCHEMA_VERSION = 2  # 2: current-table indexes end with _key (see INDEXES)

CORE_DDL = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, publisher TEXT NOT NULL, system TEXT NOT NULL,
  started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL DEFAULT 'running',
  fetched INTEGER NOT NULL DEFAULT 0, accepted INTEGER NOT NULL DEFAULT 0,
  new_versions INTEGER NOT NULL DEFAULT 0, unchanged INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0, payloads INTEGER NOT NULL DEFAULT 0,
  cursor_before TEXT, cursor_after TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS raw_payloads (
  sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT NOT NULL,
  compression TEXT NOT NULL, body BLOB NOT NULL, first_run_id INTEGER NOT NULL,
  first_url TEXT NOT NULL, first_fetched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetches (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, url TEXT NOT NULL,
  status INTEGER NOT NULL, sha256 TEXT NOT NULL REFERENCES raw_payloads(sha256),
  fetched_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fetches_run ON fetches(run_id);
CREATE TABLE IF NOT EXISTS log (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('add', 'correct', 'retract')),
  sha256 TEXT NOT NULL, run_id INTEGER NOT NULL, recorded_at TEXT NOT NULL,
  supersedes INTEGER, reason TEXT, source_ref TEXT, payload_sha256 TEXT,
  record TEXT NOT NULL, UNIQUE (kind, key, version));
-- Only registry events can be superseded by a later event, so only they are looked up by ref.
CREATE INDEX IF NOT EXISTS log_registry_ref ON log(source_ref) WHERE source_ref GLOB 'registry:*';
CREATE INDEX IF NOT EXISTS log_kind_seq ON log(kind, seq);
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT, publisher TEXT NOT NULL, kind TEXT NOT NULL,
  source_ref TEXT NOT NULL, error_type TEXT NOT NULL, field TEXT, message_en TEXT NOT NULL,
  message_zh TEXT NOT NULL, errors TEXT NOT NULL, data TEXT NOT NULL, data_sha256 TEXT NOT NULL,
  payload_sha256 TEXT, first_run_id INTEGER NOT NULL, last_run_id INTEGER NOT NULL,
  first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, times_seen INTEGER NOT NULL DEFAULT 1,
  UNIQUE (source_ref, data_sha256));
CREATE INDEX IF NOT EXISTS quarantine_type ON quarantine(publisher, error_type);
CREATE TABLE IF NOT EXISTS findings (
  id INTEGER PRIMARY KEY AUTOINCREMENT, check_id TEXT NOT NULL, severity TEXT NOT NULL,
  kind TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL DEFAULT '',
  message_en TEXT NOT NULL, message_zh TEXT NOT NULL, detail TEXT,
  first_run_id INTEGER, last_run_id INTEGER, first_seen_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL, resolved_at TEXT, resolved_run_id INTEGER,
  UNIQUE (check_id, kind, key, field));
CREATE INDEX IF NOT EXISTS findings_check ON findings(check_id);
CREATE TABLE IF NOT EXISTS cursors (
  publisher TEXT NOT NULL, stream TEXT NOT NULL, cursor TEXT NOT NULL,
  run_id INTEGER NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (publisher, stream));
CREATE TRIGGER IF NOT EXISTS log_append_only_update BEFORE UPDATE ON log
  BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only: add a new version instead'); END;
CREATE TRIGGER IF NOT EXISTS log_append_only_delete BEFORE DELETE ON log
  BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only: add a retraction instead'); END;
CREATE TRIGGER IF NOT EXISTS raw_payloads_immutable_update BEFORE UPDATE ON raw_payloads
  BEGIN SELECT RAISE(ABORT, 'raw payloads are immutable'); END;
CREATE TRIGGER IF NOT EXISTS raw_payloads_immutable_delete BEFORE DELETE ON raw_payloads
  BEGIN SELECT RAISE(ABORT, 'raw payloads are immutable'); END;
"""

_SQL_TYPES = {"Quantity": "INTEGER", "Year": "INTEGER", "Integer": "INTEGER",
              "Boolean": "INTEGER", "DecimalValue": "REAL", "Money": "REAL"}

# The indexes of the current tables, per kind: the columns the API filters or sorts on,
# most followed by ``_key``. Lists are in key order by default, so a filtered list then
# walks its index in key order and stops at the page limit, instead of sorting every
# matching row (which grows with the store). A trade's buyer and seller stay narrow: their
# values arrive in no order, which makes them the ingest's costliest index writes, and a
# wider entry cost ~7 µs of system time per trade (bench/ingest.py --http); a list of one
# party's trades sorts that party's trades.
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "entity": [("uscc", "_key"), ("list_year", "sector", "_key"), ("province_code", "_key")],
    "emission_report": [("uscc", "_key"), ("year", "_key"), ("province_code", "_key"),
                        ("industry_code", "_key")],
    "key_parameter": [("uscc", "month", "_key"), ("month", "_key")],
    "allocation": [("uscc", "_key"), ("vintage", "_key")],
    "surrender": [("uscc", "compliance_year", "_key"), ("compliance_year", "_key")],
    "compliance": [("uscc", "_key"), ("compliance_year", "status", "_key")],
    "trade": [("trade_date", "_key"), ("subject_code", "trade_date", "_key"), ("buy_uscc",),
              ("sell_uscc",)],
    "market_day": [("trade_date", "_key"), ("subject_code", "trade_date", "_key")],
    "pledge": [("pledgor_uscc", "_key"), ("pledgee_uscc", "_key"), ("status", "_key")],
    "pledge_event": [("pledge_id", "_key")],
    "cancellation": [("uscc", "_key")],
    "ccer_project": [("status", "_key"), ("owner_uscc", "_key"), ("methodology", "_key")],
    "ccer_issuance": [("project_id", "serial_start", "_key")],
    "ccer_cancellation": [("project_id", "serial_start", "_key"), ("holder_uscc", "_key")],
    "a6_authorization": [("cooperative_approach_id", "_key")],
    "a6_transfer": [("authorization_id", "_key"), ("acquiring_party", "_key")],
}

# Derived columns the pipeline maintains (not sent by any source, not in the log).
DERIVED = {"pledge": {"status": "TEXT", "released_quantity": "INTEGER",
                      "enforced_quantity": "INTEGER"}}


def current_table(kind: str) -> str:
    return f"current_{kind}"


def column_types(kind: str) -> dict[str, str]:
    """SQLite column types of a kind's current table, from its schema."""
    return {spec["name"]: _SQL_TYPES.get(spec["type"], "TEXT")
            for spec in schemas.field_specs(kind)}


def current_table_ddl(kind: str) -> list[str]:
    cols = {**column_types(kind), **DERIVED.get(kind, {})}
    body = ",\n  ".join(f'"{name}" {sql}' for name, sql in cols.items())
    table = current_table(kind)
    statements = [
        f'CREATE TABLE IF NOT EXISTS "{table}" (\n  _key TEXT PRIMARY KEY, _version INTEGER NOT '
        f"NULL, _seq INTEGER NOT NULL, _sha256 TEXT NOT NULL, _run_id INTEGER NOT NULL,\n"
        f"  _updated_at TEXT NOT NULL, _retracted INTEGER NOT NULL DEFAULT 0, _record TEXT NOT "
        f"NULL,\n  {body})"]
    for name, columns in current_indexes(kind).items():
        cols_sql = ", ".join(f'"{c}"' for c in columns)
        statements.append(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols_sql})')
    return statements


def current_indexes(kind: str) -> dict[str, tuple[str, ...]]:
    """The indexes of a kind's current table (``INDEXES``), by name."""
    return {f"{current_table(kind)}_{'_'.join(c.strip('_') for c in columns)}": columns
            for columns in INDEXES.get(kind, [])}


def all_ddl() -> list[str]:
    statements = [s for s in CORE_DDL.split(";\n") if s.strip()]
    for kind in schemas.KINDS:
        statements += current_table_ddl(kind)
    return statements


def describe() -> dict[str, Any]:
    """A summary of the store's tables, for docs and ``gateway init --json``."""
    return {"schema_version": SCHEMA_VERSION,
            "current_tables": [current_table(k) for k in schemas.KINDS]}
