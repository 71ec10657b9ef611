"""Converters from record values to plain RDF terms, named in the field tables.

A converter takes a value and a :class:`Context` and returns the objects of the row's
predicate plus any extra triples the value brings (an organisation node, a facility).
Lexical forms are the ones rdflib keeps unchanged, so string-formatted N-Triples equal
rdflib's own serialisation (tests check this).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import terms as t
from .namespaces import prefixes
from .tables import FACILITY_ROWS, METHOD_ROWS, NESTED_SCHEMES, Row

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@lru_cache(maxsize=4096)
def expand(curie: str, base: str) -> str:
    """The full IRI of a CURIE such as ``cm:quantity`` under ``base``."""
    prefix, _, local = curie.partition(":")
    return prefixes(base)[prefix] + local


@dataclass(slots=True)
class Context:
    """What a converter may need besides the value."""

    base: str
    subject: str
    record: dict[str, Any]
    scheme: str | None = None
    target: str = ""


Converted = tuple[list[t.Term], list[t.Triple]]


def decimal_lex(value: Any) -> str:
    """A decimal's lexical form without exponent (rdflib would rewrite one)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.lstrip("-").replace(".", "", 1).isdigit() and not text.startswith(("0", "-0")):
        return text
    return format(Decimal(text), "f")


def _typed(datatype: str) -> Callable[[Any, Context], Converted]:
    def convert(value: Any, ctx: Context) -> Converted:
        return [t.Lit(str(value), datatype)], []
    return convert


def _decimal(value: Any, ctx: Context) -> Converted:
    return [t.Lit(decimal_lex(value), t.XSD_DECIMAL)], []


def _integer(value: Any, ctx: Context) -> Converted:
    return [t.Lit(str(int(value)), t.XSD_INTEGER)], []


def _boolean(value: Any, ctx: Context) -> Converted:
    return [t.Lit("true" if value in (True, "true", 1) else "false", t.XSD_BOOLEAN)], []


def _text(value: Any, ctx: Context) -> Converted:
    return [t.Lit(str(value))], []


def _lang(tag: str) -> Callable[[Any, Context], Converted]:
    def convert(value: Any, ctx: Context) -> Converted:
        return [t.Lit(str(value), lang=tag)], []
    return convert


def _code(value: Any, ctx: Context) -> Converted:
    if ctx.scheme is None:
        raise ValueError("a code field needs a code list")
    return [t.code_uri(ctx.base, ctx.scheme, str(value))], []


def _ref(value: Any, ctx: Context) -> Converted:
    return [t.thing_uri(ctx.base, ctx.target, str(value))], []


def org_triples(base: str, uscc: str) -> tuple[str, list[t.Triple]]:
    """An organisation's URI and the triples that type it and carry its USCC."""
    org = t.org_uri(base, uscc)
    ident = f"{org}#uscc"
    return org, [
        (org, RDF_TYPE, expand("rov:RegisteredOrganization", base)),
        (org, RDF_TYPE, expand("org:FormalOrganization", base)),
        (org, expand("rov:registration", base), ident),
        (ident, RDF_TYPE, expand("adms:Identifier", base)),
        (ident, expand("skos:notation", base), t.Lit(str(uscc))),
        (ident, expand("dct:type", base), expand("cm:USCC", base)),
    ]


def _org(value: Any, ctx: Context) -> Converted:
    org, extra = org_triples(ctx.base, str(value))
    return [org], extra


def _nested(rows: tuple[Row, ...], node: str, field: str, item: dict[str, Any],
            ctx: Context) -> list[t.Triple]:
    """Triples of one nested object (a facility, a method total) from its rows."""
    out: list[t.Triple] = []
    for row in rows:
        value = item.get(row.field)
        if value is None:
            continue
        sub = Context(ctx.base, node, item, NESTED_SCHEMES.get((field, row.field)))
        objects, extra = CONVERTERS[row.convert](value, sub)
        predicate = expand(row.predicate, ctx.base)
        out += [(node, predicate, o) for o in objects] + extra
    return out


def _facilities(value: Any, ctx: Context) -> Converted:
    objects: list[t.Term] = []
    extra: list[t.Triple] = []
    org = t.org_uri(ctx.base, str(ctx.record.get("uscc", "")))
    for item in value or []:
        site = f"{org}/site/{t.segment(item['facility_id'])}"
        objects.append(site)
        extra += [(site, RDF_TYPE, expand("cm:Facility", ctx.base)),
                  (site, RDF_TYPE, expand("org:Site", ctx.base)),
                  (org, expand("org:hasSite", ctx.base), site),
                  (site, RDFS_LABEL, t.Lit(f"设施 {item['facility_id']}", lang="zh")),
                  (site, RDFS_LABEL, t.Lit(f"Facility {item['facility_id']}", lang="en"))]
        extra += _nested(FACILITY_ROWS, site, "facilities", item, ctx)
    return objects, extra


def _methods(value: Any, ctx: Context) -> Converted:
    objects: list[t.Term] = []
    extra: list[t.Triple] = []
    for item in value or []:
        node = f"{ctx.subject}/method/{t.segment(item['trade_method'])}"
        objects.append(node)
        extra += [(node, RDF_TYPE, expand("cm:MethodTotal", ctx.base)),
                  (node, RDFS_LABEL, t.Lit(f"交易方式 {item['trade_method']} 统计", lang="zh")),
                  (node, RDFS_LABEL,
                   t.Lit(f"Totals for trading method {item['trade_method']}", lang="en"))]
        extra += _nested(METHOD_ROWS, node, "methods", item, ctx)
    return objects, extra


CONVERTERS: dict[str, Callable[[Any, Context], Converted]] = {
    "text": _text, "zh": _lang("zh"), "en": _lang("en"),
    "decimal": _decimal, "integer": _integer, "boolean": _boolean,
    "date": _typed(t.XSD_DATE), "datetime": _typed(t.XSD_DATETIME),
    "time": _typed(t.XSD_TIME), "gyear": _typed(t.XSD_GYEAR),
    "gyearmonth": _typed(t.XSD_GYEARMONTH),
    "code": _code, "ref": _ref, "org": _org,
    "facilities": _facilities, "methods": _methods,
}

# Converters that take the whole list value rather than one item at a time.
WHOLE_LIST = {"facilities", "methods"}

# The XSD datatype (or node kind) each converter produces, for the vocabulary and context.
RANGES: dict[str, str] = {
    "text": "xsd:string", "zh": "rdf:langString", "en": "rdf:langString",
    "decimal": "xsd:decimal", "integer": "xsd:integer", "boolean": "xsd:boolean",
    "date": "xsd:date", "datetime": "xsd:dateTime", "time": "xsd:time",
    "gyear": "xsd:gYear", "gyearmonth": "xsd:gYearMonth", "code": "skos:Concept",
    "org": "rov:RegisteredOrganization", "ref": "prov:Entity",
    "facilities": "cm:Facility", "methods": "cm:MethodTotal",
}
