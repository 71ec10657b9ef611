"""Streaming N-Triples, Turtle and JSON-LD writers over plain triples.

Bulk dumps never build an rdflib Graph: triples are formatted as text, chunk by chunk,
straight into the output files, so memory stays flat whatever the size. N-Triples
lines are exactly what rdflib's ``nt`` serialiser writes for the same terms (same
escaping, same lexical forms); Turtle groups each chunk's triples by subject with our
prefixes; JSON-LD is one ``@graph`` of node objects under a context of prefixes.
Tests parse all three back with rdflib and compare graphs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from . import terms as t
from .namespaces import prefixes

FORMATS: dict[str, str] = {"nt": ".nt", "ttl": ".ttl", "jsonld": ".jsonld"}
MEDIA_TYPES = {"nt": "application/n-triples", "ttl": "text/turtle",
               "jsonld": "application/ld+json"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _escape(lex: str) -> str:
    """Escape a lexical form as rdflib's N-Triples serialiser does."""
    if "\\" in lex or '"' in lex or "\n" in lex or "\r" in lex:
        lex = (lex.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
               .replace("\r", "\\r"))
    return f'"{lex}"'


def nt_term(term: t.Term) -> str:
    """One term in N-Triples syntax."""
    if term.__class__ is str:
        return f"<{term}>"
    lex, dt, lang = term  # type: ignore[misc]
    if lang:
        return f"{_escape(lex)}@{lang}"
    return f"{_escape(lex)}^^<{dt}>" if dt else _escape(lex)


def nt_lines(triples: Iterable[t.Triple]) -> str:
    """N-Triples text, one line per triple."""
    return "".join(f"<{s}> <{p}> {nt_term(o)} .\n" for s, p, o in triples)


def _by_subject(triples: Iterable[t.Triple]) -> dict[str, list[tuple[str, t.Term]]]:
    grouped: dict[str, list[tuple[str, t.Term]]] = {}
    for s, p, o in triples:
        grouped.setdefault(s, []).append((p, o))
    return grouped


class Compactor:
    """Prefixed names for IRIs that have a safe local part, else ``<IRI>``."""

    def __init__(self, base: str):
        self.namespaces = sorted(((ns, p) for p, ns in prefixes(base).items()),
                                 key=lambda item: -len(item[0]))
        self.cache: dict[str, str] = {}

    def curie(self, iri: str) -> str | None:
        for ns, prefix in self.namespaces:
            if iri.startswith(ns) and _LOCAL.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return None

    def turtle(self, iri: str, cache: bool = False) -> str:
        """An IRI in Turtle; ``cache`` for IRIs that repeat (predicates, classes)."""
        if cache and iri in self.cache:
            return self.cache[iri]
        found = self.curie(iri)
        text = found if found else f"<{iri}>"
        if cache:
            self.cache[iri] = text
        return text


class TurtleFormatter:
    def __init__(self, base: str):
        self.base = base
        self.names = Compactor(base)

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes(self.base).items()) + "\n"

    def chunk(self, triples: Iterable[t.Triple]) -> str:
        blocks = []
        for subject, pairs in _by_subject(triples).items():
            body = " ;\n    ".join(f"{self._predicate(p)} {self._object(p, o)}" for p, o in pairs)
            blocks.append(f"<{subject}> {body} .\n")
        return "".join(blocks)

    def footer(self) -> str:
        return ""

    def _predicate(self, p: str) -> str:
        return "a" if p == RDF_TYPE else self.names.turtle(p, cache=True)

    def _object(self, p: str, o: t.Term) -> str:
        if o.__class__ is str:
            return self.names.turtle(o, cache=p == RDF_TYPE)  # type: ignore[arg-type]
        lex, dt, lang = o  # type: ignore[misc]
        if lang:
            return f"{_escape(lex)}@{lang}"
        return f"{_escape(lex)}^^{self.names.turtle(dt, cache=True)}" if dt else _escape(lex)


class NTriplesFormatter:
    def header(self) -> str:
        return ""

    def chunk(self, triples: Iterable[t.Triple]) -> str:
        return nt_lines(triples)

    def footer(self) -> str:
        return ""


