"""Connector to the exchange (全国碳排放权交易系统 and the CCER trading system).

Every answer is wrapped as ``{"code": 0, "msg": "success", "data": ...}``; ``code`` 1003
("系统繁忙") is retried by the HTTP client, any other non-zero code is a BadPayload
``api-error``.

Streams:

* ``trades`` — ``GET /trades?after={tradeId}&limit={n}`` (``after`` omitted on a first pull),
  following ``hasMore``/``nextAfter``. Cursor: the last trade id (``""`` at the start). Kind
  ``trade``, source_ref ``exchange:trade:{tradeId}``. A trade repeated at a page boundary is
  yielded again (the pipeline dedupes).
* ``market_daily`` — ``GET /market/daily?from=&to=`` in windows of ``window_days`` from
  2021-07-16 (or the cursor) to today (UTC+8). Cursor: the last date fully fetched; every pull
  re-fetches the last ``refetch_days`` days to pick up corrections. Kind ``market_day``,
  source_ref ``exchange:market:{tradeDate}:{subjectCode}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any, ClassVar

from publishers.base import Checkpoint, RawRecord
from publishers.http import (
    JSON_TYPES,
    HttpConnector,
    JsonError,
    Response,
    Stream,
    china_today,
    decode_json,
    json_objects,
)

FIRST_TRADING_DAY = date(2021, 7, 16)
CODE_BUSY = 1003


def busy_reason(resp: Response) -> str | None:
    """The retry hook: a 200 body with ``code`` 1003 means "busy, retry later"."""
    if b"1003" not in resp.body[:256]:
        return None  # fast path: a busy answer is tiny; don't parse big pages twice
    try:
        body = decode_json(resp.body)
    except JsonError:
        return None
    if isinstance(body, dict) and body.get("code") == CODE_BUSY:
        return f"exchange busy: code {CODE_BUSY} ({body.get('msg', '')})"
    return None


def unwrap(body: bytes, url: str) -> Any:
    """The ``data`` of a wrapped answer; ``api-error`` when ``code`` is not 0."""
    answer = decode_json(body, url)
    if not isinstance(answer, dict) or "code" not in answer:
        raise JsonError(f"the answer at {url} lacks the {{code, msg, data}} wrapper")
    if answer["code"] != 0:
        raise JsonError(
            f"the exchange answered code {answer['code']!r} with msg {answer.get('msg')!r} "
            f"at {url}",
            error_type="api-error",
        )
    return answer.get("data")


def windows(start: date, end: date, days: int) -> Iterator[tuple[date, date]]:
    """Inclusive ``(from, to)`` windows of at most ``days`` days covering start..end."""
    low = start
    while low <= end:
        high = min(end, low + timedelta(days=days - 1))
        yield low, high
        low = high + timedelta(days=1)


class ExchangeConnector(HttpConnector):
    """Reads the exchange's trades and daily market data."""

    system: ClassVar[str] = "exchange"
    STREAMS: ClassVar[tuple[str, ...]] = ("trades", "market_daily")

    def __init__(
        self,
        name: str,
        url: str,
        token: str | None = None,
        *,
        page_size: int = 1000,
        first_day: date = FIRST_TRADING_DAY,
        window_days: int = 31,
        refetch_days: int = 7,
        today: Callable[[], date] | None = None,
        **client: Any,
    ) -> None:
        super().__init__(name, url, token, **client)  # options, session, sleep, streams
        if not 1 <= page_size <= 1000:
            raise ValueError(f"[publishers.{name}]: page_size must be 1..1000, not {page_size}")
        if window_days < 1 or refetch_days < 1:
            raise ValueError(f"[publishers.{name}]: window_days and refetch_days must be >= 1")
        self.page_size = page_size
        self.first_day = first_day
        self.window_days = window_days
        self.refetch_days = refetch_days
        self.today = today or china_today

    # -- trades -----------------------------------------------------------------

    def _stream_trades(self, cursor: str | None) -> Stream:
        """Page through trades after the cursor until ``hasMore`` is false."""
        after = cursor or ""
        while True:
            params: dict[str, Any] = {"limit": self.page_size}
            if after:
                params["after"] = after
            _, payload = yield from self._get(
                "/trades", params, expect=JSON_TYPES, retry_body=busy_reason
            )
            try:
                trades, has_more, next_after = _trade_page(payload.body, payload.url)
            except JsonError as exc:
                yield self._bad(payload, exc, self._stay("trades", after or '""'))
                return
            reached = after
            for index, trade in enumerate(trades):
                trade_id = trade.get("tradeId")
                ref = f"exchange:trade:{trade_id or f'missing:{after}:{index}'}"
                yield RawRecord("trade", trade, ref, payload.sha256)
                reached = _later_id(reached, trade_id)
            reached = _later_id(reached, next_after)
            yield Checkpoint("trades", reached)
            if not has_more or not trades or reached == after:
                return
            after = reached

    # -- market daily -----------------------------------------------------------

    def _stream_market_daily(self, cursor: str | None) -> Stream:
        """Fetch the daily rows window by window, re-fetching the last days."""
        done = self._cursor_date(cursor)
        start = self.first_day
        if done is not None:
            start = max(start, done - timedelta(days=self.refetch_days - 1))
        for low, high in windows(start, self.today(), self.window_days):
            params = {"from": low.isoformat(), "to": high.isoformat()}
            _, payload = yield from self._get(
                "/market/daily", params, expect=JSON_TYPES, retry_body=busy_reason
            )
            try:
                rows = json_objects(unwrap(payload.body, payload.url), payload.url)
            except JsonError as exc:
                yield self._bad(payload, exc, self._stay("market_daily", done or "(none)"))
                return
            for row in rows:
                ref = f"exchange:market:{row.get('tradeDate')}:{row.get('subjectCode')}"
                yield RawRecord("market_day", row, ref, payload.sha256)
            done = high if done is None else max(done, high)
            yield Checkpoint("market_daily", done.isoformat())

    def _cursor_date(self, cursor: str | None) -> date | None:
        if not cursor:
            return None
        try:
            return date.fromisoformat(cursor)
        except ValueError as exc:
            raise ValueError(
                f"[publishers.{self.name}]: saved cursor for stream 'market_daily' is "
                f"{cursor!r}, not a YYYY-MM-DD date; reset it or delete it to start over"
            ) from exc


def _trade_page(body: bytes, url: str) -> tuple[list[dict[str, Any]], bool, str | None]:
    """(trades, hasMore, nextAfter) of a ``/trades`` answer."""
    data = unwrap(body, url)
    if not isinstance(data, dict) or not isinstance(data.get("list"), list):
        raise JsonError(f"the answer at {url} has no data.list of trades")
    next_after = data.get("nextAfter")
    return (
        json_objects(data["list"], url),
        data.get("hasMore") in (True, "true"),
        next_after if isinstance(next_after, str) and next_after else None,
    )


def _later_id(current: str, candidate: Any) -> str:
    """Trade ids are ordered as strings; the cursor never moves backwards."""
    if isinstance(candidate, str) and candidate > current:
        return candidate
    return current
