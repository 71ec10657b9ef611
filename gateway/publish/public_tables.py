"""What ``public.db`` may hold: record tables of public fields, and the declared mapping.

Every column of every table and view in ``public.db`` is declared here (or in
:mod:`.public_views`) with its :class:`Source`: the public schema field it shows, the
field it labels, a link built from public key fields, or a derived value (a public
aggregate, the code lists, the release note, the data-quality counts). The test of
``public.db`` reads this mapping, so a column nobody declared — or one that shows a
partner- or agency-tier field — fails the build's tests, not a reader's trust.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

import schemas

from ..store import current_table
from ..store.ddl import column_types

# Kinds published record by record (every key field public), and their table names.
RECORD_TABLES: dict[str, str] = {
    "entity": "entities", "emission_report": "emission_reports", "compliance": "compliance",
    "surrender": "surrenders", "market_day": "market_days", "pledge": "pledges",
    "pledge_event": "pledge_events", "cancellation": "cancellations",
    "ccer_project": "ccer_projects", "ccer_issuance": "ccer_issuances",
    "ccer_cancellation": "ccer_cancellations", "a6_authorization": "a6_authorizations",
    "a6_transfer": "a6_transfers",
}
# Kinds never published record by record (a key field is restricted); aggregates only.
AGGREGATED_ONLY = ("allocation", "trade", "key_parameter")

# Lists of nested objects become child tables: (kind, list field) -> table, key columns.
NESTED_TABLES: dict[tuple[str, str], str] = {
    ("entity", "facilities"): "facilities",
    ("market_day", "methods"): "market_day_methods",
}

EXCHANGE_SOURCE = "上海环境能源交易所 Shanghai Environment and Energy Exchange (SEEE)"
WITHHELD_FIELD = "withheld"


@dataclass(frozen=True)
class Source:
    """Where one column of ``public.db`` comes from.

    ``how`` is one of:

    * ``field`` — the value of a schema field (``kind``, ``field``; dotted for a field
      of a nested list, e.g. ``facilities.kind``);
    * ``label`` — the zh or en label of a field's code (or of withheld field names);
    * ``link`` — a URI or API URL built from the kind's key fields;
    * ``derived`` — computed from one record's or many records' public fields
      (``inputs``, as ``kind.field``);
    * ``aggregate`` — a count or total over many records whose fields may be restricted
      (``inputs``); allowed only because no single record can be read back from it;
    * ``reference`` — the bilingual code lists shipped in ``schemas``;
    * ``release`` — facts about this release (date, base URI, sources);
    * ``quality`` — counts of rejected records and check findings (no record content).
    """

    how: str
    kind: str = ""
    field: str = ""
    inputs: tuple[str, ...] = ()
    en: str = ""
    zh: str = ""
    unit: str | None = None


@dataclass
class TableSpec:
    """One table of ``public.db``: its columns (in order), key and descriptions."""

    name: str
    columns: dict[str, Source]
    types: dict[str, type]
    pk: tuple[str, ...] | None = None
    label: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    fts: tuple[str, ...] = ()


_PY_TYPES = {"INTEGER": int, "REAL": float, "TEXT": str}
_INNER_TYPES = {"Quantity": int, "Year": int, "Integer": int, "DecimalValue": float,
                "Money": float}


def _py_type(kind: str, spec: dict[str, Any], sql_type: str) -> type:
    """The column type in public.db; a withholdable cell has its inner field's type."""
    if spec["type"] == "Withholdable":
        inner = schemas.KINDS[kind]().fields[spec["name"]].inner
        return _INNER_TYPES.get(type(inner).__name__, str)
    return _PY_TYPES[sql_type]


@cache
def _specs(kind: str) -> dict[str, dict[str, Any]]:
    return {spec["name"]: spec for spec in schemas.field_specs(kind)}


@cache
def _nested_schema(kind: str, list_field: str) -> Any:
    return schemas.KINDS[kind]().fields[list_field].inner.schema


