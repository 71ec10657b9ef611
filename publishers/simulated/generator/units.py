"""Key emitting units (重点排放单位), their facilities and their annual activity.

Power units are listed from 2019 (the first compliance cycle covers 2019-2020); steel,
cement and aluminium from 2024. Counts per year follow the published totals (2,162
power units in 2019-2020 ... 3,378 units in all four sectors in 2025).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..calendar import FIRST_YEAR, LAST_LISTED_YEAR
from ..rand import apportion, rng
from ..uscc import make_uscc
from .geo import PROVINCES, SECTORS, Province, area_code
from .names import unit_name

# (sector, first listed year, last listed year, count at scale 1)
_COHORTS = (
    ("POWER", 2019, 2022, 161), ("POWER", 2019, 2023, 10), ("POWER", 2019, 2024, 11),
    ("POWER", 2019, 2025, 1980), ("POWER", 2021, 2025, 95), ("POWER", 2024, 2025, 12),
    ("STEEL", 2024, 2025, 225), ("STEEL", 2025, 2025, 7),
    ("CEMENT", 2024, 2025, 950), ("CEMENT", 2025, 2025, 12),
    ("ALUMINIUM", 2024, 2025, 95), ("ALUMINIUM", 2025, 2025, 2),
)
UNITS_AT_SCALE_1 = 3378  # units listed for 2025 at scale 1

# National activity level per year (power output trend), applied to every unit.
_YEAR_LEVEL = {2019: 1.0, 2020: 0.98, 2021: 1.05, 2022: 1.02, 2023: 1.05, 2024: 1.04, 2025: 1.02}

_POWER_CLASSES = (("I", 0.40, (600, 660, 1000)), ("II", 0.35, (25, 50, 135, 200, 300, 330, 350)),
                  ("III", 0.12, (135, 150, 300, 350)), ("IV", 0.13, (180, 390, 460)))
_CEMENT_LINES = ((2500, 0.25), (4000, 0.2), (5000, 0.35), (6000, 0.1), (10000, 0.1))
_PRODUCT = {"STEEL": "吨粗钢", "CEMENT": "吨熟料", "ALUMINIUM": "吨铝液"}


@dataclass(frozen=True, slots=True)
class Facility:
    facility_id: str
    kind: str  # GENERATING_UNIT | CLINKER_LINE | ELECTROLYSIS | PROCESS
    capacity: int
    capacity_unit: str
    power_class: str  # I..IV for generating units, "" otherwise


@dataclass(slots=True)
class Unit:
    index: int
    uscc: str
    name: str
    name_en: str
    province: Province
    area: str
    city: str
    industry_code: str
    sector: str
    facilities: tuple[Facility, ...]
    first_year: int
    last_year: int
    intensity: float  # tCO2 per MWh supplied (power) or per tonne of product
    heat_intensity: float  # tCO2 per GJ supplied (power)

    def listed(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def power_class(self) -> str:
        return self.facilities[0].power_class


@dataclass(frozen=True, slots=True)
class UnitYear:
    """A unit's activity and verified emissions for one year (whole tonnes, MWh, GJ)."""

    verified: int
    reported: int
    electricity: int  # MWh supplied (power)
    heat: int  # GJ supplied (power)
    product: int  # t of crude steel / clinker / aluminium
    product_unit: str
    load_factor: float  # 0..1 (power)


def _cohorts(scale: float) -> list[tuple[str, int, int, int]]:
    return [(s, a, b, max(1, round(n * scale))) for s, a, b, n in _COHORTS]


def _province_slots(seed: int, sector: str, count: int) -> list[Province]:
    idx = SECTORS.index(sector)
    counts = apportion(count, [p.weights[idx] for p in PROVINCES])
    slots = [p for p, n in zip(PROVINCES, counts, strict=True) for _ in range(n)]
    rng(seed, "province-slots", sector).shuffle(slots)
    return slots


def _power_facilities(rnd: random.Random, uscc: str) -> tuple[Facility, ...]:
    klass, _, sizes = rnd.choices(_POWER_CLASSES, weights=[c[1] for c in _POWER_CLASSES])[0]
    n = rnd.choices((1, 2, 3, 4), weights=(0.3, 0.45, 0.15, 0.1))[0]
    size = rnd.choice(sizes)
    return tuple(Facility(f"{uscc}-G{i + 1:02d}", "GENERATING_UNIT", size, "MW", klass) for i in range(n))


