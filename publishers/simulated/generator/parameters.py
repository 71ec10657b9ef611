"""Monthly key-parameter deposits (月度信息化存证), restricted data.

Only a sample of units deposits here (``parameter_units``) to keep the default volume
modest. Deposits of month M have ids ``DP{YYYYMM}{nnnnnn}`` in deposit order, so the
records of any page are derived from the sample list in O(page).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..calendar import FIRST_DEPOSIT_MONTH, LAST_DEPOSIT_MONTH
from ..rand import rng
from .events import local_time
from .units import Facility, Unit, UnitYear

DEPOSIT_ID = re.compile(r"^DP\d{12}$")
# parameter -> (unit, method, decimals); "lab" methods carry a lab report number
_POWER = (("fuel_consumption", "t", "MEASURED", 1), ("ncv_ar", "GJ/t", "lab", 3),
          ("carbon_content_ar", "tC/t", "lab", 4), ("electricity_supplied", "MWh", "MEASURED", 1),
          ("heat_supplied", "GJ", "MEASURED", 1), ("load_factor", "%", "CALCULATED", 2))
_OTHER = (("fuel_consumption", "t", "MEASURED", 1), ("ncv_ar", "GJ/t", "lab", 3),
          ("product_output", "t", "MEASURED", 0))
_GAS_UNITS = {"fuel_consumption": "10^4 Nm3", "ncv_ar": "GJ/10^4 Nm3"}


@dataclass(frozen=True, slots=True)
class Slot:
    unit: Unit
    facility: Facility
    parameter: tuple[str, str, str, int]


def sample_units(seed: int, units: list[Unit], count: int) -> list[Unit]:
    """The units whose deposits the platform serves (mostly power, a few others)."""
    rnd = rng(seed, "parameter-units")
    power = [u for u in units if u.sector == "POWER" and u.last_year == 2025 and u.first_year <= 2021]
    other = [u for u in units if u.sector != "POWER" and u.first_year == 2024]
    n_other = min(len(other), count // 4)
    chosen = rnd.sample(power, min(len(power), count - n_other)) + rnd.sample(other, n_other)
    return sorted(chosen, key=lambda u: u.uscc)


def month_slots(units: list[Unit], month: str) -> list[Slot]:
    """What is deposited in ``month``: non-power sectors deposit from 2025."""
    if not FIRST_DEPOSIT_MONTH <= month <= LAST_DEPOSIT_MONTH:
        return []
    out = []
    for u in units:
        if u.sector != "POWER" and month < "2025-01":
            continue
        params = _POWER if u.sector == "POWER" else _OTHER
        out += [Slot(u, f, p) for f in u.facilities for p in params]
    return out


def _value(rnd, slot: Slot, uy: UnitYear) -> float:
    share = 1 / 12 / len(slot.unit.facilities) * rnd.uniform(0.8, 1.2)
    gas = slot.facility.power_class == "IV"
    name = slot.parameter[0]
    if name == "fuel_consumption":
        return uy.verified * share / (2.2 if gas else 1.9) * (1 / 10 if gas else 1)
    return {
        "ncv_ar": rnd.uniform(360, 395) if gas else rnd.uniform(18.5, 24.5),
        "carbon_content_ar": rnd.uniform(0.48, 0.62),
        "electricity_supplied": uy.electricity * share,
        "heat_supplied": uy.heat * share,
        "load_factor": uy.load_factor * 100 * rnd.uniform(0.85, 1.1),
        "product_output": uy.product * share,
    }[name]


def deposit(seed: int, month: str, k: int, slot: Slot, uy: UnitYear) -> dict:
    """The ``k``-th deposit (0-based) of ``month``."""
    rnd = rng(seed, "deposit", month, slot.facility.facility_id, slot.parameter[0])
    name, unit, method, decimals = slot.parameter
    value = f"{_value(rnd, slot, uy):.{decimals}f}"
    if method == "lab":
        method = "MEASURED" if rnd.random() < 0.9 else "DEFAULT"
    lab = f"CMA{month[:4]}{slot.unit.province.code[:2]}{rnd.randrange(10**6):06d}" if method == "MEASURED" and name in ("ncv_ar", "carbon_content_ar") else ""
    deposit_id = f"DP{month.replace('-', '')}{k + 1:06d}"
    first_of_next = (date.fromisoformat(month + "-01") + timedelta(days=32)).replace(day=1)
    return {
        "id": deposit_id, "uscc": slot.unit.uscc, "facilityId": slot.facility.facility_id, "month": month,
        "parameter": name, "value": value,
        "unit": _GAS_UNITS.get(name, unit) if slot.facility.power_class == "IV" else unit,
        "method": method, "labReportNo": lab,
        "evidenceSha256": hashlib.sha256(f"{seed}|{deposit_id}|{value}".encode()).hexdigest(),
        "depositedAt": local_time(first_of_next + timedelta(days=rnd.randrange(3, 40)), rnd.randrange(8 * 3600, 20 * 3600)),
    }
