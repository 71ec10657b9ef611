"""Locate and read the real reference data the generator is calibrated on.

The files live outside the repository, in ``../shared/reference`` next to the repo root;
``GATEWAY_REFERENCE_DIR`` overrides that location.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def reference_dir() -> Path:
    """The shared reference directory (``GATEWAY_REFERENCE_DIR`` wins if set)."""
    override = os.environ.get("GATEWAY_REFERENCE_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"


def china_ets_dir() -> Path:
    """Where the real China ETS files are kept."""
    return reference_dir() / "real-data" / "china-ets"


def _rows(name: str) -> list[dict[str, str]]:
    with (china_ets_dir() / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _int(text: str) -> int:
    return round(float(text)) if text else 0


def _cents(text: str) -> int:
    return round(float(text) * 100) if text else 0


def _price(text: str) -> int | None:
    return _cents(text) if text else None


@dataclass(frozen=True, slots=True)
class RealDay:
    """One row of ``cea_daily_excerpt.csv``; prices and amounts in fen (CNY cents)."""

    date: str
    open: int | None
    high: int | None
    low: int | None
    close: int
    change_pct: float | None
    listed_qty: int
    listed_amt: int
    block_qty: int
    block_amt: int
    auction_qty: int
    auction_amt: int


@dataclass(frozen=True, slots=True)
class RealMonth:
    """One row of ``cea_monthly.csv``; amounts in fen, close in fen when published."""

    month: str
    close: int | None
    listed_qty: int
    listed_amt: int
    block_qty: int
    block_amt: int


@lru_cache(maxsize=4)
def _daily(directory: str) -> dict[str, RealDay]:
    out = {}
    for r in _rows("cea_daily_excerpt.csv"):
        chg = r["close_chg_pct"]
        out[r["trade_date"]] = RealDay(
            r["trade_date"], _price(r["open"]), _price(r["high"]), _price(r["low"]),
            _cents(r["close"]), float(chg) if chg else None,
            _int(r["listed_vol_t"]), _cents(r["listed_amt_cny"]),
            _int(r["block_vol_t"]), _cents(r["block_amt_cny"]),
            _int(r["auction_vol_t"]), _cents(r["auction_amt_cny"]),
        )
    return out


@lru_cache(maxsize=4)
def _monthly(directory: str) -> dict[str, RealMonth]:
    return {
        r["month"]: RealMonth(
            r["month"], _price(r["close"]), _int(r["listed_vol_t"]), _cents(r["listed_amt_cny"]),
            _int(r["block_vol_t"]), _cents(r["block_amt_cny"]),
        )
        for r in _rows("cea_monthly.csv")
    }


def _benchmark_class(unit_type: str) -> str:
    if unit_type.startswith("gas"):
        return "IV"
    if unit_type.startswith("unconventional"):
        return "III"
    return "I" if ">=300MW" in unit_type else "II"


@lru_cache(maxsize=4)
def _benchmarks(directory: str) -> dict[int, dict[str, tuple[float, float]]]:
    out: dict[int, dict[str, tuple[float, float]]] = {}
    for r in _rows("mee_power_sector_benchmarks.csv"):
        years = (2019, 2020) if r["compliance_year"] == "2019-2020" else (int(r["compliance_year"]),)
        values = (float(r["electricity_benchmark_tco2_per_mwh"]), float(r["heat_benchmark_tco2_per_gj"]))
        for year in years:
            out.setdefault(year, {})[_benchmark_class(r["unit_type"])] = values
    return out


def real_daily() -> dict[str, RealDay]:
    """Real daily CEA market rows by ISO date."""
    return _daily(str(china_ets_dir()))


def real_monthly() -> dict[str, RealMonth]:
    """Real monthly CEA totals by ``YYYY-MM``."""
    return _monthly(str(china_ets_dir()))


def power_benchmarks() -> dict[int, dict[str, tuple[float, float]]]:
    """MEE power benchmarks: year -> class (I..IV) -> (tCO2/MWh, tCO2/GJ)."""
    return _benchmarks(str(china_ets_dir()))
