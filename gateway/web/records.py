"""Records as the caller may see them: only fields of their tier, in JSON or CSV.

A record is served from its canonical JSON (``_record``: decimals as strings, dates in
ISO 8601), so money and decimals come out exactly as stored. Lists and items filter in
SQLite: the SELECT wraps ``_record`` in ``json_remove`` of every field above the
caller's tier (and ``json_set`` of the visible derived columns), so a page is the plain
concatenation of the texts SQLite returns. Versions read from the log are filtered in
Python by :meth:`RecordView.record`. Both follow :func:`schemas.visible_fields`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from gateway.store.canonical import csv_cell as _cell

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
        shown = set(self.fields)
        self.hidden = tuple(f["name"] for f in spec.fields
                            if f["name"] not in shown and f["name"] not in spec.derived)

    def columns(self) -> str:
        """The SELECT list: the key, and the record as the caller may see it (JSON text)."""
        expr = "_record"
        if self.hidden:
            paths = ", ".join(f"'$.{name}'" for name in self.hidden)
            expr = f"json_remove({expr}, {paths})"
        if self.derived:
            pairs = ", ".join(f"'$.{name}', \"{name}\"" for name in self.derived)
            expr = f"json_set({expr}, {pairs})"
        return f"_key, {expr}"

    def record(self, text: str, derived: Sequence[Any] = ()) -> dict[str, Any]:
        """One record (stored JSON text, plus derived values) as a dict of visible fields."""
        data = json.loads(text)
        data.update(zip(self.derived, derived, strict=False))
        return {name: data[name] for name in self.fields if name in data}

    def json_text(self, row: Sequence[Any]) -> str:
        """One row (from :meth:`columns`) as JSON text: already filtered by SQLite."""
        return row[1]

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

