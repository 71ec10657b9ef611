"""Everything the three simulated systems serve, built once from a seed.

Building the default world (about 3,500 units, 60,000 registry events, 1,200 market
days, seven report files) takes a few seconds; trades and parameter deposits are
derived per page and never held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from ..calendar import LAST_COMPLIANCE_YEAR
from ..rand import rng
from ..reference import power_benchmarks
from ..uscc import corrupt_check, make_uscc
from .allocation import ComplianceRow, allocation_events, surrenders
from .ccer import (
    Project,
    article6_events,
    build_projects,
    issuance_events,
    offset_cancellations,
    voluntary_cancellations,
)
from .events import Event
from .names import VERIFIERS
from .parameters import deposit, month_slots, sample_units
from .platform import ReportFile, report_file, unit_json
from .pledges import cancellation_events, pledge_events
from .registry import assemble
from .trades import TradeBook
from .units import UNITS_AT_SCALE_1, Unit, UnitYear, build_units, listed_years, unit_year
from .vintages import build_market

TRADE_SCALES = {"small": 20_000, "medium": 200_000, "large": 1_000_000}


@dataclass(frozen=True, slots=True)
class SimConfig:
    """The knobs of a simulated world."""

    seed: int = 7
    trades: int = TRADE_SCALES["small"]
    units: int = UNITS_AT_SCALE_1  # units listed for 2025; other years scale with it
    parameter_units: int = 16  # units whose monthly deposits are served


def _defect(system: str, kind: str, where: dict, text: str) -> dict:
    return {"system": system, "kind": kind, "where": where, "defect": text}


class World:
    """The generated data of the registry, the exchange and the platform."""

    def __init__(self, config: SimConfig) -> None:
        self.seed = config.seed
        self.units = build_units(self.seed, config.units / UNITS_AT_SCALE_1)
        self._defects: list[dict] = self._corrupt_usccs()
        self.unit_years: dict[tuple[str, int], UnitYear] = {
            (u.uscc, y): unit_year(self.seed, u, y) for u in self.units for y in listed_years() if u.listed(y)}
        used = {u.uscc for u in self.units}
        self.verifiers = [(name, make_uscc(rng(self.seed, "verifier", name), "110100", used)) for name in VERIFIERS]
        self.events, compliance, projects = self._registry(used)
        self.compliance = {y: [r for r in compliance if r.year == y] for y in range(2019, LAST_COMPLIANCE_YEAR + 1)}
        self.projects = self._project_records(projects)
        self.market = build_market(self.seed)
        self.market_by_date = {day.date.isoformat(): day for day in self.market}
        self.trades = TradeBook(self.seed, config.trades, self.market, self._pools())
        self.reports = {y: self._report(y) for y in listed_years()}
        self.unit_overrides = self._unit_overrides()
        self.parameter_units = sample_units(self.seed, self.units, config.parameter_units)
        self.parameter_defect = ("2024-03", 4)  # (month, index) of a deposit with an unknown method
        self._plant_market_defects()

    # -- construction -------------------------------------------------------------------

    def _corrupt_usccs(self) -> list[dict]:
        """Three long-listed units carry a code whose check character is wrong (warn-and-keep)."""
        pool = [u for u in self.units if u.first_year == 2019 and u.last_year == 2025]
        out = []
        for unit in rng(self.seed, "bad-uscc").sample(pool, 3):
            bad = corrupt_check(unit.uscc)
            unit.facilities = tuple(replace(f, facility_id=bad + f.facility_id[18:]) for f in unit.facilities)
            out.append(_defect("platform", "invalid-uscc-check", {"uscc": bad},
                               "USCC check character is wrong (as in some official data): warn and keep"))
            unit.uscc = bad
        return out

    def _years_of(self, unit: Unit) -> dict[int, UnitYear]:
        return {y: self.unit_years[unit.uscc, y] for y in listed_years() if unit.listed(y)}

    def _registry(self, used: set[str]) -> tuple[list[Event], list[ComplianceRow], list[Project]]:
        seed = self.seed
        bench = power_benchmarks()
        events = [e for u in self.units for e in allocation_events(seed, u, self._years_of(u), bench)]
        surrendered, compliance, demands = surrenders(seed, self.units, self.unit_years)
        projects = build_projects(seed, used)
        events += surrendered + pledge_events(seed, self.units, used) + cancellation_events(seed, self.units)
        events += issuance_events(seed, projects) + offset_cancellations(projects, demands)
        holders = [p.record["ownerUscc"] for p in projects] + [u.uscc for u in self.units[:200]]
        events += voluntary_cancellations(seed, projects, holders) + article6_events(seed, projects)
        return assemble(seed, events, used), compliance, projects

    def _project_records(self, projects: list[Project]) -> list[dict]:
        records = sorted((p.record for p in projects), key=lambda r: (r["updatedAt"], r["projectId"]))
        odd = next(r for r in records if r["status"] == "PDD_PUBLIC_NOTICE")
        odd["projectType"] = "X0199"
        self._defects.append(_defect("registry", "unknown-code", {"projectId": odd["projectId"], "field": "projectType"},
                                     "projectType X0199 is not in the code list"))
        return records

    def _pools(self) -> dict[int, list[tuple[str, int]]]:
        """Trading counterparties per year: the units listed that year (2025's list after)."""
        return {y: [(u.uscc, u.index) for u in self.units if u.listed(y)] for y in range(2021, 2026)}

    def _report(self, year: int) -> ReportFile:
        intruder = None
        if year == 2023:
            intruder = next(u for u in self.units if u.last_year == 2022)
        return report_file(self.seed, year, self.units, self.unit_years, self.verifiers, intruder)

    def _unit_overrides(self) -> dict[tuple[int, str], tuple[str, str]]:
        """(year, uscc) -> (field, value or "" to drop it) for bad unit-list entries."""
        rnd = rng(self.seed, "unit-defects")
        missing = rnd.choice([u for u in self.units if u.listed(2024)])
        unknown = rnd.choice([u for u in self.units if u.listed(2025) and u.sector == "CEMENT"])
        self._defects += [
            _defect("platform", "missing-required-field", {"year": 2024, "uscc": missing.uscc, "field": "provinceCode"},
                    "unit listed without provinceCode"),
            _defect("platform", "unknown-code", {"year": 2025, "uscc": unknown.uscc, "field": "industryCode"},
                    "industryCode 3019 is not one of the covered industries"),
        ]
        return {(2024, missing.uscc): ("provinceCode", ""), (2025, unknown.uscc): ("industryCode", "3019")}

    def _plant_market_defects(self) -> None:
        rnd = rng(self.seed, "market-defects")
        comp = rnd.choice([d for d in self.market if d.date.year == 2022 and d.quotes["COMCEA"].qty])
        comp.quotes["COMCEA"].defect = "thousands-separator"
        vint = rnd.choice([d for d in self.market if d.date.year == 2024 and d.quotes["CEA21"].listing])
        vint.quotes["CEA21"].defect = "price-three-decimals"
        self._defects += [
            _defect("exchange", "thousands-separator", {"tradeDate": comp.date.isoformat(), "subjectCode": "COMCEA",
                                                        "field": "dealAmt"}, "dealAmt carries thousands separators"),
            _defect("exchange", "price-three-decimals", {"tradeDate": vint.date.isoformat(), "subjectCode": "CEA21",
                                                         "field": "closPric"}, "closPric has three decimals"),
        ]

    # -- views used by the servers -------------------------------------------------------

    def units_json(self, year: int) -> list[dict]:
        """The unit list of ``year`` as the platform serves it."""
        out = []
        for unit in sorted((u for u in self.units if u.listed(year)), key=lambda u: u.uscc):
            record = unit_json(unit)
            override = self.unit_overrides.get((year, unit.uscc))
            if override and override[1]:
                record[override[0]] = override[1]
            elif override:
                del record[override[0]]
            out.append(record)
        return out

    def deposits(self, month: str, start: int, limit: int) -> tuple[list[dict], bool]:
        """Deposits ``start``.. of ``month`` (at most ``limit``) and whether more remain."""
        slots = month_slots(self.parameter_units, month)
        year = min(int(month[:4]), 2025)
        out = []
        for k in range(start, min(start + limit, len(slots))):
            record = deposit(self.seed, month, k, slots[k], self.unit_years[slots[k].unit.uscc, year])
            if (month, k) == self.parameter_defect:
                record["method"] = "ESTIMATED"
            out.append(record)
        return out, start + limit < len(slots)

    def known_defects(self) -> list[dict]:
        """Every deliberately bad record, where it is, and what is wrong with it."""
        out = list(self._defects)
        month, k = self.parameter_defect
        out.append(_defect("platform", "unknown-code", {"month": month, "id": f"DP{month.replace('-', '')}{k + 1:06d}",
                                                        "field": "method"}, "method ESTIMATED is not in the code list"))
        out += [r for y in sorted(self.reports) for r in self.reports[y].defects]
        out += [_defect("platform", r.defect[0], {"year": r.year, "uscc": r.uscc}, r.defect[1])
                for rows in self.compliance.values() for r in rows if r.defect]
        out += [_defect("registry", e.defect[0], {"seq": e.seq, **({"supersedes": e.supersedes.seq} if e.supersedes else {})},
                        e.defect[1]) for e in self.events if e.defect]
        out += [_defect("exchange", kind, {"tradeId": self.trades.records(i)[0]["tradeId"], "index": i}, text)
                for i, (kind, text) in sorted(self.trades.defects.items())]
        return out


@lru_cache(maxsize=2)
def shared_world(config: SimConfig) -> World:
    """The world of ``config``, built once per process (worlds are read-only once built)."""
    return World(config)