class JsonLdFormatter:
    """Expanded-style node objects with compact IRIs, under a context of prefixes."""

    def __init__(self, base: str):
        self.base = base
        self.names = Compactor(base)

    def header(self) -> str:
        context = json.dumps(prefixes(self.base), ensure_ascii=False)
        return f'{{"@context": {context},\n "@graph": [\n'

    def chunk(self, triples: Iterable[t.Triple]) -> str:
        return ",\n".join(json.dumps(self._node(s, pairs), ensure_ascii=False)
                          for s, pairs in _by_subject(triples).items())

    def footer(self) -> str:
        return "\n]}\n"

    def _key(self, iri: str) -> str:
        return self.names.turtle(iri, cache=True).strip("<>")

    def _node(self, subject: str, pairs: list[tuple[str, t.Term]]) -> dict:
        node: dict = {"@id": subject}
        for p, o in pairs:
            if p == RDF_TYPE:
                node.setdefault("@type", []).append(self._key(o))  # type: ignore[arg-type]
            else:
                node.setdefault(self._key(p), []).append(self._value(o))
        return node

    def _value(self, o: t.Term) -> dict:
        if o.__class__ is str:
            return {"@id": o}
        lex, dt, lang = o  # type: ignore[misc]
        if lang:
            return {"@value": lex, "@language": lang}
        return {"@value": lex, "@type": self._key(dt)} if dt else {"@value": lex}


def formatter(fmt: str, base: str) -> NTriplesFormatter | TurtleFormatter | JsonLdFormatter:
    if fmt == "nt":
        return NTriplesFormatter()
    if fmt == "ttl":
        return TurtleFormatter(base)
    if fmt == "jsonld":
        return JsonLdFormatter(base)
    raise ValueError(f"unknown RDF format {fmt!r}; known: {sorted(FORMATS)}")


class Sink:
    """One output file of one format; JSON-LD chunks get their separating commas here."""

    def __init__(self, fmt: str, stream: IO[str], header: str):
        self.fmt, self.stream, self.started = fmt, stream, False
        stream.write(header)

    def write(self, text: str) -> None:
        if not text:
            return
        if self.fmt == "jsonld" and self.started:
            self.stream.write(",\n")
        self.stream.write(text)
        self.started = True


def open_sink(fmt: str, path: Path, base: str) -> Sink:
    """A file sink shared by several writers (e.g. ``all.nt``); end it with :func:`end_sink`."""
    return Sink(fmt, path.open("w", encoding="utf-8", newline="\n"), formatter(fmt, base).header())


def end_sink(sink: Sink, base: str) -> None:
    sink.stream.write(formatter(sink.fmt, base).footer())
    sink.stream.close()


class DumpWriter:
    """Writes triples to several files at once, formatting each chunk once per format.

    >>> with DumpWriter(base, {"nt": [Path("a.nt"), Path("all.nt")]}) as out:
    ...     out.write(triples)
    """

    def __init__(self, base: str, targets: dict[str, list[Path | IO[str] | Sink]],
                 chunk_triples: int = 20_000):
        self.formatters = {fmt: formatter(fmt, base) for fmt in targets}
        self.sinks: dict[str, list[Sink]] = {}
        self.own_sinks: list[Sink] = []
        self.owned: list[IO[str]] = []
        for fmt, outs in targets.items():
            self.sinks[fmt] = [self._sink(fmt, o) for o in outs]
        self.buffer: list[t.Triple] = []
        self.chunk_triples = chunk_triples
        self.count = 0

    def _sink(self, fmt: str, target: Path | IO[str] | Sink) -> Sink:
        """A sink for a target; a given :class:`Sink` is shared and not closed here."""
        if isinstance(target, Sink):
            return target
        if isinstance(target, Path):
            stream: IO[str] = target.open("w", encoding="utf-8", newline="\n")
            self.owned.append(stream)
        else:
            stream = target
        sink = Sink(fmt, stream, self.formatters[fmt].header())
        self.own_sinks.append(sink)
        return sink

    def write(self, triples: Iterable[t.Triple]) -> None:
        """Queue triples; a full chunk is formatted and written."""
        self.buffer.extend(triples)
        if len(self.buffer) >= self.chunk_triples:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        for fmt, sinks in self.sinks.items():
            text = self.formatters[fmt].chunk(self.buffer)
            for sink in sinks:
                sink.write(text)
        self.count += len(self.buffer)
        self.buffer = []

    def close(self) -> None:
        self.flush()
        for sink in self.own_sinks:
            sink.stream.write(self.formatters[sink.fmt].footer())
        for stream in self.owned:
            stream.close()

    def __enter__(self) -> DumpWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
