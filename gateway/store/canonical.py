"""Canonical JSON for records: the form that is hashed, logged and compared."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any


def json_default(value: Any) -> Any:
    """``json.dumps(default=…)`` for decimals (as text) and dates (ISO 8601)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} to canonical JSON")


def jsonable(record: dict[str, Any]) -> dict[str, Any]:
    """The record with top-level decimals and dates as text (nested values stay as they are)."""
    out = {}
    for name, value in record.items():
        kind = type(value)
        if kind is Decimal:
            value = str(value)
        elif kind is dt.date or kind is dt.datetime:
            value = value.isoformat()
        out[name] = value
    return out


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                              default=json_default)


def canonical_json(record: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text; decimals as strings, dates in ISO 8601."""
    return _CANONICAL.encode(record)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def csv_cell(value: Any) -> str:
    """A value as one CSV cell: empty for None, true/false, compact JSON for lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)
    return str(value)
