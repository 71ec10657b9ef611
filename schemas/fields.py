"""Fields for disclosure schemas, and the metadata every field declares.

Every field says in its metadata who may see it (``tier``: public, partner or agency),
its unit where it has one, and its label in Chinese and English; see :func:`meta`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import fields

from .codelists import codelist
from .issues import typed_error
from .normalize import number_text
from .uscc import is_well_formed

TIERS = ("public", "partner", "agency")
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
WITHHELD_TEXT = "涉密"


class _Withheld:
    """The value of a cell withheld as a commercial or state secret (涉密)."""

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = _Withheld()


def meta(zh: str, en: str, tier: str = "public", unit: str | None = None,
         **extra: Any) -> dict[str, Any]:
    """Field metadata: bilingual label, access tier and unit."""
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}, not {tier!r}")
    return {"label": {"zh": zh, "en": en}, "tier": tier, "unit": unit, **extra}


def _parse_decimal(value: Any) -> tuple[Decimal, bool]:
    if isinstance(value, bool):
        raise typed_error("invalid-number", "expected a number, got a boolean",
                          "应为数字，收到布尔值")
    if isinstance(value, int | Decimal):
        return Decimal(value), False
    if isinstance(value, float):
        return Decimal(repr(value)), False
    if not isinstance(value, str):
        raise typed_error("invalid-number", f"expected a number, got {value!r}",
                          f"应为数字，收到 {value!r}")
    text, changed = number_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise typed_error("invalid-number", f"{value!r} is not a number",
                          f"{value!r} 不是有效数字") from None
    if not number.is_finite():
        raise typed_error("invalid-number", f"{value!r} is not a finite number",
                          f"{value!r} 不是有限数字")
    return number, changed


class Quantity(fields.Field):
    """Whole tonnes (or another count): a non-negative integer.

    Accepts JSON integers and text with full-width digits or thousands separators.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        number, _ = _parse_decimal(value)
        if number != number.to_integral_value():
            raise typed_error("not-integer", f"{value!r} is not a whole number",
                              f"{value!r} 不是整数")
        if number < 0:
            raise typed_error("negative-quantity", f"{value!r} is negative",
                              f"{value!r} 为负数")
        return int(number)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return value


class DecimalValue(fields.Field):
    """A decimal number, kept exact; ``places`` limits significant decimals."""

    def __init__(self, places: int | None = None, signed: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.places = places
        self.signed = signed

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        number, _ = _parse_decimal(value)
        if not self.signed and number < 0:
            raise typed_error("negative-value", f"{value!r} is negative", f"{value!r} 为负数")
        if self.places is not None:
            exact = number.quantize(Decimal(1).scaleb(-self.places))
            if exact != number:
                raise typed_error(
                    "too-many-decimals",
                    f"{value!r} has more than {self.places} decimals; CNY amounts have "
                    f"{self.places}",
                    f"{value!r} 小数位超过 {self.places} 位")
            number = exact
        return number

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)


class Money(DecimalValue):
    """CNY with 2 decimals, sent as text."""

    def __init__(self, **kwargs: Any):
        super().__init__(places=2, **kwargs)


class Withholdable(fields.Field):
    """A cell that may hold 涉密 (withheld as a secret) instead of a value."""

    def __init__(self, inner: fields.Field, **kwargs: Any):
        super().__init__(**kwargs)
        self.inner = inner

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and value.strip() == WITHHELD_TEXT:
            return WITHHELD
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return self.inner.deserialize(value, attr, data, **kwargs)


class StrictDate(fields.Field):
    """A calendar date written exactly as YYYY-MM-DD."""

    _PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if not isinstance(value, str) or not self._PATTERN.match(value.strip()):
            raise typed_error("invalid-date", f"{value!r} is not a date in YYYY-MM-DD form",
                              f"{value!r} 不是 YYYY-MM-DD 格式的日期")
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise typed_error("invalid-date", f"{value!r} is not a real calendar date",
                              f"{value!r} 不是有效的日历日期") from None


class LocalDateTime(fields.Field):
    """An ISO 8601 date-time; one without an offset is China time (UTC+8)."""

    _PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                          r"(Z|[+-]\d{2}:\d{2})?$")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str) or not self._PATTERN.match(value.strip()):
            raise typed_error("invalid-date",
                              f"{value!r} is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS)",
                              f"{value!r} 不是 ISO 8601 日期时间")
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise typed_error("invalid-date", f"{value!r} is not a real date-time",
                              f"{value!r} 不是有效的日期时间") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


class YearMonth(fields.String):
    """A month written YYYY-MM."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", text):
            raise typed_error("invalid-date", f"{value!r} is not a month in YYYY-MM form",
                              f"{value!r} 不是 YYYY-MM 格式的月份")
        return text


class Year(Quantity):
    """A calendar year between 2005 and 2100."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        year = super()._deserialize(value, attr, data, **kwargs)
        if not 2005 <= year <= 2100:
            raise typed_error("invalid-year", f"{value!r} is not a plausible year",
                              f"{value!r} 不是合理的年份")
        return year


class Uscc(fields.String):
    """A Unified Social Credit Code: 18 characters of the GB 32100 alphabet.

    A wrong check character is not an error here (official data has such codes):
    the schema reports it as a warning and the record is kept.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not is_well_formed(text):
            raise typed_error(
                "invalid-uscc",
                f"{value!r} is not a USCC: 18 characters from 0-9 and A-Y without I, O, S, V, Z",
                f"{value!r} 不是统一社会信用代码：应为18位，由数字和除I、O、S、V、Z外的大写字母组成")
        return text


class Code(fields.String):
    """A value from a code list; known alternative spellings become the notation.

    Unknown values are kept as sent and reported as a warning by the schema.
    """

    def __init__(self, scheme: str, **kwargs: Any):
        metadata = kwargs.pop("metadata", {})
        super().__init__(metadata={**metadata, "codelist": scheme}, **kwargs)
        self.scheme = scheme

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise typed_error("missing-field", "empty code", "代码为空")
        return codelist(self.scheme).normalise(text) or text


class CodeListText(fields.String):
    """A comma-separated list of codes (e.g. ``CHE,SGP``), loaded as a list."""

    def __init__(self, scheme: str, **kwargs: Any):
        metadata = kwargs.pop("metadata", {})
        super().__init__(metadata={**metadata, "codelist": scheme, "many": True}, **kwargs)
        self.scheme = scheme

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        text = super()._deserialize(value, attr, data, **kwargs)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            raise typed_error("missing-field", "empty list of codes", "代码列表为空")
        return [codelist(self.scheme).normalise(p) or p for p in parts]


class OptionalText(fields.String):
    """Text that may be empty; empty text is loaded as None."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("load_default", None)
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        return text or None
