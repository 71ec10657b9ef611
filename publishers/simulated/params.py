"""Query-parameter validation; a bad parameter is a 400 with a bilingual message."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))


class HttpError(Exception):
    """An error answer: HTTP status and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad(name: str, rule: str, rule_zh: str) -> HttpError:
    return HttpError(400, f"invalid parameter {name}: {rule} / 参数 {name} 无效：{rule_zh}")


def int_param(query: dict[str, str], name: str, default: int | None, low: int, high: int) -> int:
    """An integer in ``low..high``; ``default`` when absent (required when None)."""
    text = query.get(name, "")
    if text == "" and default is not None:
        return default
    if not re.fullmatch(r"\d{1,12}", text) or not low <= int(text) <= high:
        raise bad(name, f"must be an integer {low}..{high}", f"须为 {low}..{high} 的整数")
    return int(text)


def date_param(query: dict[str, str], name: str, default: date) -> date:
    """A ``YYYY-MM-DD`` date, ``default`` when absent."""
    text = query.get(name, "")
    if text == "":
        return default
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise bad(name, "must be a date YYYY-MM-DD", "须为 YYYY-MM-DD 格式的日期") from None


def month_param(query: dict[str, str], name: str) -> str:
    """A required ``YYYY-MM`` month."""
    text = query.get(name, "")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise bad(name, "is required, as YYYY-MM", "必填，格式为 YYYY-MM")
    return text


def year_param(query: dict[str, str], name: str = "year") -> int:
    """A required four-digit year."""
    text = query.get(name, "")
    if not re.fullmatch(r"(19|20)\d{2}", text):
        raise bad(name, "is required, as a four-digit year", "必填，须为四位年份")
    return int(text)


def datetime_param(query: dict[str, str], name: str) -> datetime | None:
    """An ISO 8601 date or date-time (UTC+8 when it has no offset), or None when absent."""
    text = query.get(name, "")
    if text == "":
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise bad(name, "must be an ISO 8601 date-time", "须为 ISO 8601 日期时间") from None
    return value if value.tzinfo else value.replace(tzinfo=CST)


def pattern_param(query: dict[str, str], name: str, pattern: str, example: str) -> str | None:
    """A value matching ``pattern``, or None when absent or empty."""
    text = query.get(name, "")
    if text == "":
        return None
    if not re.fullmatch(pattern, text):
        raise bad(name, f"must look like {example}", f"格式须如 {example}")
    return text
