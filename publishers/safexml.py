"""Safe XML reading for the registry feed.

Every body is checked before parsing and parsed with a hardened lxml parser:

* any DOCTYPE (internal subset, external DTD, entity declarations) is refused as
  ``hostile-xml`` before a byte reaches the parser, and again from ``docinfo`` while parsing;
  entities are never resolved, the network is never used, DTDs are never loaded;
* a GB2312/GBK/GB18030 declaration over a body that is really UTF-8 (a known registry fault)
  is detected and the body re-encoded, so Chinese text comes out right;
* a document cut off before its end is told apart (``truncated-document``) from a
  malformed one (``malformed-xml``); undecodable bytes are ``wrong-encoding``.

:func:`parse_events` reads a feed page incrementally (``XMLPullParser``, elements cleared as
they are read) into one dict per ``<Event>``, and returns them only once the whole document
has parsed: a page that is cut off yields no event at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

CHUNK = 64 * 1024
GB_ENCODINGS = frozenset({"gb2312", "gbk", "gb18030", "cp936", "euc-cn", "x-gbk"})
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\?>", re.DOTALL)
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_POSITION_SUFFIX = re.compile(r",? line \d+, column \d+.*$")
_UTF8_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}


class XmlError(ValueError):
    """An XML body refused or unreadable.

    ``error_type`` is one of ``hostile-xml``, ``malformed-xml``, ``truncated-document``,
    ``wrong-encoding``; ``message`` says what was wrong and where.
    """

    def __init__(self, message: str, *, error_type: str = "malformed-xml") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


def safe_parser() -> etree.XMLParser:
    """A parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(**_PARSER_OPTIONS)


def safe_pull_parser(events: tuple[str, ...] = ("start", "end")) -> etree.XMLPullParser:
    """An incremental parser with the same safety settings as :func:`safe_parser`."""
    return etree.XMLPullParser(events=events, **_PARSER_OPTIONS)


# --------------------------------------------------------------------------- pre-checks


def reject_doctype(body: bytes, where: str = "") -> None:
    """Raise ``hostile-xml`` if the prolog holds a DOCTYPE (or any other ``<!`` markup).

    The prolog is everything before the root element; comments and processing
    instructions are skipped. The scan stops at the root, so it costs little on big bodies.
    UTF-16 bodies are transcoded for the scan.
    """
    data = _scan_bytes(body)
    pos = 0
    while True:
        start = data.find(b"<", pos)
        if start < 0:
            return
        if data.startswith(b"<?", start):
            pos = _skip(data, start, b"?>")
        elif data.startswith(b"<!--", start):
            pos = _skip(data, start, b"-->")
        elif data.startswith(b"<!", start):
            found = data[start : start + 40].decode("latin-1")
            raise XmlError(
                f"the document{where} declares a DOCTYPE or DTD ({found!r}…); DTDs and "
                "entities are refused to prevent entity expansion and external entity attacks",
                error_type="hostile-xml",
            )
        else:
            return  # the root element starts: the prolog is over


