"""Daily market data of the exchange: the COMCEA composite, CEA vintages and CCER.

The composite follows the real CEA price path: on every day in ``cea_daily_excerpt.csv``
it reproduces the real open/high/low/close and per-method volumes and amounts; monthly
listing and block volumes add up to ``cea_monthly.csv``; between known closes the price
is a Brownian bridge through the real closes and monthly listing VWAPs. Prices and
amounts are kept in fen (CNY cents) as integers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ..calendar import trading_days
from ..rand import apportion, rng
from ..reference import RealDay, real_daily, real_monthly
from .pricepath import band, bridge_path, clamp

FIRST_DAY_REFERENCE = 4800  # the 48.00 CNY reference price before the first trading day
_FIRST_DAY_OHL = (4800, 5280, 4800)  # the real first day's open, high, low (not in the excerpt)
_YEAR_END_CLOSES = {"2024-12-31": 9749, "2025-12-31": 7463}
BLOCK_MIN = 100_000


@dataclass(slots=True)
class Quote:
    """One subject on one trading day; prices in fen, 0 meaning "no listing trade"."""

    subject: str
    open: int
    high: int
    low: int
    close: int
    last_close: int
    qty: dict[str, int] = field(default_factory=dict)  # trade method -> tonnes
    amt: dict[str, int] = field(default_factory=dict)  # trade method -> fen
    defect: str = ""

    @property
    def listing(self) -> bool:
        return self.qty.get("10", 0) > 0

    @property
    def effective_close(self) -> int:
        return self.close if self.listing else self.last_close


@dataclass(slots=True)
class Month:
    """What is left of a real month once its real days are taken out."""

    days: list[int]
    listed: int
    block: int


def _months(iso: list[str], real: dict[str, RealDay]) -> dict[str, Month]:
    out: dict[str, Month] = {}
    for i, day in enumerate(iso):
        out.setdefault(day[:7], Month([], 0, 0)).days.append(i)
    for key, month in out.items():
        m = real_monthly().get(key)
        days = [iso[i] for i in month.days]
        month.listed = max(0, (m.listed_qty if m else 0) - sum(real[x].listed_qty for x in days if x in real))
        month.block = max(0, (m.block_qty if m else 0) - sum(real[x].block_qty for x in days if x in real))
    return out


def _exact_closes(iso: list[str], real: dict[str, RealDay]) -> dict[int, int]:
    """Closes (fen) the composite must hit: real days, the implied close before each real
    window, the real month-end closes and the published year-end closes."""
    index = {day: i for i, day in enumerate(iso)}
    exact = {index[k]: v for k, v in _YEAR_END_CLOSES.items() if k in index}
    for key, m in real_monthly().items():
        days = [i for i, day in enumerate(iso) if day.startswith(key)]
        if m.close and days:
            exact[days[-1]] = m.close
    for day, r in real.items():
        i = index[day]
        exact[i] = r.close
        if i > 0 and iso[i - 1] not in real and r.change_pct is not None:
            exact[i - 1] = round(r.close / (1 + r.change_pct / 100))
    return exact


def _anchors(iso: list[str], months: dict[str, Month], exact: dict[int, int]) -> dict[int, float]:
    anchors = {i: fen / 100 for i, fen in exact.items()}
    for key, month in months.items():
        m = real_monthly().get(key)
        mid = month.days[len(month.days) // 2]
        if m and m.listed_qty and not m.close and mid not in anchors:
            anchors[mid] = m.listed_amt / m.listed_qty / 100
    return anchors


def _volumes(seed: int, months: dict[str, Month], real_idx: set[int], exact: dict[int, int],
             n_days: int) -> tuple[list[int], list[int]]:
    """Listing and block tonnes for every synthetic day (real days stay 0 here)."""
    listing, block = [0] * n_days, [0] * n_days
    for key, month in months.items():
        rnd = rng(seed, "volumes", key)
        free = [i for i in month.days if i not in real_idx]
        if month.listed and free:
            forced = [i for i in free if i in exact]
            others = [i for i in free if i not in exact]
            rnd.shuffle(others)
            wanted = max(1, min(len(free), math.ceil(month.listed / 4000), month.listed))
            chosen = forced + others[: max(0, wanted - len(forced))]
            parts = apportion(month.listed - len(chosen), [rnd.uniform(0.3, 1.7) for _ in chosen])
            for i, part in zip(chosen, parts, strict=True):
                listing[i] = part + 1
        if month.block >= BLOCK_MIN and free:
            chosen = rnd.sample(free, max(1, min(len(free), month.block // 250_000)))
            parts = apportion(month.block - BLOCK_MIN * len(chosen), [rnd.uniform(0.2, 1.8) for _ in chosen])
            for i, part in zip(chosen, parts, strict=True):
                block[i] = BLOCK_MIN + part
    return listing, block


def _auctions(seed: int, iso: list[str], block: list[int], real_idx: set[int]) -> dict[int, int]:
    """One-way auctions (method 21): eight days in 2025, two in 2026, carved from block volume."""
    out = {}
    for year, count in (("2025", 8), ("2026", 2)):
        rnd = rng(seed, "auctions", year)
        pool = [i for i, day in enumerate(iso) if day.startswith(year) and block[i] >= 300_000 and i not in real_idx]
        for i in rnd.sample(pool, min(count, len(pool))):
            out[i] = min(int(round(rnd.uniform(200_000, 1_500_000), -4)), block[i] - BLOCK_MIN)
            block[i] -= out[i]
    return out


def synthetic_quote(rnd: random.Random, subject: str, prev: int, target: int, qty: dict[str, int]) -> Quote:
    """A quote around ``target`` (fen) with listing OHLC inside the +/-10% band of ``prev``."""
    q = Quote(subject, 0, 0, 0, 0, prev, {m: v for m, v in qty.items() if v}, {})
    lo, hi = band(prev, 10)
    if q.listing:
        q.close = clamp(target, lo, hi)
        q.open = clamp(round(prev * (1 + rnd.gauss(0, 0.006))), lo, hi)
        q.high = clamp(round(max(q.open, q.close) * (1 + abs(rnd.gauss(0, 0.008)))), lo, hi)
        q.low = clamp(round(min(q.open, q.close) * (1 - abs(rnd.gauss(0, 0.008)))), lo, hi)
        vwap = clamp(round(q.close * (1 + rnd.gauss(0, 0.002))), q.low, q.high)
        q.amt["10"] = q.qty["10"] * vwap
    blo, bhi = band(prev, 30)
    if q.qty.get("20"):
        q.amt["20"] = q.qty["20"] * clamp(round(prev * rnd.uniform(0.8, 1.0)), blo, bhi)
    if q.qty.get("21"):
        q.amt["21"] = q.qty["21"] * clamp(round(q.effective_close * rnd.uniform(0.95, 1.02)), blo, bhi)
    return q


def _real_quote(r: RealDay, prev: int) -> Quote:
    o, h, lo = (r.open, r.high, r.low) if r.open else _FIRST_DAY_OHL
    qty = {"10": r.listed_qty, "20": r.block_qty, "21": r.auction_qty}
    amt = {"10": r.listed_amt, "20": r.block_amt, "21": r.auction_amt}
    return Quote("COMCEA", o, h, lo, r.close, prev, {m: v for m, v in qty.items() if v},
                 {m: v for m, v in amt.items() if qty[m]})


def composite(seed: int) -> list[Quote]:
    """The COMCEA quote of every trading day."""
    iso = [day.isoformat() for day in trading_days()]
    real = real_daily()
    real_idx = {i for i, day in enumerate(iso) if day in real}
    months = _months(iso, real)
    exact = _exact_closes(iso, real)
    latent = bridge_path(seed, "comcea", len(iso), _anchors(iso, months, exact))
    listing, block = _volumes(seed, months, real_idx, exact, len(iso))
    auction = _auctions(seed, iso, block, real_idx)
    quotes, prev = [], FIRST_DAY_REFERENCE
    for i, day in enumerate(iso):
        if day in real:
            q = _real_quote(real[day], prev)
        else:
            target = exact.get(i, round(latent[i] * 100))
            qty = {"10": listing[i], "20": block[i], "21": auction.get(i, 0)}
            q = synthetic_quote(rng(seed, "comcea-day", day), "COMCEA", prev, target, qty)
        quotes.append(q)
        prev = q.effective_close
    return quotes

