"""Connector to the management platform (全国碳市场管理平台).

Streams (yearly ones re-fetch every year on every pull, since files may be re-issued with
corrected rows; identical content is deduped downstream; a 404 for a year means "not
published yet" and is skipped):

* ``units`` — ``GET /units?year=YYYY``; kind ``entity``; the request year is added to each
  record as ``"listYear"``; source_ref ``platform:unit:{year}:{uscc}``.
* ``reports`` — ``GET /reports/{year}.csv`` (GB18030 or UTF-8 with BOM); kind
  ``emission_report``, row dicts keyed by the Chinese headers, cells normalised by
  :mod:`publishers.csvio`; source_ref ``platform:report:{year}:{统一社会信用代码}``.
* ``compliance`` — ``GET /compliance?year=YYYY``; kind ``compliance``; source_ref
  ``platform:compliance:{year}:{uscc}``.
* ``parameters`` — ``GET /parameters?month=YYYY-MM&after={id}&limit={n}`` for every month from
  2022-04 (or the cursor's month) to the current month; kind ``key_parameter``; source_ref
  ``platform:parameter:{id}``; cursor ``"YYYY-MM|lastId"``.

Yearly cursors hold the latest year fetched (informational: every year is fetched anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from datetime import date
from typing import Any, ClassVar

from publishers.base import Checkpoint, Item, RawRecord
from publishers.csvio import CsvError, read_csv_rows
from publishers.http import (
    CSV_TYPES,
    JSON_TYPES,
    HttpConnector,
    JsonError,
    Stream,
    china_today,
    decode_json,
    json_objects,
)

FIRST_YEAR = 2019
FIRST_PARAMETER_MONTH = "2022-04"
USCC_HEADER = "统一社会信用代码"

#: A reader turns (body, url) into record dicts, raising JsonError/CsvError.
Reader = Callable[[bytes, str], list[dict[str, Any]]]


def months(first: str, last: str) -> Iterator[str]:
    """``"YYYY-MM"`` strings from ``first`` to ``last`` inclusive."""
    year, month = _year_month(first)
    end = _year_month(last)
    while (year, month) <= end:
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _year_month(text: str) -> tuple[int, int]:
    year, _, month = text.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return int(year), int(month)


def _json_records(body: bytes, url: str) -> list[dict[str, Any]]:
    return json_objects(decode_json(body, url), url)


def _csv_records(body: bytes, url: str) -> list[dict[str, Any]]:
    return list(read_csv_rows(body, f" at {url}"))


class PlatformConnector(HttpConnector):
    """Reads the platform's units, reports, compliance and key parameters."""

    system: ClassVar[str] = "platform"
    STREAMS: ClassVar[tuple[str, ...]] = ("units", "reports", "compliance", "parameters")

    def __init__(
        self,
        name: str,
        url: str,
        token: str | None = None,
        *,
        page_size: int = 500,
        years: Iterable[int] | None = None,
        first_month: str = FIRST_PARAMETER_MONTH,
        today: Callable[[], date] | None = None,
        **client: Any,
    ) -> None:
        super().__init__(name, url, token, **client)  # options, session, sleep, streams
        if page_size < 1:
            raise ValueError(f"[publishers.{name}]: page_size must be >= 1, not {page_size}")
        _year_month(first_month)
        self.page_size = page_size
        self.fixed_years = tuple(years) if years is not None else None
        self.first_month = first_month
        self.today = today or china_today

    def years(self) -> tuple[int, ...]:
        """The years to fetch: the configured ones, else 2019 to the current year."""
        if self.fixed_years is not None:
            return self.fixed_years
        return tuple(range(FIRST_YEAR, self.today().year + 1))

    # -- yearly streams ---------------------------------------------------------

    def _stream_units(self, cursor: str | None) -> Stream:
        yield from self._yearly(
            "units", cursor, "/units", _json_records, "entity", "uscc", add_year="listYear"
        )

    def _stream_reports(self, cursor: str | None) -> Stream:
        yield from self._yearly(
            "reports",
            cursor,
            "/reports/{year}.csv",
            _csv_records,
            "emission_report",
            USCC_HEADER,
            expect=CSV_TYPES,
        )

    def _stream_compliance(self, cursor: str | None) -> Stream:
        yield from self._yearly(
            "compliance", cursor, "/compliance", _json_records, "compliance", "uscc"
        )

    def _yearly(
        self,
        stream: str,
        cursor: str | None,
        path: str,
        reader: Reader,
        kind: str,
        key: str,
        *,
        add_year: str | None = None,
        expect: tuple[str, ...] = JSON_TYPES,
    ) -> Stream:
        """Fetch one resource per year; ``{year}`` in ``path`` or else ``?year=``."""
        reached = int(cursor) if cursor and cursor.isdigit() else 0
        prefix = "platform:" + {"entity": "unit", "emission_report": "report"}.get(kind, kind)
        for year in self.years():
            in_path = "{year}" in path
            params = None if in_path else {"year": year}
            resp, payload = yield from self._get(
                path.format(year=year), params, accept=(200, 404), expect=expect
            )
            if resp.status == 404:
                continue  # not published (yet): not an error
            try:
                records = reader(payload.body, payload.url)
            except (JsonError, CsvError) as exc:
                yield self._bad(payload, exc, self._skip_year(stream, year))
                continue
            for index, data in enumerate(records):
                if add_year:
                    data = {**data, add_year: year}
                ref = f"{prefix}:{year}:{data.get(key) or f'missing:{index}'}"
                yield RawRecord(kind, data, ref, payload.sha256)
            reached = max(reached, year)
            yield Checkpoint(stream, str(reached))

    @staticmethod
    def _skip_year(stream: str, year: int) -> str:
        return (
            f"No record of {stream} for {year} was taken in this pull; the other years go on "
            "and the next pull fetches this year again"
        )

    # -- parameters -------------------------------------------------------------

    def _stream_parameters(self, cursor: str | None) -> Stream:
        """Every month from the cursor's (after its last id) to the current month."""
        start, after = self._parameter_cursor(cursor)
        current = self.today().strftime("%Y-%m")
        for month in months(start, current):
            ok = yield from self._parameter_month(month, after if month == start else "")
            if not ok:
                return

    def _parameter_month(self, month: str, after: str) -> Generator[Item, None, bool]:
        """Page through one month; returns False when a page was bad (stop the stream)."""
        while True:
            params: dict[str, Any] = {"month": month, "limit": self.page_size}
            if after:
                params["after"] = after
            _, payload = yield from self._get("/parameters", params, expect=JSON_TYPES)
            try:
                items, next_after = _parameter_page(payload.body, payload.url)
            except JsonError as exc:
                yield self._bad(payload, exc, self._stay("parameters", f"{month}|{after}"))
                return False
            last = after
            for index, item in enumerate(items):
                item_id = item.get("id")
                ref = f"platform:parameter:{item_id or f'missing:{month}:{after}:{index}'}"
                yield RawRecord("key_parameter", item, ref, payload.sha256)
                last = str(item_id) if item_id not in (None, "") else last
            last = next_after or last
            if items:
                yield Checkpoint("parameters", f"{month}|{last}")
            if not next_after or not items or next_after == after:
                return True
            after = next_after

    def _parameter_cursor(self, cursor: str | None) -> tuple[str, str]:
        if not cursor:
            return self.first_month, ""
        month, sep, last_id = cursor.partition("|")
        try:
            _year_month(month)
        except ValueError as exc:
            raise ValueError(
                f"[publishers.{self.name}]: saved cursor for stream 'parameters' is {cursor!r},"
                " not 'YYYY-MM|lastId'; reset it or delete it to start over"
            ) from exc
        return month, last_id if sep else ""


def _parameter_page(body: bytes, url: str) -> tuple[list[dict[str, Any]], str]:
    """(items, nextAfter or "") of a ``/parameters`` answer."""
    data = decode_json(body, url)
    if not isinstance(data, dict) or not isinstance(data.get("list"), list):
        raise JsonError(f"the answer at {url} is not an object with a 'list' of deposits")
    next_after = data.get("nextAfter")
    return json_objects(data["list"], url), str(next_after) if next_after else ""
