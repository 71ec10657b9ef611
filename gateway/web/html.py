"""A tiny server-side HTML layout (no JavaScript, no CDN): works offline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC",sans-serif;margin:0;color:#1b1f23;
line-height:1.5}header{background:#0b4f3c;color:#fff;padding:.8rem 1.5rem}
header a{color:#d7f5e8}main{max-width:72rem;margin:0 auto;padding:1rem 1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}code{background:#f3f5f7;padding:0 .2rem}
.tier-partner{color:#8a4b00}.tier-agency{color:#a40e26}nav a{margin-right:1rem}
h2{border-bottom:2px solid #0b4f3c;padding-bottom:.2rem;margin-top:2rem}
.zh{color:#555;font-size:.9em}
"""


def page(title: str, body: Markup | str, nav: Iterable[tuple[str, str]] = ()) -> str:
    links = Markup("").join(Markup('<a href="{}">{}</a>').format(href, text)
                            for href, text in nav)
    return str(Markup(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{}</title><style>{}</style></head><body><header><strong>{}</strong> "
        "<nav>{}</nav></header><main>{}</main></body></html>").format(
            title, Markup(STYLE), title, links, body))


def bilingual(zh: str, en: str) -> Markup:
    return Markup('{} <span class="zh">{}</span>').format(en, zh)


def table(head: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Markup:
    head_html = Markup("").join(Markup("<th>{}</th>").format(h) for h in head)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(Markup("<td>{}</td>").format(c)
                                                     for c in row)) for row in rows)
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        head_html, body)


def esc(value: Any) -> Markup:
    return escape("" if value is None else value)