@cache
def field_spec(kind: str, dotted: str) -> dict[str, Any]:
    """Tier, unit, labels and code list of a field, also of a nested list's field."""
    head, _, rest = dotted.partition(".")
    spec = _specs(kind)[head]
    if not rest:
        return spec
    inner = _nested_schema(kind, head).fields[rest]
    meta = inner.metadata
    tier = meta.get("tier", "public")
    # A nested field is no more visible than the list that holds it.
    if schemas.TIER_RANK[spec["tier"]] > schemas.TIER_RANK[tier]:
        tier = spec["tier"]
    return {"name": dotted, "tier": tier, "unit": meta.get("unit"),
            "label": meta.get("label", {}), "codelist": meta.get("codelist"),
            "type": type(inner).__name__}


def field_tier(kind: str, dotted: str) -> str:
    return field_spec(kind, dotted)["tier"]


def item_url(base: str, kind: str, key_parts: list[Any]) -> str:
    return f"{base}/api/v1/{kind}/" + "/".join(quote(str(p), safe="") for p in key_parts)


def thing_uri(base: str, kind: str, key_parts: list[Any]) -> str:
    return f"{base}/id/{kind}/" + "/".join(quote(str(p), safe="") for p in key_parts)


def org_uri(base: str, uscc: str) -> str:
    return f"{base}/id/org/uscc/{quote(uscc, safe='')}"


def _is_nested_list(kind: str, name: str) -> bool:
    return (kind, name) in NESTED_TABLES


def _label_sources(kind: str, name: str, codelist: str | None) -> dict[str, Source]:
    if not codelist and name != WITHHELD_FIELD:
        return {}
    return {f"{name}_zh": Source("label", kind, name, zh="中文名称", en="label in Chinese"),
            f"{name}_en": Source("label", kind, name, zh="英文名称", en="label in English")}


def record_table(kind: str) -> TableSpec:
    """The table of one public kind: public fields, code labels, URI and API URL."""
    types = column_types(kind)
    columns: dict[str, Source] = {}
    py_types: dict[str, type] = {}
    for spec in schemas.field_specs(kind):
        name = spec["name"]
        if spec["tier"] != "public" or _is_nested_list(kind, name):
            continue
        columns[name] = Source("field", kind, name, unit=spec["unit"])
        py_types[name] = _py_type(kind, spec, types[name])
        for label, source in _label_sources(kind, name, spec["codelist"]).items():
            columns[label] = source
            py_types[label] = str
    columns["uri"] = Source("link", kind, en="linked-data URI of the record",
                            zh="记录的关联数据URI")
    columns["api_url"] = Source("link", kind, en="the record in the JSON API",
                                zh="记录的API地址")
    py_types["uri"] = py_types["api_url"] = str
    schema = schemas.KINDS[kind]
    return TableSpec(RECORD_TABLES[kind], columns, py_types, pk=schema.key_fields,
                     label=dict(schema.label),
                     description={"en": f"{schema.label['en']}: every current record, "
                                        "public fields only.",
                                  "zh": f"{schema.label['zh']}：全部现行记录（仅公开字段）。"})


def nested_table(kind: str, list_field: str) -> TableSpec:
    """A child table for a list of nested objects (facilities, per-method totals)."""
    parent = schemas.KINDS[kind]
    columns: dict[str, Source] = {k: Source("field", kind, k) for k in parent.key_fields}
    types = column_types(kind)
    py_types: dict[str, type] = {k: _PY_TYPES[types[k]] for k in parent.key_fields}
    inner = _nested_schema(kind, list_field)
    for name in inner.fields:
        dotted = f"{list_field}.{name}"
        spec = field_spec(kind, dotted)
        columns[name] = Source("field", kind, dotted, unit=spec["unit"])
        py_types[name] = int if spec["type"] == "Quantity" else (
            float if spec["type"] in ("DecimalValue", "Money") else str)
        for label, source in _label_sources(kind, dotted, spec["codelist"]).items():
            columns[label.replace(f"{list_field}.", "")] = source
            py_types[label.replace(f"{list_field}.", "")] = str
    first_inner = next(iter(inner.fields))
    label = parent().fields[list_field].metadata["label"]
    return TableSpec(NESTED_TABLES[(kind, list_field)], columns, py_types,
                     pk=(*parent.key_fields, first_inner), label=dict(label),
                     description={"en": f"{label['en']} of each {parent.label['en'].lower()}.",
                                  "zh": f"{parent.label['zh']}的{label['zh']}。"},
                     foreign_keys=[])


