"""Plain RDF terms and URI minting.

The mappings produce triples of plain Python values so that the same output can be
turned into an rdflib ``Graph`` (for the API and tests) or formatted straight into
N-Triples, Turtle or JSON-LD text (for bulk dumps) without building rdflib objects:

* an IRI is a ``str``;
* a literal is a :class:`Lit` (lexical form, datatype IRI or None, language or None).

Blank nodes are never produced: every node has a URI.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from .namespaces import XSD, bind


class Lit(NamedTuple):
    """A literal: lexical form plus a datatype IRI or a language tag (never both)."""

    lex: str
    dt: str | None = None
    lang: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]

XSD_DECIMAL = str(XSD.decimal)
XSD_INTEGER = str(XSD.integer)
XSD_DATE = str(XSD.date)
XSD_DATETIME = str(XSD.dateTime)
XSD_GYEAR = str(XSD.gYear)
XSD_GYEARMONTH = str(XSD.gYearMonth)
XSD_BOOLEAN = str(XSD.boolean)
XSD_TIME = str(XSD.time)
XSD_ANYURI = str(XSD.anyURI)

# Characters kept as they are inside a path segment (RFC 3986 unreserved + sub-delims
# that are harmless in N-Triples and Turtle IRIs).
_SAFE = "-._~!$&'()*+,;=:@"


_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")


def segment(value: object) -> str:
    """One path segment, percent-encoded (a ``/`` inside a value is encoded)."""
    text = str(value)
    return text if _PLAIN.fullmatch(text) else quote(text, safe=_SAFE)


def key_path(key: str) -> str:
    """A natural key (parts joined by ``/``) as path segments, each percent-encoded."""
    return "/".join(segment(part) for part in key.split("/"))


def root(base: str) -> str:
    return base.rstrip("/")


def thing_uri(base: str, kind: str, key: str) -> str:
    """``{base}/id/{kind}/{key}``; the key's ``/`` stay path separators."""
    return f"{root(base)}/id/{kind}/{key_path(key)}"


def org_uri(base: str, uscc: str) -> str:
    """``{base}/id/org/uscc/{USCC}``: the registered organisation."""
    return f"{root(base)}/id/org/uscc/{segment(uscc)}"


def code_uri(base: str, scheme: str, notation: str | None = None) -> str:
    """``{base}/code/{scheme}`` (the scheme) or ``{base}/code/{scheme}/{notation}``."""
    uri = f"{root(base)}/code/{segment(scheme)}"
    return uri if notation is None else f"{uri}/{segment(notation)}"


def dataset_uri(base: str, series: str, period: str | None = None) -> str:
    """``{base}/dataset/{series}`` (the series) or ``{base}/dataset/{series}/{period}``."""
    uri = f"{root(base)}/dataset/{segment(series)}"
    return uri if period is None else f"{uri}/{segment(period)}"


def run_uri(base: str, run_id: object) -> str:
    return f"{root(base)}/id/run/{segment(run_id)}"


def to_rdflib(term: Term) -> URIRef | Literal:
    """The rdflib term for a plain term."""
    if isinstance(term, Lit):
        if term.lang:
            return Literal(term.lex, lang=term.lang)
        return Literal(term.lex, datatype=URIRef(term.dt) if term.dt else None)
    return URIRef(term)


def graph_of(triples: object, base: str) -> Graph:
    """An rdflib Graph holding ``triples`` (an iterable of plain triples), prefixes bound."""
    graph = bind(Graph(), base)
    for s, p, o in triples:  # type: ignore[attr-defined]
        graph.add((URIRef(s), URIRef(p), to_rdflib(o)))
    return graph


def labels(zh: str, en: str) -> tuple[Lit, Lit]:
    """A label in Chinese and in English, language-tagged."""
    return Lit(zh, lang="zh"), Lit(en, lang="en")
