"""Typed validation issues: what was wrong, in which field, in Chinese and English.

Like frictionless, validation returns a report of typed errors rather than raising:
every issue has a ``type`` slug a program can match on, the ``field`` it concerns and
a message in both languages that says what to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from marshmallow import ValidationError


@dataclass(frozen=True, slots=True)
class Issue:
    type: str
    field: str
    message_en: str
    message_zh: str
    severity: str = "error"  # "error" rejects the record; "warning" keeps it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def typed_error(type_: str, en: str, zh: str) -> ValidationError:
    """A marshmallow ValidationError carrying a typed, bilingual message."""
    return ValidationError({"type": type_, "en": en, "zh": zh})


# marshmallow's own messages, given a type slug and a Chinese translation.
_STANDARD = {
    "Missing data for required field.": ("missing-field", "缺少必填字段。"),
    "Field may not be null.": ("missing-field", "字段不能为空。"),
    "Not a valid integer.": ("invalid-number", "不是有效的整数。"),
    "Not a valid number.": ("invalid-number", "不是有效的数字。"),
    "Not a valid string.": ("invalid-type", "不是有效的字符串。"),
    "Not a valid boolean.": ("invalid-type", "不是有效的布尔值。"),
    "Not a valid list.": ("invalid-type", "不是有效的列表。"),
    "Invalid input type.": ("invalid-type", "输入类型无效。"),
    "Not a valid date.": ("invalid-date", "不是有效的日期。"),
    "Not a valid datetime.": ("invalid-date", "不是有效的日期时间。"),
    "Invalid value.": ("invalid-value", "值无效。"),
}


def _is_typed(message: Any) -> bool:
    return isinstance(message, dict) and {"type", "en", "zh"} <= message.keys()


def _standard_issue(path: str, text: str) -> Issue:
    type_, zh = _STANDARD.get(text, ("invalid-value", text))
    if text.startswith("Length must be") or text.startswith("String does not match"):
        type_, zh = "invalid-format", f"格式无效：{text}"
    if text.startswith("Must be one of") or text.startswith("Must be greater"):
        type_, zh = "invalid-value", f"值无效：{text}"
    return Issue(type_, path, f"{path}: {text}", f"{path}：{zh}")


def issues_from_messages(messages: Any, path: str = "") -> list[Issue]:
    """Flatten marshmallow's nested error messages into typed issues."""
    if _is_typed(messages):
        return [Issue(messages["type"], path, f"{path}: {messages['en']}",
                      f"{path}：{messages['zh']}")]
    if isinstance(messages, dict):
        found: list[Issue] = []
        for name, inner in messages.items():
            found += issues_from_messages(inner, f"{path}.{name}" if path else str(name))
        return found
    if isinstance(messages, list):
        found = []
        for item in messages:
            found += issues_from_messages(item, path) if not isinstance(item, str) \
                else [_standard_issue(path, item)]
        return found
    return [_standard_issue(path, str(messages))]
