"""What the API knows about each disclosure kind, derived from its schema.

For every kind: its natural key (path parameters), the tier needed to read it at all
(the highest tier among its key fields: a caller who may not see the key cannot address
the record), the filters it offers (code lists, USCCs, years, dates and key fields, plus
``_from``/``_to`` ranges for dates and years) and the columns it can sort on (indexed,
never-null columns, so keyset pagination stays on an index).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from marshmallow import fields as mf

import schemas
from gateway.store.ddl import DERIVED, INDEXES

EQ_TYPES = {"Code", "Uscc", "Year", "StrictDate", "YearMonth", "Boolean"}
RANGE_TYPES = {"Year", "StrictDate", "LocalDateTime", "YearMonth"}
INT_TYPES = {"Quantity", "Year", "Integer"}


@dataclass(frozen=True)
class Filter:
    """One query parameter: ``column op value``; ``in`` takes a comma-separated list."""

    param: str
    column: str
    op: str  # eq | in | ge | le
    type: str
    field_tier: str
    label: dict[str, str]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: dict[str, str]
    source: str
    key_fields: tuple[str, ...]
    key_types: tuple[str, ...]
    tier: str
    fields: tuple[dict[str, Any], ...]
    filters: tuple[Filter, ...]
    sortable: tuple[str, ...]
    derived: tuple[str, ...]

    def field_tier(self, name: str) -> str:
        return next(f["tier"] for f in self.fields if f["name"] == name)

    def visible(self, tier: str) -> tuple[str, ...]:
        """The fields a caller of ``tier`` may see, in schema order."""
        return _visible(self.kind, tier)


@cache
def _visible(kind: str, tier: str) -> tuple[str, ...]:
    return tuple(schemas.visible_fields(kind, tier))


def _schema_fields(kind: str) -> dict[str, mf.Field]:
    return dict(schemas.KINDS[kind]().fields)


def _inner_type(field: mf.Field) -> str:
    inner = getattr(field, "inner", None)
    if type(field).__name__ == "Withholdable" and inner is not None:
        return type(inner).__name__
    return type(field).__name__


def _filters(kind: str, specs: list[dict[str, Any]]) -> list[Filter]:
    keys = set(schemas.KINDS[kind].key_fields)
    indexed = {c for cols in INDEXES.get(kind, []) for c in cols}
    schema_fields = _schema_fields(kind)
    found: list[Filter] = []
    for spec in specs:
        name, typ = spec["name"], _inner_type(schema_fields[spec["name"]])
        if schema_fields[name].metadata.get("many") or typ == "List":
            continue
        args = (typ, spec["tier"], spec["label"])
        if typ == "Code" or (spec.get("codelist") and typ == "String"):
            found.append(Filter(name, name, "in", "Code", spec["tier"], spec["label"]))
        elif typ in EQ_TYPES or name in keys or (name in indexed and typ == "String"):
            found.append(Filter(name, name, "eq", *args))
        if typ in RANGE_TYPES:
            found += [Filter(f"{name}_from", name, "ge", *args),
                      Filter(f"{name}_to", name, "le", *args)]
    return found


def _sortable(kind: str) -> list[str]:
    schema_fields = _schema_fields(kind)
    candidates = [*schemas.KINDS[kind].key_fields,
                  *(c for cols in INDEXES.get(kind, []) for c in cols)]
    found = []
    for name in dict.fromkeys(candidates):
        field = schema_fields.get(name)
        if field is None or not field.required or field.allow_none:
            continue
        if _inner_type(field) in {"List", "CodeListText"}:
            continue
        found.append(name)
    return found


@cache
def spec(kind: str) -> KindSpec:
    """The API's view of one kind (KeyError for an unknown kind)."""
    cls = schemas.KINDS[kind]
    specs = schemas.field_specs(kind)
    schema_fields = _schema_fields(kind)
    key_types = tuple(_inner_type(schema_fields[k]) for k in cls.key_fields)
    tiers = [next(s["tier"] for s in specs if s["name"] == k) for k in cls.key_fields]
    tier = max(tiers, key=schemas.TIER_RANK.__getitem__)
    return KindSpec(kind, dict(cls.label), cls.source, tuple(cls.key_fields), key_types, tier,
                    tuple(specs), tuple(_filters(kind, specs)), tuple(_sortable(kind)),
                    tuple(DERIVED.get(kind, {})))


def all_specs() -> list[KindSpec]:
    return [spec(kind) for kind in schemas.KINDS]
