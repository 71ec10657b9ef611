"""The in-memory AEF workbook and the template structure it follows.

Rows are plain dicts keyed by the exact template labels, in template column order. Values are
``str`` (codes, identifiers, ``dd/mm/yyyy`` dates, ``NA``), ``int`` (quantities, years) or ``None``
(a cell the template leaves empty, e.g. fields populated by the CARP).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from mappings.aef.codelists import field_spec

NA = "NA"
DATE_FORMAT = "dd/mm/yyyy"
TABLE_KEYS = ("submission", "authorizations", "actions", "holdings", "authorized_entities")

Row = dict[str, Any]


@dataclass(frozen=True)
class FieldSpec:
    """One AEF field: its template label and position, CAD Trust key and validation hints."""

    label: str
    label_zh: str
    column: str
    cadt_key: str
    kind: str = "text"
    required: bool = False
    pattern: str | None = None
    na_allowed: bool = False
    codelist: str | None = None
    carp_populated: bool = False
    row: int | None = None
    template_placeholder: str | None = None
    nomenclature_name: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """One AEF table: sheet name, title, layout and fields in template order."""

    key: str
    number: int
    sheet: str
    title: str
    title_zh: str
    title_cell: str
    layout: str
    cadt_table: str
    fields: tuple[FieldSpec, ...]
    header_row: int | None = None
    example_rows: tuple[int, int] | None = None
    identifying: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        """Field labels in template order."""
        return [f.label for f in self.fields]

    def field(self, label: str) -> FieldSpec:
        """Return the field with ``label`` (KeyError if unknown)."""
        for f in self.fields:
            if f.label == label:
                return f
        raise KeyError(label)

    @property
    def first_data_row(self) -> int:
        """First worksheet row that holds data (row tables only)."""
        return (self.header_row or 0) + 1


def _table_from_json(raw: dict[str, Any]) -> TableSpec:
    fields = tuple(FieldSpec(**f) for f in raw["fields"])
    example = raw.get("example_rows")
    return TableSpec(
        key=raw["key"], number=raw["number"], sheet=raw["sheet"], title=raw["title"],
        title_zh=raw["title_zh"], title_cell=raw["title_cell"], layout=raw["layout"],
        cadt_table=raw["cadt_table"], fields=fields, header_row=raw.get("header_row"),
        example_rows=tuple(example) if example else None,
        identifying=tuple(raw.get("identifying", ())),
    )


@cache
def table_specs() -> dict[str, TableSpec]:
    """Return the five table specs keyed by table key, from ``aef_fields.json``."""
    return {t["key"]: _table_from_json(t) for t in field_spec()["tables"]}


def table_spec(key: str) -> TableSpec:
    """Return the spec of one table (``submission``, ``authorizations``, ...)."""
    return table_specs()[key]


def sheet_names() -> list[str]:
    """Return the seven sheet names of the template, in order."""
    return list(field_spec()["sheets"])


def empty_row(key: str) -> Row:
    """Return a row of ``key`` with every label present and set to None, in template order."""
    return {label: None for label in table_spec(key).labels}


@dataclass
class AefWorkbook:
    """The five AEF tables of one Party's annual submission, plus metadata.

    ``provenance`` holds, per table, a list parallel to the rows with our own identifiers
    (registry sequence numbers, source record ids); it never goes into AEF columns.
    ``notes`` collects bilingual build or import remarks (what was skipped and why).
    """

    submission: list[Row] = field(default_factory=list)
    authorizations: list[Row] = field(default_factory=list)
    actions: list[Row] = field(default_factory=list)
    holdings: list[Row] = field(default_factory=list)
    authorized_entities: list[Row] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def table(self, key: str) -> list[Row]:
        """Return the rows of table ``key``."""
        if key not in TABLE_KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def tables(self) -> dict[str, list[Row]]:
        """Return all five tables keyed by table key, in template order."""
        return {key: self.table(key) for key in TABLE_KEYS}

    @property
    def submission_row(self) -> Row:
        """The single Table 1 row (empty dict if absent)."""
        return self.submission[0] if self.submission else {}

    @property
    def party(self) -> str | None:
        """Reporting Party code from Table 1."""
        value = self.submission_row.get("Party")
        return str(value).strip() if value is not None else None

    @property
    def reported_year(self) -> int | None:
        """Reported year from Table 1, as int when it parses."""
        value = self.submission_row.get("Reported year")
        try:
            return int(str(value).strip())
        except (TypeError, ValueError):
            return None

    def add_note(self, code: str, message_en: str, message_zh: str, **where: Any) -> None:
        """Record a bilingual remark about how the workbook was built or read."""
        self.notes.append({"code": code, "message_en": message_en, "message_zh": message_zh, **where})