def _other_facilities(rnd: random.Random, uscc: str, sector: str) -> tuple[Facility, ...]:
    if sector == "CEMENT":
        n = rnd.choices((1, 2, 3), weights=(0.6, 0.3, 0.1))[0]
        caps = [rnd.choices([c for c, _ in _CEMENT_LINES], weights=[w for _, w in _CEMENT_LINES])[0] for _ in range(n)]
        return tuple(Facility(f"{uscc}-L{i + 1:02d}", "CLINKER_LINE", c, "t/d", "") for i, c in enumerate(caps))
    if sector == "STEEL":
        cap = int(min(15000, max(800, rnd.lognormvariate(math.log(3000), 0.6))) // 10 * 10)
        return (Facility(f"{uscc}-P01", "PROCESS", cap, "kt/a", ""),)
    cap = int(min(1200, max(80, rnd.lognormvariate(math.log(400), 0.5))) // 10 * 10)
    return (Facility(f"{uscc}-E01", "ELECTROLYSIS", cap, "kt/a", ""),)


def _industry_code(rnd: random.Random, sector: str) -> str:
    if sector == "POWER":
        return "4412" if rnd.random() < 0.45 else "4411"
    if sector == "STEEL":
        return "3110" if rnd.random() < 0.7 else "3120"
    return {"CEMENT": "3011", "ALUMINIUM": "3216"}[sector]


def _intensities(rnd: random.Random, sector: str, klass: str) -> tuple[float, float]:
    base = {"I": 0.80, "II": 0.85, "III": 0.90, "IV": 0.38}.get(klass, 0.0)
    if sector == "POWER":
        heat = 0.056 if klass == "IV" else 0.111
        return base * rnd.uniform(0.96, 1.08), heat * rnd.uniform(0.95, 1.08)
    lo, hi = {"STEEL": (1.85, 2.25), "CEMENT": (0.83, 0.90), "ALUMINIUM": (1.55, 1.85)}[sector]
    return rnd.uniform(lo, hi), 0.0


def build_units(seed: int, scale: float) -> list[Unit]:
    """The whole population of key emitting units, ordered by index."""
    used_codes: set[str] = set()
    used_names: set[str] = set()
    units: list[Unit] = []
    cohorts = _cohorts(scale)
    for sector in SECTORS:
        mine = [c for c in cohorts if c[0] == sector]
        slots = _province_slots(seed, sector, sum(c[3] for c in mine))
        spans = [(first, last) for _, first, last, n in mine for _ in range(n)]
        for province, (first, last) in zip(slots, spans, strict=True):
            units.append(_make_unit(seed, len(units), sector, province, first, last, used_codes, used_names))
    return units


def _make_unit(seed: int, index: int, sector: str, province: Province, first: int, last: int,
               used_codes: set[str], used_names: set[str]) -> Unit:
    rnd = rng(seed, "unit", index)
    city_index = rnd.randrange(len(province.cities))
    area = area_code(province, city_index)
    uscc = make_uscc(rnd, area, used_codes)
    name, name_en = unit_name(rnd, sector, province.cities[city_index], used_names)
    facilities = _power_facilities(rnd, uscc) if sector == "POWER" else _other_facilities(rnd, uscc, sector)
    intensity, heat = _intensities(rnd, sector, facilities[0].power_class)
    return Unit(index, uscc, name, name_en, province, area, province.cities[city_index][0],
                _industry_code(rnd, sector), sector, facilities, first, last, intensity, heat)


def unit_year(seed: int, unit: Unit, year: int) -> UnitYear:
    """The unit's activity and emissions in ``year`` (deterministic)."""
    rnd = rng(seed, "unit-year", unit.uscc, year)
    level = _YEAR_LEVEL.get(year, 1.0) * rnd.uniform(0.9, 1.1)
    reported_bias = rnd.choice((1.0, 1.0, 1.0, rnd.uniform(0.97, 1.03)))
    if unit.sector == "POWER":
        hours = (2200 if unit.power_class == "IV" else 3300) * level
        capacity = sum(f.capacity for f in unit.facilities)
        electricity = int(capacity * hours * 0.94)
        heat = int(capacity * rnd.uniform(5000, 15000)) if unit.industry_code == "4412" else 0
        verified = int(electricity * unit.intensity + heat * unit.heat_intensity)
        return UnitYear(verified, int(verified * reported_bias), electricity, heat, 0, "",
                        min(0.95, hours / 8760 * 1.75))
    product = _product_output(unit, level)
    verified = int(product * unit.intensity)
    return UnitYear(verified, int(verified * reported_bias), 0, 0, product, _PRODUCT[unit.sector], 0.0)


def _product_output(unit: Unit, level: float) -> int:
    if unit.sector == "CEMENT":
        return int(sum(f.capacity for f in unit.facilities) * 210 * level)
    if unit.sector == "STEEL":
        return int(unit.facilities[0].capacity * 1000 * 0.92 * 1.1 * level)
    return int(unit.facilities[0].capacity * 1000 * 0.95 * level)


def listed_years() -> range:
    """Years the platform publishes unit lists and reports for."""
    return range(FIRST_YEAR, LAST_LISTED_YEAR + 1)
