"""List queries on the current tables: filters, sort and keyset pagination.

Pages are cut by keyset on ``(sort column, _key)`` (or ``_key`` alone), never by
OFFSET: the cursor carries the last row's sort value and key, so page 10,000 costs the
same as page 1. The total is counted only when asked for.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from gateway.store.ddl import current_table

from .kinds import Filter, KindSpec
from .problems import Problem

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


@dataclass
class ListQuery:
    """A parsed list request."""

    spec: KindSpec
    filters: list[tuple[Filter, Any]] = field(default_factory=list)
    sort: str = "_key"
    descending: bool = False
    after: tuple[Any, str] | None = None
    limit: int = DEFAULT_LIMIT

    def where(self) -> tuple[list[str], list[Any]]:
        """The WHERE clauses of the filters (not the cursor) and their arguments."""
        clauses, args = ['"_retracted" = 0'], []
        for flt, value in self.filters:
            column = f'"{flt.column}"'
            if flt.op == "in":
                clauses.append(f"{column} IN ({', '.join('?' * len(value))})")
                args.extend(value)
            else:
                clauses.append(f"{column} {_OPS[flt.op]} ?")
                args.append(_bind(flt, value))
        return clauses, args

    def page_sql(self, select: str) -> tuple[str, list[Any]]:
        clauses, args = self.where()
        direction, cmp = ("DESC", "<") if self.descending else ("ASC", ">")
        if self.sort == "_key":
            order = f"_key {direction}"
            if self.after is not None:
                clauses.append(f"_key {cmp} ?")
                args.append(self.after[1])
        else:
            order = f'"{self.sort}" {direction}, _key {direction}'
            if self.after is not None:
                clauses.append(f'("{self.sort}", _key) {cmp} (?, ?)')
                args.extend(self.after)
        table = current_table(self.spec.kind)
        sql = (f'SELECT {select} FROM "{table}" WHERE {" AND ".join(clauses)} '
               f"ORDER BY {order} LIMIT ?")
        return sql, [*args, self.limit + 1]

    def count_sql(self) -> tuple[str, list[Any]]:
        clauses, args = self.where()
        table = current_table(self.spec.kind)
        return f'SELECT COUNT(*) FROM "{table}" WHERE {" AND ".join(clauses)}', args

    def sort_param(self) -> str:
        return ("-" if self.descending else "") + ("key" if self.sort == "_key" else self.sort)


_OPS = {"eq": "=", "ge": ">=", "le": "<="}


def _bind(flt: Filter, value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        text = value.isoformat()
        # event times are stored with their offset: a date bound covers the whole day
        if flt.type == "LocalDateTime":
            return text + ("T23:59:59.999999+23:59" if flt.op == "le" else "")
        return text
    return value


def encode_cursor(sort: str, value: Any, key: str) -> str:
    raw = json.dumps([sort, value, key], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(text: str, sort: str) -> tuple[Any, str]:
    """The (sort value, key) a cursor carries; 400 if it is not one of ours for this sort."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        found_sort, value, key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise Problem(400, "The 'after' cursor is not valid; use the 'next' link of a page.",
                      "after 游标无效，请使用上一页返回的 next 链接。", slug="cursor") from None
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        value = None
    if found_sort != sort or not isinstance(key, str) or isinstance(value, dict | list):
        raise Problem(400, "The 'after' cursor belongs to another sort order.",
                      "after 游标与当前排序方式不符。", slug="cursor")
    if value is None and sort != "_key":
        raise Problem(400, "The 'after' cursor is not valid.", "after 游标无效。", slug="cursor")
    return value, key
