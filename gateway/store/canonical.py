"""Canonical JSON for records: the form that is hashed, logged and compared."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import orjson


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


# orjson writes the same text as _CANONICAL, five times faster, for every value it takes
# without help except floats (it spells exponents its own way: 1e-7, not 1e-07). Dates and
# subclasses of str, int, dict and list are passed to ``json_default``; what that refuses
# (a time, a str subclass, an int beyond 64 bits, a lone surrogate) makes orjson raise,
# and the standard encoder, whose text is the canonical form, writes that record instead.
_ORJSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                   | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS)


def canonical_json(record: dict[str, Any]) -> str:
    """Sorted keys, no whitespace, UTF-8 text; decimals as strings, dates in ISO 8601."""
    if _floatless(record):
        try:
            return orjson.dumps(record, default=json_default, option=_ORJSON_OPTIONS).decode()
        except orjson.JSONEncodeError:  # also what json_default raised inside dumps
            pass
    return _CANONICAL.encode(record)


_CONTAINERS_AND_FLOAT = frozenset({dict, list, tuple, float})


def _floatless(record: dict[str, Any]) -> bool:
    """Whether no float is nested anywhere in ``record``."""
    if _CONTAINERS_AND_FLOAT.isdisjoint(map(type, record.values())):
        return True  # the usual flat record: one pass in C
    return all(_floatless_value(v) for v in record.values())


def _floatless_value(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return _floatless(value)
    if kind is list or kind is tuple:
        return all(_floatless_value(v) for v in value)
    return kind is not float


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
