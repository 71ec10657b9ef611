"""Allocation (配额分配), surrender (清缴) and the platform's compliance view of them.

Power allocations follow the MEE benchmark method: A = Qe x Be x Ff + Qh x Bh, with gas
units topped up to their verified emissions and every unit to at least 80% of them
(TRUE_UP). ALLOCATION events carry what the registry issued at each stage: PRE, then
FINAL with the remainder (final minus pre), or DEDUCTION when pre-allocation exceeded
the final amount. Steel, cement and aluminium were allocated their verified 2024 emissions.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..calendar import LAST_COMPLIANCE_YEAR, vintage_code
from ..rand import rng
from ..reference import power_benchmarks
from .events import Event, d, office_time
from .units import Unit, UnitYear

_WINDOWS = {
    2019: {"PRE": ("2021-03-29", "2021-04-30"), "FINAL": ("2021-09-01", "2021-10-15"), "TRUE_UP": ("2021-10-18", "2021-11-12")},
    2021: {"PRE": ("2023-04-10", "2023-05-19"), "FINAL": ("2023-09-11", "2023-10-27"), "TRUE_UP": ("2023-11-06", "2023-11-24")},
    2023: {"PRE": ("2024-10-28", "2024-11-15"), "FINAL": ("2024-11-18", "2024-12-06"), "TRUE_UP": ("2024-12-09", "2024-12-13")},
    2024: {"PRE": ("2024-10-28", "2024-11-15"), "FINAL": ("2025-09-08", "2025-10-17"), "TRUE_UP": ("2025-10-20", "2025-11-07")},
    2025: {"PRE": ("2026-05-11", "2026-06-30")},
}
_WINDOWS[2020], _WINDOWS[2022] = _WINDOWS[2019], _WINDOWS[2021]
_NON_POWER_FINAL_2024 = ("2025-09-22", "2025-10-31")
_DEADLINE = {2019: "2021-12-31", 2020: "2021-12-31", 2021: "2023-12-31", 2022: "2023-12-31",
             2023: "2024-12-31", 2024: "2025-12-31"}
_PUBLISHED = {2019: "2022-01-28", 2020: "2022-01-28", 2021: "2024-01-31", 2022: "2024-01-31",
              2023: "2025-01-24", 2024: "2026-01-30"}
STATUS = {"full": "已履约", "partial": "部分履约", "none": "未履约"}
NEW_CCER_YEAR = 2024  # from this compliance year some offsets are new-registry CCERs
Benchmarks = dict[int, dict[str, tuple[float, float]]]


@dataclass(slots=True)
class ComplianceRow:
    uscc: str
    year: int
    obligation: int
    cea: int
    ccer: int
    status: str
    deadline: str
    published_on: str
    defect: tuple[str, str] | None = None

    def as_json(self) -> dict:
        return {"uscc": self.uscc, "complianceYear": self.year, "obligation": self.obligation,
                "surrenderedCea": self.cea, "surrenderedCcer": self.ccer, "status": self.status,
                "deadline": self.deadline, "publishedOn": self.published_on}


@dataclass(frozen=True, slots=True)
class CcerDemand:
    """A unit that offsets part of its obligation with new-registry CCERs."""

    uscc: str
    quantity: int
    time: str


def _allocation_event(rnd: random.Random, uscc: str, year: int, stage: str, qty: int,
                      window: tuple[str, str]) -> Event:
    return Event("ALLOCATION", office_time(rnd, d(window[0]), d(window[1])),
                 [("Uscc", uscc), ("Vintage", vintage_code(year)), ("Quantity", str(qty)), ("Stage", stage)])


def _power_final(bench: Benchmarks, unit: Unit, uy: UnitYear, year: int) -> tuple[int, int]:
    """(benchmark allocation, top-up) for a power unit-year."""
    be, bh = bench[year][unit.power_class]
    ff = 1.0
    if year >= 2023 and unit.power_class != "IV" and uy.load_factor < 0.65:
        ff = round(1.015 ** (16 - 20 * uy.load_factor), 6)
    benchmark = math.floor(uy.electricity * be * ff + uy.heat * bh)
    floor_to = uy.verified if unit.power_class == "IV" else math.ceil(0.8 * uy.verified)
    return benchmark, max(0, floor_to - benchmark)


def allocation_events(seed: int, unit: Unit, years: dict[int, UnitYear], bench: Benchmarks | None = None) -> list[Event]:
    """Every ALLOCATION event of one unit (``bench``: the MEE power benchmarks, read once)."""
    bench = bench or power_benchmarks()
    out: list[Event] = []
    for year, uy in sorted(years.items()):
        rnd = rng(seed, "allocation", unit.uscc, year)
        windows = _WINDOWS[year]
        prior = years.get(year - 1)
        if unit.sector != "POWER":
            if year == 2024:
                out.append(_allocation_event(rnd, unit.uscc, year, "FINAL", uy.verified, _NON_POWER_FINAL_2024))
            elif prior:
                out.append(_allocation_event(rnd, unit.uscc, year, "PRE", prior.verified // 2, windows["PRE"]))
            continue
        benchmark, top_up = _power_final(bench, unit, uy, year)
        if year >= 2025:
            if prior:
                out.append(_allocation_event(rnd, unit.uscc, year, "PRE", prior.verified // 2, windows["PRE"]))
            continue
        base = prior.verified if year >= 2023 and prior else benchmark * rnd.uniform(0.95, 1.05)
        pre = math.floor(0.7 * base)
        out.append(_allocation_event(rnd, unit.uscc, year, "PRE", pre, windows["PRE"]))
        stage = "FINAL" if benchmark >= pre else "DEDUCTION"
        if benchmark != pre:
            out.append(_allocation_event(rnd, unit.uscc, year, stage, abs(benchmark - pre), windows["FINAL"]))
        if top_up:
            out.append(_allocation_event(rnd, unit.uscc, year, "TRUE_UP", top_up, windows["TRUE_UP"]))
    return out


def _outcomes(seed: int, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Which unit-years comply fully, partly or not at all (about 99.5% fully)."""
    rnd = rng(seed, "compliance-outcomes")
    n_none, n_partial = max(2, len(keys) // 1000), max(4, len(keys) * 4 // 1000)
    picked = rnd.sample(keys, n_none + n_partial)
    out = dict.fromkeys(picked[:n_none], "none")
    out.update(dict.fromkeys(picked[n_none:], "partial"))
    return out


def _split_cea(rnd: random.Random, year: int, total: int) -> list[tuple[str, int]]:
    older = vintage_code(year - 1)
    if total == 0:
        return []
    if older != vintage_code(year) and year - 1 >= 2019 and rnd.random() < 0.2:
        part = int(total * rnd.uniform(0.1, 0.4))
        return [(vintage_code(year), total - part), (older, part)]
    return [(vintage_code(year), total)]


def surrenders(seed: int, units: list[Unit], unit_years: dict[tuple[str, int], UnitYear]
               ) -> tuple[list[Event], list[ComplianceRow], list[CcerDemand]]:
    """SURRENDER events, the platform's compliance rows, and new-CCER offset demands."""
    keys = sorted(k for k in unit_years if k[1] <= LAST_COMPLIANCE_YEAR)
    outcomes = _outcomes(seed, keys)
    events: list[Event] = []
    rows: list[ComplianceRow] = []
    demands: list[CcerDemand] = []
    for uscc, year in keys:
        rnd = rng(seed, "surrender", uscc, year)
        obligation = unit_years[uscc, year].verified
        outcome = outcomes.get((uscc, year), "full")
        total = {"full": obligation, "partial": int(obligation * rnd.uniform(0.3, 0.95)), "none": 0}[outcome]
        ccer = int(obligation * rnd.uniform(0.01, 0.05)) if outcome == "full" and rnd.random() < 0.08 else 0
        deadline = d(_DEADLINE[year])
        window = (deadline.replace(month=10, day=8), deadline.replace(day=30))
        for vintage, qty in _split_cea(rnd, year, total - ccer):
            events.append(Event("SURRENDER", office_time(rnd, *window, skew=2.0), [
                ("Uscc", uscc), ("ComplianceYear", str(year)), ("Unit", vintage), ("Quantity", str(qty))]))
        if ccer:
            time = office_time(rnd, *window, skew=2.0)
            events.append(Event("SURRENDER", time, [
                ("Uscc", uscc), ("ComplianceYear", str(year)), ("Unit", "CCER"), ("Quantity", str(ccer))]))
            if year >= NEW_CCER_YEAR:
                demands.append(CcerDemand(uscc, ccer, time))
        rows.append(ComplianceRow(uscc, year, obligation, total - ccer, ccer, STATUS[outcome],
                                  _DEADLINE[year], _PUBLISHED[year]))
    _disagree(seed, rows)
    return events, rows, demands


def _disagree(seed: int, rows: list[ComplianceRow]) -> None:
    """Make a few compliance rows state a status their own numbers contradict."""
    rnd = rng(seed, "compliance-disagreements")
    partial = [r for r in rows if r.status == STATUS["partial"]]
    full = [r for r in rows if r.status == STATUS["full"]]
    for row in rnd.sample(partial, min(2, len(partial))):
        row.status = STATUS["full"]
        row.defect = ("compliance-status-disagrees", "status 已履约 but surrendered < obligation")
    for row in rnd.sample(full, 1):
        row.status = STATUS["none"]
        row.defect = ("compliance-status-disagrees", "status 未履约 but surrendered = obligation")
