"""Table search that works for Chinese terms of one or two characters.

The FTS5 trigram index finds any substring of three or more characters, but a shorter
term matches nothing on its own and is silently ignored beside a longer one (so
``华能 电厂`` would find every 华能… row). When any term of ``?_search=`` is shorter
than three characters, this plugin moves the search to ``?_short_search=`` before
Datasette sees the request, and turns it into one ``LIKE`` per term over the columns
of the table's full-text index: every term must appear. Longer searches keep the index.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

SHORT_ARG = "_short_search"
MIN_TRIGRAM = 3


def needs_like(query: str) -> bool:
    terms = query.split()
    return bool(terms) and any(len(term) < MIN_TRIGRAM for term in terms)


def rewrite_query_string(query_string: bytes) -> bytes:
    """``_search=`` with a short term becomes ``_short_search=``; anything else unchanged."""
    if b"_search=" not in query_string:
        return query_string
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if not any(k == "_search" and needs_like(v) for k, v in pairs):
        return query_string
    moved = [(SHORT_ARG if k == "_search" else k, v) for k, v in pairs]
    return urlencode(moved).encode("ascii")


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def short_search(scope, receive, send):
            if scope["type"] == "http" and scope.get("query_string"):
                rewritten = rewrite_query_string(scope["query_string"])
                if rewritten is not scope["query_string"]:
                    scope = dict(scope, query_string=rewritten)
            await app(scope, receive, send)
        return short_search
    return wrap


def _like_term(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@hookimpl
def filters_from_request(request, database, table, datasette):
    query = (request.args.get(SHORT_ARG) or "").strip()
    if not query:
        return None

    async def inner():
        db = datasette.get_database(database)
        fts_table = (datasette.table_metadata(database, table).get("fts_table")
                     or await db.fts_table(table))
        if not fts_table:
            return None
        in_table = set(await db.table_columns(table))
        columns = [c for c in await db.table_columns(fts_table) if c in in_table]
        if not columns:
            return None
        haystack = " || ' ' || ".join(f"coalesce({escape_sqlite(c)}, '')" for c in columns)
        clauses, params = [], {}
        for i, term in enumerate(query.split()):
            params[f"short_search_{i}"] = _like_term(term)
            clauses.append(f"({haystack}) like :short_search_{i} escape '\\'")
        return FilterArguments([" and ".join(clauses)], params,
                               [f'search contains "{query}"'], {"search": query})

    return inner
