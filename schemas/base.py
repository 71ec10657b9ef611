"""The base of every disclosure schema, and record validation as a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError

from .codelists import codelist
from .fields import WITHHELD
from .issues import Issue, issues_from_messages
from .uscc import has_valid_check


class DisclosureSchema(Schema):
    """One disclosure kind: its fields (with tier, unit and labels) and natural key."""

    kind: ClassVar[str] = ""
    key_fields: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[dict[str, str]] = {}
    source: ClassVar[str] = ""

    class Meta:
        unknown = EXCLUDE

    @classmethod
    def natural_key(cls, record: dict[str, Any]) -> str:
        """The record's natural key: its key fields joined by ``/``."""
        return "/".join(str(record[name]) for name in cls.key_fields)


@dataclass(slots=True)
class Validation:
    """What validating one raw record found."""

    record: dict[str, Any] | None
    key: str | None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None


class RecordValidator:
    """Validates raw records of one kind with a reusable schema instance."""

    def __init__(self, schema_class: type[DisclosureSchema]):
        self.schema_class = schema_class
        self.schema = schema_class()
        fields_ = self.schema.fields.values()
        self.known_keys = {f.data_key or f.name for f in fields_ if not f.dump_only}
        self.uscc_fields = [f.name for f in fields_ if type(f).__name__ == "Uscc"]
        self.code_fields = [(f.name, f.metadata["codelist"]) for f in fields_
                            if "codelist" in f.metadata]
        self.withholdable = [f.name for f in fields_ if type(f).__name__ == "Withholdable"]

    def validate(self, data: dict[str, Any]) -> Validation:
        if not isinstance(data, dict):
            issue = Issue("invalid-type", "", "a record must be an object",
                          "记录必须是对象")
            return Validation(None, None, [issue])
        try:
            record = self.schema.load(data)
        except ValidationError as error:
            return Validation(None, None, issues_from_messages(error.messages))
        withheld = sorted(k for k in self.withholdable if record.get(k) is WITHHELD)
        for name in withheld:
            record[name] = None
        if withheld:
            record["withheld"] = withheld
        return Validation(record, self.schema_class.natural_key(record), [],
                          self._warnings(data, record))

    def _warnings(self, data: dict[str, Any], record: dict[str, Any]) -> list[Issue]:
        found = [] if data.keys() <= self.known_keys else \
            [_unexpected(name) for name in sorted(data.keys() - self.known_keys)]
        for name in self.uscc_fields:
            code = record.get(name)
            if code and not has_valid_check(code):
                found.append(_bad_check(name, code))
        for name, scheme in self.code_fields:
            values = record.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is not None and codelist(scheme).get(value) is None:
                    found.append(_unknown_code(name, scheme, value))
        return found


def _unexpected(name: str) -> Issue:
    return Issue("unexpected-field", name,
                 f"{name}: not in the interface specification; ignored (kept in the raw payload)",
                 f"{name}：接口规范中没有此字段，已忽略（原始报文中保留）", "warning")


def _bad_check(name: str, code: str) -> Issue:
    return Issue("uscc-check-character", name,
                 f"{name}: {code} fails the GB 32100 check character; kept as sent, "
                 "ask the source to confirm the code",
                 f"{name}：{code} 校验码不符合 GB 32100，已按原样保留，请向数据源核实",
                 "warning")


def _unknown_code(name: str, scheme: str, value: str) -> Issue:
    return Issue("unknown-code", name,
                 f"{name}: {value!r} is not in code list {scheme!r}; kept as sent",
                 f"{name}：{value!r} 不在代码表 {scheme!r} 中，已按原样保留", "warning")
