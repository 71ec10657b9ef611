"""The JSON-LD ``@context`` that lets plain JSON API answers be read as linked data.

API answers are records as the store keeps them (snake_case fields, decimals as
strings). :func:`kind_context` maps one kind's fields to the same predicates and
datatypes that :func:`~mappings.rdf.records.record_graph` uses; code values become
``{base}/code/{scheme}/{notation}`` and USCCs ``{base}/id/org/uscc/{USCC}`` through
property-scoped ``@vocab``. :func:`jsonld_context` is the published context: our
prefixes, every field whose meaning is the same in every kind, and one type-scoped
context per kind (``"@type": "EmissionReport"`` …) for the rest. An answer gives its
subject with ``"uri"`` (an alias of ``@id``).

Limits: a code notation with a space (e.g. ``NDC and OIMP``) expands to an IRI with a
space, not to the percent-encoded code URI; nested lists (facilities, per-method
totals) become blank nodes rather than the dumps' URIs.
"""

from __future__ import annotations

from typing import Any

import schemas

from . import terms as t
from .namespaces import prefixes
from .tables import CLASSES, FACILITY_ROWS, METHOD_ROWS, NESTED_SCHEMES, TABLES, Row

CONTEXT_VERSION = "v1"
_TYPES = {"decimal": "xsd:decimal", "integer": "xsd:integer", "boolean": "xsd:boolean",
          "date": "xsd:date", "datetime": "xsd:dateTime", "time": "xsd:time",
          "gyear": "xsd:gYear", "gyearmonth": "xsd:gYearMonth"}


def _vocab_term(predicate: str, vocab: str) -> dict[str, Any]:
    return {"@id": predicate, "@type": "@vocab", "@context": {"@vocab": vocab}}


def term_definition(row: Row, base: str, scheme: str | None) -> dict[str, Any] | str:
    """The JSON-LD term definition of one field row."""
    root = t.root(base)
    if row.convert in _TYPES:
        return {"@id": row.predicate, "@type": _TYPES[row.convert]}
    if row.convert in ("zh", "en"):
        return {"@id": row.predicate, "@language": row.convert}
    if row.convert == "code" and scheme:
        return _vocab_term(row.predicate, t.code_uri(base, scheme) + "/")
    if row.convert == "org":
        return _vocab_term(row.predicate, f"{root}/id/org/uscc/")
    if row.convert == "ref":
        return _vocab_term(row.predicate, f"{root}/id/{row.target}/")
    if row.convert in ("facilities", "methods"):
        nested = FACILITY_ROWS if row.convert == "facilities" else METHOD_ROWS
        return {"@id": row.predicate, "@context": {
            r.field: term_definition(r, base, NESTED_SCHEMES.get((row.field, r.field)))
            for r in nested}}
    return {"@id": row.predicate}


def _terms(kind: str, base: str) -> dict[str, Any]:
    schemes = {f["name"]: f["codelist"] for f in schemas.field_specs(kind)}
    return {row.field: term_definition(row, base, schemes.get(row.field))
            for row in TABLES[kind]}


def kind_context(kind: str, base: str) -> dict[str, Any]:
    """A flat context for one kind's answers: prefixes, ``uri`` → ``@id``, its fields."""
    return {"@context": {"@version": 1.1, **prefixes(base), "uri": "@id", "type": "@type",
                         **_terms(kind, base)}}


def _shared_terms(base: str) -> dict[str, Any]:
    """Fields that mean the same in every kind that has them."""
    seen: dict[str, Any] = {}
    clash: set[str] = set()
    for kind in TABLES:
        for name, definition in _terms(kind, base).items():
            if name in seen and seen[name] != definition:
                clash.add(name)
            seen.setdefault(name, definition)
    return {name: d for name, d in seen.items() if name not in clash}


def jsonld_context(base: str) -> dict[str, Any]:
    """The published context (``/def/cm/context/v1.jsonld``): shared and type-scoped terms."""
    context: dict[str, Any] = {"@version": 1.1, **prefixes(base), "uri": "@id", "type": "@type"}
    context.update(_shared_terms(base))
    for kind in TABLES:
        name = CLASSES[kind][0].split(":", 1)[1]
        context[name] = {"@id": CLASSES[kind][0], "@context": _terms(kind, base)}
    return {"@context": context}
