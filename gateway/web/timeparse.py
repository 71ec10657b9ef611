"""Parsing ``as_of`` moments into the store's time format (UTC, ISO 8601, microseconds)."""

from __future__ import annotations

import datetime as dt
import re

from .problems import Problem

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The forms ``as_of`` takes, as the OpenAPI document declares them: a date, or an ISO 8601
# date-time in extended form, with an optional fraction (to microseconds) and offset.
AS_OF_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"
_AS_OF = re.compile(AS_OF_PATTERN)


def as_of_moment(text: str) -> str:
    """``YYYY-MM-DD`` (the end of that day, UTC) or an ISO 8601 date-time (UTC unless it
    carries an offset), as the store writes ``recorded_at``; 400 if it is neither."""
    text = text.strip().replace(" ", "+")  # an unencoded '+' of an offset arrives as ' '
    try:
        if not _AS_OF.match(text):
            raise ValueError(text)
        if _DATE.match(text):
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max, dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
            moment = moment.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        raise Problem(400, f"as_of {text!r} is not YYYY-MM-DD or an ISO 8601 date-time.",
                      "as_of 应为 YYYY-MM-DD 或 ISO 8601 日期时间。", slug="as-of",
                      errors={"query": {"as_of": ["not a date or date-time"]}}) from None
    return moment.isoformat(timespec="microseconds")
