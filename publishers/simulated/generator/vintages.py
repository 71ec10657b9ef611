"""Split the composite into CEA vintage subjects, add CCER, and assemble market days.

COMCEA equals the sum of the vintage subjects: volumes and amounts are apportioned
exactly (block volume in whole 100,000 t lots so every vintage's block total respects
the block minimum); vintage prices sit a little below the composite for older vintages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..calendar import trading_days
from ..rand import apportion, rng
from .market import BLOCK_MIN, Quote, composite, synthetic_quote
from .pricepath import band, bridge_path, clamp

# Vintage subject -> (first trading day, last trading day), newest first.
VINTAGES = (
    ("CEA25", "2026-03-30", "9999-12-31"), ("CEA24", "2024-11-18", "2026-06-26"),
    ("CEA23", "2024-11-18", "2026-06-26"), ("CEA22", "2023-05-08", "2026-06-26"),
    ("CEA21", "2023-05-08", "2026-06-26"), ("CEA", "2021-07-16", "2026-06-26"),
)
_WEIGHTS = (1.0, 0.45, 0.2, 0.1, 0.05, 0.03)
CCER_FIRST_DAY = "2025-03-03"
_CCER_ANCHORS = {"2025-03-03": 90.0, "2025-03-17": 103.5, "2025-04-15": 85.0, "2025-05-30": 78.0,
                 "2025-09-30": 68.0, "2025-12-31": 62.0, "2026-03-31": 66.0, "2026-07-31": 70.0}


@dataclass(slots=True)
class MarketDay:
    date: date
    quotes: dict[str, Quote]  # COMCEA first, then vintages newest first, then CCER


def active_vintages(day: str) -> list[str]:
    return [code for code, first, last in VINTAGES if first <= day <= last]


def _chunked_block(qty: int, weights: list[float]) -> list[int]:
    lots = apportion(qty // BLOCK_MIN, weights)
    if qty and any(lots):
        lots_t = [n * BLOCK_MIN for n in lots]
        lots_t[lots.index(max(lots))] += qty % BLOCK_MIN
        return lots_t
    return [qty] + [0] * (len(weights) - 1)


def _vintage_quote(code: str, comp: Quote, factor: float, prev: int, qty: dict, amt: dict) -> Quote:
    q = Quote(code, 0, 0, 0, 0, prev, {m: v for m, v in qty.items() if v}, {m: v for m, v in amt.items() if qty[m]})
    if q.listing:
        lo, hi = band(prev, 10)
        q.close = clamp(round(amt["10"] / qty["10"]), lo, hi)
        q.open = clamp(round(comp.open * factor), lo, hi)
        q.high = clamp(max(round(comp.high * factor), q.open, q.close), lo, hi)
        q.low = clamp(min(round(comp.low * factor), q.open, q.close), lo, hi)
    return q


def split(comp: Quote, codes: list[str], prev: dict[str, int]) -> list[Quote]:
    """The vintage quotes whose sums are exactly the composite quote."""
    weights = list(_WEIGHTS[: len(codes)])
    factors = [1 - 0.004 * k for k in range(len(codes))]
    qty = {"10": apportion(comp.qty.get("10", 0), weights), "20": _chunked_block(comp.qty.get("20", 0), weights),
           "21": [comp.qty.get("21", 0)] + [0] * (len(codes) - 1)}
    amt = {m: apportion(comp.amt.get(m, 0), [q * f for q, f in zip(qty[m], factors, strict=True)]) for m in qty}
    out = []
    for k, code in enumerate(codes):
        start = prev.get(code) or round(comp.last_close * factors[k])
        out.append(_vintage_quote(code, comp, factors[k], start,
                                  {m: qty[m][k] for m in qty}, {m: amt[m][k] for m in amt}))
    return out


def _ccer_quotes(seed: int, iso: list[str]) -> dict[int, Quote]:
    first = iso.index(CCER_FIRST_DAY)
    index = {day: i - first for i, day in enumerate(iso)}
    anchors = {index[k]: v for k, v in _CCER_ANCHORS.items() if k in index}
    latent = bridge_path(seed, "ccer", len(iso) - first, anchors, vol=0.02)
    out, prev = {}, round(_CCER_ANCHORS[CCER_FIRST_DAY] * 100)
    for k, day in enumerate(iso[first:]):
        rnd = rng(seed, "ccer-day", day)
        qty = {"10": int(rnd.lognormvariate(9.4, 0.9)) + 1,
               "20": int(round(rnd.uniform(BLOCK_MIN, 600_000), -3)) if rnd.random() < 0.25 else 0}
        q = synthetic_quote(rnd, "CCER", prev, round(latent[k] * 100), qty)
        out[first + k] = q
        prev = q.effective_close
    return out


def build_market(seed: int) -> list[MarketDay]:
    """Every trading day's quotes for all subjects."""
    days = trading_days()
    iso = [day.isoformat() for day in days]
    ccer = _ccer_quotes(seed, iso)
    prev: dict[str, int] = {}
    out = []
    for i, comp in enumerate(composite(seed)):
        quotes = {"COMCEA": comp}
        for q in split(comp, active_vintages(iso[i]), prev):
            quotes[q.subject] = q
            prev[q.subject] = q.effective_close
        if i in ccer:
            quotes["CCER"] = ccer[i]
        out.append(MarketDay(days[i], quotes))
    return out
