"""The exchange's trades, derived one by one from (seed, index) and never held in memory.

Trades are spread over the trading days in proportion to the square root of each day's
volume; trade ``i`` is found by a binary search over per-day start indices, so any page
of a 1,000,000-trade book costs O(page). Listing trades are priced inside the day's
listing high/low of their subject (itself inside +/-10% of the previous close), block
trades within +/-30%. The book is a sample: its sums do not equal the daily totals.
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..rand import rng, weighted_choice
from .market import BLOCK_MIN, Quote
from .pricepath import band, clamp
from .vintages import MarketDay

TRADE_ID = re.compile(r"^T\d{14}$")
_METHOD_WEIGHT = {"10": 0.6, "20": 0.4, "21": 0.5}
# (defect kind, position as a share of the book, needs a listing trade, description)
_DEFECTS = (
    ("price-three-decimals", 0.11, True, "dealPric has three decimals (old gateway node)"),
    ("thousands-separator", 0.23, False, "dealAmt carries thousands separators"),
    ("out-of-band-listing-price", 0.37, True, "listing trade priced 15% above the previous close"),
    ("duplicate-trade-id", 0.52, False, "trade id sent twice with different content; the second wins"),
    ("missing-required-field", 0.61, False, "dealQty missing"),
    ("unknown-code", 0.74, False, "tradeMethod 30 is not a known trade method"),
    ("malformed-date", 0.88, False, "tradeDate written with slashes"),
)


def fen(value: int) -> str:
    """Fen as a CNY string with two decimals."""
    return f"{value // 100}.{value % 100:02d}"


@dataclass(frozen=True, slots=True)
class DayPlan:
    key: str  # YYYYMMDD
    iso: str
    morning: float  # share of the day's trades before noon (listing only)
    by_method: dict[str, tuple[list[Quote], list[int]]]  # method -> (quotes, weights)


def _plan(day: MarketDay) -> DayPlan:
    by_method: dict[str, tuple[list[Quote], list[int]]] = {}
    for q in day.quotes.values():
        if q.subject == "COMCEA":
            continue
        for method, qty in q.qty.items():
            quotes, weights = by_method.setdefault(method, ([], []))
            quotes.append(q)
            weights.append(qty)
    iso = day.date.isoformat()
    return DayPlan(iso.replace("-", ""), iso, 0.5 if "10" in by_method else 0.0, by_method)


class TradeBook:
    """``n`` trades over the market days, addressable by index or by trade id."""

    def __init__(self, seed: int, n: int, market: list[MarketDay], pools: dict[int, list[tuple[str, int]]]) -> None:
        self.seed, self.n, self._pools = seed, n, pools
        self._plans = [_plan(day) for day in market]
        self._keys = [p.key for p in self._plans]
        weights = [math.isqrt(sum(q.qty.get(m, 0) for q in day.quotes.values() if q.subject != "COMCEA" for m in q.qty))
                   for day in market]
        total, running, self._starts = sum(weights), 0, [0]
        for w in weights:
            running += w
            self._starts.append(n * running // total)
        self.defects = self._place_defects()

    def _place_defects(self) -> dict[int, tuple[str, str]]:
        out: dict[int, tuple[str, str]] = {}
        for kind, share, needs_listing, text in _DEFECTS:
            i = int(share * self.n)
            while i < self.n - 1 and (i in out or (needs_listing and self._base(i)["tradeMethod"] != "10")):
                i += 1
            out[i] = (kind, text)
        return out

    def position_after(self, after: str | None) -> int:
        """Index of the first trade whose id is greater than ``after``."""
        if not after:
            return 0
        if not TRADE_ID.match(after):
            raise ValueError("after must be a trade id like T20250102000123 / after 须为成交编号")
        k = bisect_left(self._keys, after[1:9])
        if k < len(self._keys) and self._keys[k] == after[1:9]:
            return min(self._starts[k] + int(after[9:]), self._starts[k + 1])
        return self._starts[k]

    def records(self, i: int) -> list[dict]:
        """Trade ``i`` as sent (two records when it is corrected by a second sending)."""
        trade = self._base(i)
        kind = self.defects.get(i, ("", ""))[0]
        if kind == "duplicate-trade-id":
            return [trade, _corrected(trade)]
        if kind:
            _DEFECT_APPLY[kind](trade, self._plans[self._day(i)])
        return [trade]

    def _day(self, i: int) -> int:
        return bisect_right(self._starts, i) - 1

    def _base(self, i: int) -> dict:
        d = self._day(i)
        plan, j, count = self._plans[d], i - self._starts[d], self._starts[d + 1] - self._starts[d]
        rnd = rng(self.seed, "trade", i)
        n_morning = round(count * plan.morning)
        morning = j < n_morning
        seconds = _clock(rnd, j if morning else j - n_morning, n_morning if morning else count - n_morning, morning)
        method = "10" if morning else _method(rnd, plan)
        quotes, weights = plan.by_method[method]
        quote = weighted_choice(rnd, quotes, weights)
        qty, price = _size_and_price(rnd, method, quote)
        buyer, seller = rnd.sample(self._pools[min(int(plan.iso[:4]), max(self._pools))], 2)
        prefix = "CCER" if quote.subject == "CCER" else "CEA"
        return {
            "tradeId": f"T{plan.key}{j + 1:06d}", "tradeDate": plan.iso,
            "tradeTime": f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}",
            "subjectCode": quote.subject, "tradeMethod": method, "dealPric": fen(price), "dealQty": qty,
            "dealAmt": fen(price * qty), "buyAcct": f"{prefix}-{buyer[0][:4]}-{buyer[1]:04d}",
            "sellAcct": f"{prefix}-{seller[0][:4]}-{seller[1]:04d}", "buyUscc": buyer[0], "sellUscc": seller[0],
        }

    def page(self, after: str | None, limit: int) -> tuple[list[dict], bool]:
        """Up to ``limit`` records after ``after``; a corrected pair is never split."""
        i, items = self.position_after(after), []
        while i < self.n:
            records = self.records(i)
            if items and len(items) + len(records) > limit:
                break
            items += records
            i += 1
            if len(items) >= limit:
                break
        return items, i < self.n

    def boundary(self, after: str | None) -> list[dict]:
        """The trade whose id is ``after`` (for the repeated-at-page-boundary fault)."""
        i = self.position_after(after) - 1
        if i < 0 or self._base(i)["tradeId"] != after:
            return []
        return self.records(i)[-1:]


def _clock(rnd: random.Random, k: int, n: int, morning: bool) -> int:
    """Seconds after midnight: trades spread evenly over 09:30-11:30 or 13:00-15:00."""
    start = 9 * 3600 + 1800 if morning else 13 * 3600
    return start + int((k + rnd.random()) * 7200 / max(n, 1))


def _method(rnd: random.Random, plan: DayPlan) -> str:
    methods = list(plan.by_method)
    return weighted_choice(rnd, methods, [_METHOD_WEIGHT[m] for m in methods])


def _size_and_price(rnd: random.Random, method: str, q: Quote) -> tuple[int, int]:
    blo, bhi = band(q.last_close, 30)
    if method == "10":
        qty = clamp(int(rnd.lognormvariate(7.6, 1.3)), 1, BLOCK_MIN - 1)
        if qty > 1000 and rnd.random() < 0.6:
            qty = qty // 100 * 100  # many orders are in round lots
        return qty, rnd.randint(q.low, q.high)
    if method == "20":
        qty = clamp(int(rnd.lognormvariate(12.4, 0.7)) // 1000 * 1000, BLOCK_MIN, 3_000_000)
        return qty, clamp(round(q.last_close * rnd.uniform(0.8, 1.02)), blo, bhi)
    return int(round(rnd.uniform(10_000, 300_000), -3)), clamp(round(q.effective_close * rnd.uniform(0.96, 1.02)), blo, bhi)


def _corrected(trade: dict) -> dict:
    fixed = dict(trade)
    fixed["dealQty"] = max(1, trade["dealQty"] - 100) if trade["dealQty"] > 100 else trade["dealQty"] + 1
    cents = round(float(trade["dealPric"]) * 100)
    fixed["dealAmt"] = fen(cents * fixed["dealQty"])
    return fixed


def _three_decimals(trade: dict, plan: DayPlan) -> None:
    trade["dealPric"] += "5"


def _thousands(trade: dict, plan: DayPlan) -> None:
    whole, cents = trade["dealAmt"].split(".")
    trade["dealAmt"] = f"{int(whole):,}.{cents}"


def _out_of_band(trade: dict, plan: DayPlan) -> None:
    quote = next(q for q in plan.by_method["10"][0] if q.subject == trade["subjectCode"])
    price = math.floor(quote.last_close * 1.15)
    trade["dealPric"], trade["dealAmt"] = fen(price), fen(price * trade["dealQty"])


def _missing(trade: dict, plan: DayPlan) -> None:
    del trade["dealQty"]


def _unknown(trade: dict, plan: DayPlan) -> None:
    trade["tradeMethod"] = "30"


def _malformed_date(trade: dict, plan: DayPlan) -> None:
    trade["tradeDate"] = trade["tradeDate"].replace("-", "/")


_DEFECT_APPLY = {
    "price-three-decimals": _three_decimals, "thousands-separator": _thousands,
    "out-of-band-listing-price": _out_of_band, "missing-required-field": _missing,
    "unknown-code": _unknown, "malformed-date": _malformed_date,
}
