"""Records as the caller may see them: only fields of their tier, in JSON or CSV.

A record is served from its canonical JSON (``_record``: decimals as strings, dates in
ISO 8601), so money and decimals come out exactly as stored. When the caller may see
every field of a kind the stored text is passed through untouched; otherwise the record
is filtered to :func:`schemas.visible_fields` — the only place that decides.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from .kinds import KindSpec


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class RecordView:
    """Turns stored rows of one kind into what a tier may see."""

    def __init__(self, spec: KindSpec, tier: str):
        self.spec = spec
        self.fields = spec.visible(tier)
        self.derived = tuple(d for d in spec.derived if d in self.fields)
        self.passthrough = len(self.fields) == len(spec.fields) and not self.derived

    def columns(self) -> str:
        """The SELECT list: key, canonical JSON, derived columns."""
        return ", ".join(["_key", "_record", *(f'"{d}"' for d in self.derived)])

    def record(self, text: str, derived: Sequence[Any] = ()) -> dict[str, Any]:
        """One record as a dict of visible fields."""
        data = json.loads(text)
        data.update(zip(self.derived, derived, strict=False))
        return {name: data[name] for name in self.fields if name in data}

    def json_text(self, row: Sequence[Any]) -> str:
        """One row (from :meth:`columns`) as JSON text."""
        if self.passthrough:
            return row[1]
        return dumps(self.record(row[1], row[2:]))

    def json_array(self, rows: Iterable[Sequence[Any]]) -> str:
        return "[" + ",".join(self.json_text(row) for row in rows) + "]"

    def csv_text(self, rows: Iterable[Sequence[Any]], bom: bool = False) -> str:
        """Rows as CSV: one column per visible field; lists and objects as JSON."""
        out = io.StringIO()
        if bom:
            out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.fields)
        for row in rows:
            record = self.record(row[1], row[2:])
            writer.writerow([_cell(record.get(name)) for name in self.fields])
        return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return dumps(value)
    return str(value)
