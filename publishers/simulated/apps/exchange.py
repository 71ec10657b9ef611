"""The exchange (全国碳排放权交易系统 and the CCER trading system).

``GET /trades?after=&limit=`` and ``GET /market/daily?from=&to=``, every answer wrapped
in ``{"code", "msg", "data"}``; ``code != 0`` is an error even with HTTP 200.
"""

from __future__ import annotations

from ..calendar import AS_OF, FIRST_TRADING_DAY
from ..faults import FaultBoard
from ..generator.market import Quote
from ..generator.trades import TRADE_ID, fen
from ..generator.world import World
from ..params import HttpError, bad, date_param, int_param
from ..servers import Request, Response, json_response

# Error codes in the exchange's wrapper (1003 "system busy" is the documented one).
_CODES = {400: 1001, 401: 1002, 404: 1004, 429: 1005, 503: 1006}


def _price(q: Quote, value: int) -> str:
    return fen(value) if q.listing else "0.00"


def quote_json(day: str, q: Quote) -> dict:
    """One market/daily row in the exchange's own field names."""
    change = f"{(q.close - q.last_close) / q.last_close * 100:.2f}" if q.listing and q.last_close else "0.00"
    methods = [{"tradeMethod": m, "tradeVolume": q.qty.get(m, 0), "tradeAmount": fen(q.amt.get(m, 0))}
               for m in ("10", "20", "21") if m != "21" or q.qty.get(m)]
    row = {
        "tradeDate": day, "subjectCode": q.subject, "openPric": _price(q, q.open), "highPric": _price(q, q.high),
        "lowPric": _price(q, q.low), "closPric": _price(q, q.close), "lastClosPric": fen(q.last_close),
        "chanRate": "0.00" if change == "-0.00" else change, "dealQty": sum(q.qty.values()),
        "dealAmt": fen(sum(q.amt.values())), "methods": methods,
    }
    if q.defect == "thousands-separator":
        whole, cents = row["dealAmt"].split(".")
        row["dealAmt"] = f"{int(whole):,}.{cents}"
    elif q.defect == "price-three-decimals":
        row["closPric"] += "5"
    return row


def ok(data: object) -> Response:
    return json_response({"code": 0, "msg": "success", "data": data})


def _trade_answer(items: list[dict], has_more: bool, after: str | None) -> Response:
    next_after = items[-1]["tradeId"] if items else after
    return ok({"list": items, "hasMore": has_more, "nextAfter": next_after})


class ExchangeApp:
    system = "exchange"

    def __init__(self, world: World) -> None:
        self.world = world
        self._held: dict[tuple[str | None, int], Response] = {}

    def hold_trade_pages(self, limit: int) -> int:
        """Generate every trade page of ``limit`` now and keep its answer encoded, as a real
        exchange keeps its trades, so that serving a page costs neither generation nor
        encoding (for benchmarks that time the puller, not the simulator). A page that a
        fault alters is still built afresh. Returns how many pages are held."""
        after: str | None = None
        while True:
            items, more = self.world.trades.page(after, limit)
            self._held[(after, limit)] = _trade_answer(items, more, after)
            if not more or not items:
                return len(self._held)
            after = items[-1]["tradeId"]

    def handle(self, request: Request, faults: FaultBoard) -> Response:
        if request.path == "/trades":
            return self._trades(request, faults)
        if request.path == "/market/daily":
            return self._daily(request)
        raise HttpError(404, f"no such resource {request.path} / 资源不存在")

    def _trades(self, request: Request, faults: FaultBoard) -> Response:
        after = request.query.get("after") or None
        if after is not None and not TRADE_ID.match(after):
            raise bad("after", "must be a trade id like T20250102000123", "须为成交编号，如 T20250102000123")
        limit = int_param(request.query, "limit", 500, 1, 1000)
        held = self._held.get((after, limit))
        if held is not None and not faults.pending(("duplicate_seq", "duplicate_page"), request.path):
            return Response(held.status, held.body, held.content_type)
        book = self.world.trades
        items, has_more = book.page(after, limit)
        if items and faults.take("duplicate_seq", request.path):
            items.insert(len(items) // 2, dict(items[len(items) // 2]))
        if after and faults.take("duplicate_page", request.path, lambda f: bool(book.boundary(after))):
            items = book.boundary(after) + items
        return _trade_answer(items, has_more, after)

    def _daily(self, request: Request) -> Response:
        first = date_param(request.query, "from", FIRST_TRADING_DAY)
        last = date_param(request.query, "to", AS_OF)
        if first > last:
            raise bad("from", "must not be after to", "不得晚于 to")
        lo, hi = first.isoformat(), last.isoformat()
        rows = [quote_json(day, q) for day, md in self.world.market_by_date.items() if lo <= day <= hi
                for q in md.quotes.values()]
        return ok(rows)

    def error(self, request: Request, status: int, message: str) -> Response:
        return json_response({"code": _CODES.get(status, 1000 + status), "msg": message, "data": None}, status)

    def defects(self) -> list[dict]:
        return [d for d in self.world.known_defects() if d["system"] == self.system]
