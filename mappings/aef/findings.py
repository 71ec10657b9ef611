"""Typed findings returned by the AEF checks and the importer (never exceptions for bad data)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mappings.aef.codelists import check_catalogue

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem (or remark) about one cell, row or table of an AEF submission.

    ``row`` is the 1-based position of the row within its table (None for table-level findings);
    ``table`` is the table key (``actions``...) and ``field`` the exact template label.
    """

    check_id: str
    severity: str
    table: str | None
    row: int | None
    field: str | None
    message_en: str
    message_zh: str
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (for JSON reports)."""
        return asdict(self)


def finding(
    check_id: str,
    en: str,
    zh: str,
    *,
    table: str | None = None,
    row: int | None = None,
    field: str | None = None,
    severity: str | None = None,
    value: Any = None,
) -> Finding:
    """Build a Finding; severity defaults to the catalogue's severity for ``check_id``."""
    default = check_catalogue().get(check_id, {}).get("severity", "error")
    return Finding(check_id, severity or default, table, row, field, en, zh, value)


def not_run(check_id: str, reason_en: str, reason_zh: str) -> Finding:
    """An info finding saying that a check could not run on this input, and why."""
    return finding(check_id, f"{check_id} not run: {reason_en}", f"{check_id} 未执行：{reason_zh}", severity="info")
