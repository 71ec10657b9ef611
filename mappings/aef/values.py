"""Value helpers shared by the builder, writers, importer and checks (dates, NA, integers)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from mappings.aef.model import NA

DMY_RE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
NA_SPELLINGS = {"na", "n/a", "not applicable", "n.a.", "-"}


def local_date(value: str | date | datetime) -> date:
    """Return the calendar date of an ISO date or date-time string, in its own offset.

    Registry times carry ``+08:00``; the date printed in the AEF is the registry's local date.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def to_dmy(value: str | date | datetime | None) -> str | None:
    """Format a date as ``dd/mm/yyyy`` (None stays None)."""
    if value is None:
        return None
    return local_date(value).strftime("%d/%m/%Y")


def parse_dmy(value: Any) -> date | None:
    """Parse a strict ``dd/mm/yyyy`` string into a date; None if it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DMY_RE.match(str(value).strip()) if value is not None else None
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dmy_to_iso(value: Any) -> Any:
    """Return ``yyyy-mm-dd`` for a valid ``dd/mm/yyyy`` value, else the value unchanged."""
    parsed = parse_dmy(value)
    return parsed.isoformat() if parsed else value


def is_blank(value: Any) -> bool:
    """True for None or whitespace-only strings."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_na(value: Any) -> bool:
    """True for 'NA' and its common spellings (N/A, Not applicable)."""
    return isinstance(value, str) and value.strip().casefold() in NA_SPELLINGS


def as_int(value: Any) -> int | None:
    """Return an int for ints, integral floats and digit strings (commas allowed), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.isdigit():
            return int(text)
    return None


def na_or(value: Any) -> Any:
    """Return ``value`` unless it is blank, in which case return ``NA``."""
    return NA if is_blank(value) else value