def _scan_bytes(body: bytes) -> bytes:
    """The body in an ASCII-compatible encoding, good enough to find markup in the prolog."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace").encode("utf-8")
    return body


def _skip(data: bytes, start: int, end_marker: bytes) -> int:
    end = data.find(end_marker, start)
    return len(data) if end < 0 else end + len(end_marker)


def normalise_encoding(body: bytes, where: str = "") -> bytes:
    """Return the body so that lxml decodes it right.

    When the declaration names a GB encoding, decode the body ourselves: strict UTF-8
    first (the known fault: GB2312 declared, UTF-8 sent), then GB18030 (a superset of
    GB2312 and GBK), and re-encode as UTF-8 with a UTF-8 declaration. Other bodies are
    returned unchanged; a UTF-8 body with invalid bytes is ``wrong-encoding``.
    """
    match = _DECLARATION.match(body)
    declared = _declared_encoding(match.group(0)) if match else None
    if declared in GB_ENCODINGS and match:
        rest = body[match.end() :]
        try:
            return _UTF8_DECLARATION + rest.decode("utf-8").encode("utf-8")
        except UnicodeDecodeError:
            pass  # not the known fault: read it as declared (GB18030 covers GB2312 and GBK)
        try:
            return _UTF8_DECLARATION + rest.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise _decode_error(exc, rest, where, f"declares {declared} but") from exc
    if declared in (None, "utf-8", "utf8"):
        _check_utf8(body, where)
    return body


def _declared_encoding(declaration: bytes) -> str | None:
    found = _ENCODING.search(declaration)
    return found.group(1).decode("ascii").lower() if found else None


def _check_utf8(body: bytes, where: str) -> None:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a BOM: lxml handles it
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(exc, body, where, "is declared (or defaults to) UTF-8 but") from exc


def _decode_error(exc: UnicodeDecodeError, body: bytes, where: str, what: str) -> XmlError:
    """A bad byte sequence: at the very end it is a page cut mid-character."""
    line = body.count(b"\n", 0, exc.start) + 1
    if exc.end >= len(body) and ("end of data" in exc.reason or "incomplete" in exc.reason):
        return XmlError(
            f"the document{where} ends in the middle of a character (line {line})",
            error_type="truncated-document",
        )
    return XmlError(
        f"the document{where} {what} has an invalid byte at offset {exc.start} (line {line})",
        error_type="wrong-encoding",
    )


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class EventFeed:
    """One parsed page of the registry feed."""

    root_tag: str
    root_attrib: dict[str, str]
    events: list[dict[str, Any]] = field(default_factory=list)


def local_name(tag: str) -> str:
    """``{urn:ns}Event`` -> ``Event``."""
    return tag.rsplit("}", 1)[-1]


def event_to_dict(element: etree._Element) -> dict[str, Any]:
    """Flatten an ``<Event>``: its attributes, each child's text under its local name
    (``""`` when empty), child attributes as ``"Child@attr"``. A repeated child becomes a
    list of its texts (the schema decides whether that is acceptable)."""
    record: dict[str, Any] = {local_name(k): v for k, v in element.attrib.items()}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments / processing instructions
        name = local_name(child.tag)
        text = "".join(child.itertext()).strip()
        if name in record:
            previous = record[name]
            record[name] = [*previous, text] if isinstance(previous, list) else [previous, text]
        else:
            record[name] = text
        for attr, value in child.attrib.items():
            record[f"{name}@{local_name(attr)}"] = value
    return record


def parse_events(body: bytes, url: str = "", event_tag: str = "Event") -> EventFeed:
    """Parse a whole feed page into an :class:`EventFeed`, or raise :class:`XmlError`.

    Events are buffered and returned only when the document is complete, so a truncated
    page gives ``truncated-document`` and no events.
    """
    feed = EventFeed(root_tag="", root_attrib={})
    _parse(body, url, lambda parser, where: _consume(parser, feed, event_tag, where))
    return feed


def parse_document(body: bytes, url: str = "") -> etree._Element:
    """Parse a small XML document safely into a tree, or raise :class:`XmlError`."""
    return _parse(body, url, lambda parser, where: _check_first_start(parser, where))


def _parse(
    body: bytes, url: str, consume: Callable[[etree.XMLPullParser, str], None]
) -> etree._Element:
    """Pre-check, feed and close a safe pull parser; errors at close mean a cut-off body."""
    where = f" at {url}" if url else ""
    if not body.strip():
        raise XmlError(f"the body{where} is empty", error_type="truncated-document")
    reject_doctype(body, where)
    data = normalise_encoding(body, where)
    parser = safe_pull_parser()
    try:
        for offset in range(0, len(data), CHUNK):
            parser.feed(data[offset : offset + CHUNK])
            consume(parser, where)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data, where, at_close=False) from exc
    try:
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data, where, at_close=True) from exc
    consume(parser, where)
    _check_docinfo(root, where)
    return root


def _check_first_start(parser: etree.XMLPullParser, where: str) -> None:
    for action, element in parser.read_events():
        if action == "start" and element.getparent() is None:
            _check_docinfo(element, where)


def _consume(parser: etree.XMLPullParser, feed: EventFeed, event_tag: str, where: str) -> None:
    """Read pending parse events into ``feed``, clearing finished elements."""
    for action, element in parser.read_events():
        if action == "start" and not feed.root_tag:
            _check_docinfo(element, where)
            feed.root_tag = local_name(element.tag)
            feed.root_attrib = {local_name(k): v for k, v in element.attrib.items()}
        elif action == "end" and local_name(element.tag) == event_tag:
            feed.events.append(event_to_dict(element))
            element.clear()
            parent = element.getparent()
            if parent is not None:  # drop finished siblings to keep memory flat
                while element.getprevious() is not None:
                    del parent[0]


def _check_docinfo(element: etree._Element, where: str) -> None:
    """Second line of defence: refuse a document whose parse produced a DTD."""
    docinfo = element.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise XmlError(f"the document{where} has a DTD", error_type="hostile-xml")


def _syntax_error(
    exc: etree.XMLSyntaxError, data: bytes, where: str, *, at_close: bool
) -> XmlError:
    """Classify a parse error: cut off at the end, bad bytes, or malformed."""
    line, column = exc.position if exc.position else (exc.lineno or 0, exc.offset or 0)
    message = _POSITION_SUFFIX.sub("", exc.msg or str(exc))
    last_line = data.rstrip().count(b"\n") + 1
    if at_close and line >= last_line:
        kind, what = "truncated-document", "ends before the document is complete"
    elif "encoding" in message.lower() or "invalid bytes" in message.lower():
        kind, what = "wrong-encoding", "has bytes invalid in its encoding"
    else:
        kind, what = "malformed-xml", "is not well-formed XML"
    return XmlError(
        f"the document{where} {what}: {message} (line {line}, column {column})",
        error_type=kind,
    )