def units_table() -> TableSpec:
    """One row per key emitting unit (by USCC), as last listed."""
    keep = ("uscc", "name", "name_en", "province_code", "industry_code", "sector")
    base = record_table("entity")
    columns = {name: source for name, source in base.columns.items()
               if source.how in ("field", "label") and source.field in keep}
    types = {name: base.types[name] for name in columns}
    columns["first_listed"] = Source("derived", "entity", inputs=("entity.list_year",),
                                     zh="首次列入名录年度", en="first list year")
    columns["last_listed"] = Source("derived", "entity", inputs=("entity.list_year",),
                                    zh="最近列入名录年度", en="last list year")
    columns["uri"] = Source("link", "entity", en="linked-data URI of the organisation",
                            zh="机构的关联数据URI")
    types.update(first_listed=int, last_listed=int, uri=str)
    return TableSpec("units", columns, types, pk=("uscc",),
                     label={"zh": "重点排放单位（按机构）", "en": "Key emitting units (one row each)"},
                     description={"en": "Each key emitting unit once, with its latest listing.",
                                  "zh": "每家重点排放单位一行，取最近一次名录信息。"},
                     fts=("name", "name_en"))


def all_record_specs() -> list[TableSpec]:
    specs = [record_table(kind) for kind in RECORD_TABLES]
    specs += [nested_table(kind, name) for kind, name in NESTED_TABLES]
    specs.append(units_table())
    by_name = {s.name: s for s in specs}
    by_name["entities"].fts = ("name", "name_en")
    by_name["ccer_projects"].fts = ("project_name", "owner_name")
    by_name["pledges"].fts = ("pledgee_name",)
    by_name["market_days"].columns["source"] = Source(
        "release", en="source to cite: the exchange", zh="数据来源（须注明出处）")
    by_name["market_days"].types["source"] = str
    _link_units(by_name)
    return specs


def _link_units(by_name: dict[str, TableSpec]) -> None:
    for table, column in (("emission_reports", "uscc"), ("compliance", "uscc"),
                          ("surrenders", "uscc"), ("cancellations", "uscc"),
                          ("pledges", "pledgor_uscc"), ("ccer_cancellations", "holder_uscc")):
        by_name[table].foreign_keys.append((column, "units", "uscc"))
    for table in ("ccer_issuances", "ccer_cancellations", "a6_transfers", "a6_authorizations"):
        by_name[table].foreign_keys.append(("project_id", "ccer_projects", "project_id"))
    by_name["a6_transfers"].foreign_keys.append(
        ("authorization_id", "a6_authorizations", "authorization_id"))
    by_name["pledge_events"].foreign_keys.append(("pledge_id", "pledges", "pledge_id"))


# Rows ------------------------------------------------------------------------------

@cache
def _code_index(scheme: str) -> dict[str, dict[str, Any]]:
    return {code["notation"]: code for code in schemas.codelist(scheme).codes}


