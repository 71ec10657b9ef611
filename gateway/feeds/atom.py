"""Atom 1.0 (RFC 4287) feeds of the disclosure log: per kind and for everything.

Entries are change-feed items (:func:`gateway.feeds.changes.latest`), newest first.
Identifiers are stable: an entry's id is the record's URI with its version as fragment
(``{base}/id/{kind}/{key}#v{version}``), ``updated`` is when the version was recorded.
Titles are bilingual (Chinese first); the content is the record as the caller may see
it, as JSON text; ``link rel=alternate`` points at the record in the API.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

import schemas

from .. import __version__

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = "1970-01-01T00:00:00Z"
OPS = {"add": ("新增", "Added"), "correct": ("更正", "Corrected"),
       "retract": ("撤回", "Withdrawn")}
ALL_TITLE = {"zh": "全部信息公开记录", "en": "All disclosures"}


def feed_title(kind: str | None) -> dict[str, str]:
    return dict(schemas.KINDS[kind].label) if kind else dict(ALL_TITLE)


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def entry_title(item: dict[str, Any]) -> str:
    label = schemas.KINDS[item["kind"]].label
    zh, en = OPS[item["op"]]
    return (f"{zh}{label['zh']} {item['key']}（第{item['version']}版） · "
            f"{en} {label['en'].lower()} {item['key']} (version {item['version']})")


def _entry(feed: etree._Element, item: dict[str, Any], base: str) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", f"{item['uri']}#v{item['version']}")
    _sub(entry, "title", entry_title(item))
    _sub(entry, "updated", item["recorded_at"])
    href = item["link"] + ("/history" if item["op"] == "retract" else "")
    _sub(entry, "link", rel="alternate", type="application/json", href=href)
    _sub(entry, "link", rel="related", href=item["uri"])
    label = schemas.KINDS[item["kind"]].label
    _sub(entry, "category", term=item["kind"], scheme=f"{base}/feeds/",
         label=f"{label['zh']} / {label['en']}")
    _sub(entry, "category", term=item["op"], scheme=f"{base}/feeds/op")
    if item["reason"]:
        _sub(entry, "summary", item["reason"])
    body = {k: item[k] for k in ("seq", "kind", "key", "version", "op", "sha256", "record")}
    _sub(entry, "content", json.dumps(body, ensure_ascii=False, indent=1), type="text")


def render(items: list[dict[str, Any]], *, kind: str | None, base: str, self_url: str,
           updated: str | None) -> bytes:
    """The feed document (UTF-8 bytes) for ``items`` (newest first)."""
    name = kind or "all"
    title = feed_title(kind)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _sub(feed, "id", f"{base}/feeds/{name}.atom")
    _sub(feed, "title", f"全国碳市场信息公开：{title['zh']} · "
                        f"China carbon market disclosures: {title['en']}")
    _sub(feed, "subtitle", "每条记录的新增、更正与撤回 · Every added, corrected or withdrawn "
                           "record, newest first")
    _sub(feed, "updated", items[0]["recorded_at"] if items else (updated or EPOCH))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    query = f"?kind={kind}" if kind else ""
    _sub(feed, "link", rel="alternate", type="application/json",
         href=f"{base}/feeds/changes{query}")
    author = _sub(feed, "author")
    _sub(author, "name", "全国碳市场信息公开网关 · China carbon market disclosure gateway")
    _sub(author, "uri", base)
    _sub(feed, "generator", "carbon-gateway", uri=f"{base}/feeds/", version=__version__)
    for item in items:
        _entry(feed, item, base)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
