"""Cells of the public site: withheld values say so, and internal paths are links."""

from __future__ import annotations

from datasette import hookimpl
from markupsafe import Markup, escape

WITHHELD = Markup('<span class="withheld" title="涉密未公开 Withheld as a commercial or state '
                  'secret">涉密 withheld</span>')


def _withheld_names(row) -> set[str]:
    try:
        text = row["withheld"]
    except (IndexError, KeyError):
        return set()
    return {name.strip() for name in (text or "").split(",") if name.strip()}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if value is None and column != "withheld" and column in _withheld_names(row):
        return WITHHELD
    if column == "page" and isinstance(value, str) and value.startswith("/"):
        return Markup(f'<a href="{escape(datasette.urls.path(value))}">{escape(value)}</a>')
    return None