def _labels(scheme: str, value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    codes = value if isinstance(value, list) else [value]
    found = [_code_index(scheme).get(c) for c in codes]
    zh = "、".join(e["zh"] if e else str(c) for c, e in zip(codes, found, strict=True))
    en = "; ".join(e["en"] if e else str(c) for c, e in zip(codes, found, strict=True))
    return zh, en


def _withheld_labels(kind: str, names: list[str]) -> tuple[str | None, str | None]:
    if not names:
        return None, None
    specs = _specs(kind)
    return ("、".join(specs[n]["label"].get("zh", n) for n in names),
            "; ".join(specs[n]["label"].get("en", n) for n in names))


def _cell(spec: dict[str, Any], value: Any, py_type: type) -> Any:
    if spec["type"] in ("List", "CodeListText") and isinstance(value, str):
        return ", ".join(str(v) for v in json.loads(value)) or None
    if value is not None and py_type is not str and not isinstance(value, py_type):
        return py_type(value)
    return value


def record_rows(conn: Any, kind: str, spec: TableSpec, base: str) -> Iterator[dict[str, Any]]:
    """The table's rows from the store: only public field columns are ever selected."""
    fields_ = [s.field for s in spec.columns.values() if s.how == "field"]
    specs = _specs(kind)
    selected = ", ".join(f'"{name}"' for name in fields_)
    key_fields = schemas.KINDS[kind].key_fields
    cursor = conn.execute(f'SELECT {selected} FROM "{current_table(kind)}" '
                          "WHERE _retracted = 0 ORDER BY _key")
    for values in cursor:
        raw = dict(zip(fields_, values, strict=True))
        row: dict[str, Any] = {}
        for column, source in spec.columns.items():
            if source.how == "field":
                row[column] = _cell(specs[source.field], raw[source.field],
                                    spec.types[column])
            elif source.how == "label" and source.field == WITHHELD_FIELD:
                names = json.loads(raw[WITHHELD_FIELD] or "[]")
                pair = _withheld_labels(kind, names)
                row[column] = pair[column.endswith("_en")]
            elif source.how == "label":
                value = raw[source.field]
                if specs[source.field]["type"] == "CodeListText" and value:
                    value = json.loads(value)
                pair = _labels(specs[source.field]["codelist"], value)
                row[column] = pair[column.endswith("_en")]
        parts = [raw[k] for k in key_fields]
        row["uri"] = (org_uri(base, raw["uscc"]) if kind == "entity"
                      else thing_uri(base, kind, parts))
        row["api_url"] = item_url(base, kind, parts)
        if "source" in spec.columns:
            row["source"] = EXCHANGE_SOURCE
        yield row


def nested_rows(conn: Any, kind: str, list_field: str,
                spec: TableSpec) -> Iterator[dict[str, Any]]:
    key_fields = schemas.KINDS[kind].key_fields
    selected = ", ".join(f'"{k}"' for k in (*key_fields, list_field))
    cursor = conn.execute(f'SELECT {selected} FROM "{current_table(kind)}" '
                          "WHERE _retracted = 0 ORDER BY _key")
    for *keys, items in cursor:
        for item in json.loads(items or "[]"):
            row = dict(zip(key_fields, keys, strict=True))
            for column, source in spec.columns.items():
                if column in row:
                    continue
                name = source.field.split(".", 1)[1]
                if source.how == "field":
                    value = item.get(name)
                    row[column] = (float(value) if spec.types[column] is float
                                   and value is not None else value)
                else:
                    scheme = field_spec(kind, source.field)["codelist"]
                    row[column] = _labels(scheme, item.get(name))[column.endswith("_en")]
            yield row


def unit_rows(conn: Any, base: str) -> Iterator[dict[str, Any]]:
    spec = units_table()
    entity = record_table("entity")
    cursor = conn.execute(
        "SELECT uscc, MIN(list_year), MAX(list_year) FROM current_entity "
        "WHERE _retracted = 0 GROUP BY uscc ORDER BY uscc")
    spans = {uscc: (first, last) for uscc, first, last in cursor}
    latest: dict[str, dict[str, Any]] = {}
    for row in record_rows(conn, "entity", entity, base):
        if row["list_year"] == spans[row["uscc"]][1]:
            latest[row["uscc"]] = row
    for uscc, row in latest.items():
        out = {c: row[c] for c in spec.columns if c in row and c != "uri"}
        out["first_listed"], out["last_listed"] = spans[uscc]
        out["uri"] = org_uri(base, uscc)
        yield out
