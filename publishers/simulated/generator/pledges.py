"""Pledges of allowances (质押) and voluntary cancellations of CEA (自愿注销)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..calendar import AS_OF, vintage_code
from ..rand import rng
from ..uscc import make_uscc
from .events import Event, d, local_time, office_time
from .names import BANKS
from .units import Unit

_PLEDGES_PER_YEAR = {2021: 12, 2022: 30, 2023: 35, 2024: 40, 2025: 45, 2026: 20}
_TYPICAL_PRICE = {2021: 45, 2022: 56, 2023: 65, 2024: 90, 2025: 65, 2026: 75}


class Pledgees:
    """Bank branches (pledgees), one USCC per bank and city."""

    def __init__(self, seed: int, used_codes: set[str]) -> None:
        self._seed, self._used, self._codes = seed, used_codes, {}

    def branch(self, rnd: random.Random, unit: Unit) -> tuple[str, str]:
        bank = rnd.choice(BANKS)
        name = f"{bank}{unit.city}分行"
        if name not in self._codes:
            self._codes[name] = make_uscc(rng(self._seed, "bank", name), unit.area, self._used)
        return self._codes[name], name


def _latest_vintage(day: date) -> str:
    if day >= d("2024-11-18"):
        return vintage_code(2024 if day < d("2026-03-30") else 2025)
    return vintage_code(2022) if day >= d("2023-05-08") else vintage_code(2020)


def _pledge_events(rnd: random.Random, pledge_id: str, pledgor: Unit, pledgee: tuple[str, str],
                   start: date) -> list[Event]:
    qty = rnd.choice((5, 10, 20, 30, 50, 100, 200)) * 10_000
    price = _TYPICAL_PRICE[start.year] * rnd.uniform(0.5, 0.7)
    term = 365 * rnd.choice((1, 1, 1, 2)) - 1
    end = start + timedelta(days=term)
    registered = Event("PLEDGE_REGISTERED", local_time(start, rnd.randrange(9 * 3600, 17 * 3600)), [
        ("PledgeId", pledge_id), ("PledgorUscc", pledgor.uscc), ("PledgeeUscc", pledgee[0]),
        ("PledgeeName", pledgee[1]), ("Unit", _latest_vintage(start)), ("Quantity", str(qty)),
        ("SecuredAmount", f"{qty * price:.2f}", {"currency": "CNY"}),
        ("TermStart", start.isoformat()), ("TermEnd", end.isoformat())])
    return [registered, *_closing_events(rnd, pledge_id, qty, start, end)]


def _closing_events(rnd: random.Random, pledge_id: str, qty: int, start: date, end: date) -> list[Event]:
    """Releases (full or partial, in steps) or an enforcement, up to the simulated present."""
    fate = rnd.random()
    if fate < 0.05:
        when = min(end + timedelta(days=rnd.randrange(10, 60)), AS_OF)
        taken = qty if rnd.random() < 0.5 else qty // 2
        return [Event("PLEDGE_ENFORCED", office_time(rnd, when, when), [("PledgeId", pledge_id), ("Quantity", str(taken))])]
    steps = 1 if fate < 0.75 else rnd.choice((2, 3))
    out, left = [], qty
    for i in range(steps):
        when = start + timedelta(days=(end - start).days * (i + 1) // steps)
        if when > AS_OF:
            break
        part = left if i == steps - 1 else qty // steps
        if fate > 0.95 and i == steps - 1:
            part //= 2  # partly released, the rest stays pledged
        out.append(Event("PLEDGE_RELEASED", office_time(rnd, when - timedelta(days=3), when),
                         [("PledgeId", pledge_id), ("Quantity", str(part))]))
        left -= part
    return out


def pledge_events(seed: int, units: list[Unit], used_codes: set[str]) -> list[Event]:
    """Every pledge with its releases and enforcements, oldest first."""
    pledgees = Pledgees(seed, used_codes)
    power = [u for u in units if u.sector == "POWER"]
    out: list[Event] = []
    for year, count in _PLEDGES_PER_YEAR.items():
        for n in range(1, count + 1):
            rnd = rng(seed, "pledge", year, n)
            first = d(f"{year}-01-04") if year > 2021 else d("2021-08-02")
            last = min(d(f"{year}-12-28"), AS_OF - timedelta(days=5))
            start = d(office_time(rnd, first, last)[:10])
            pledgor = rnd.choice(power if year < 2025 else units)
            out += _pledge_events(rnd, f"ZY{year}{n:06d}", pledgor, pledgees.branch(rnd, pledgor), start)
    return out


def cancellation_events(seed: int, units: list[Unit]) -> list[Event]:
    """Voluntary cancellations of CEA (public)."""
    out = []
    for n in range(40):
        rnd = rng(seed, "cea-cancellation", n)
        when = office_time(rnd, d("2022-03-01"), AS_OF)
        unit = rnd.choice(units[:2000])
        qty = rnd.choice((1, 10, 100, 500, 1000, 2000, 5000))
        out.append(Event("CANCELLATION", when, [("Uscc", unit.uscc), ("Unit", _latest_vintage(d(when[:10]))),
                                                ("Quantity", str(qty)), ("Purpose", "VOLUNTARY")]))
    return out
