"""The management platform's unit lists and annual report files (GB18030 CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..rand import rng
from .units import Unit, UnitYear

REPORT_HEADER = ("统一社会信用代码,单位名称,省份代码,行业代码,核算年度,排放量(tCO2e),核查排放量(tCO2e),"
                 "核查机构,核查机构统一社会信用代码,供电量(MWh),供热量(GJ),产品产量,产品产量单位,公开日期")
COLUMNS = REPORT_HEADER.split(",")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
WITHHELD = "涉密"


def unit_json(unit: Unit) -> dict:
    """A unit as the platform lists it."""
    return {
        "uscc": unit.uscc, "name": unit.name, "nameEn": unit.name_en, "provinceCode": unit.province.code,
        "industryCode": unit.industry_code, "sector": unit.sector,
        "facilities": [{"facilityId": f.facility_id, "kind": f.kind, "capacity": f.capacity,
                        "capacityUnit": f.capacity_unit} for f in unit.facilities],
    }


@dataclass(slots=True)
class ReportFile:
    """One year's report file: data rows, trailing empty rows, and the defects planted."""

    year: int
    rows: list[list[str]]
    trailing_empty: int = 0
    defects: list[dict] = field(default_factory=list)

    def body(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(self.rows)
        writer.writerows([[""] * len(COLUMNS)] * self.trailing_empty)
        return out.getvalue()


def _row(unit: Unit, year: int, uy: UnitYear, verifier: tuple[str, str], published: str) -> list[str]:
    power = unit.sector == "POWER"
    return [unit.uscc, unit.name, unit.province.code, unit.industry_code, str(year), str(uy.reported),
            str(uy.verified), verifier[0], verifier[1], str(uy.electricity) if power else "",
            str(uy.heat) if power else "", "" if power else str(uy.product), uy.product_unit, published]


def _published(seed: int, year: int, province_code: str) -> str:
    offset = rng(seed, "published", year, province_code).randrange(0, 60)
    return (date(year + 1, 6, 30) + timedelta(days=offset)).isoformat()


def report_file(seed: int, year: int, units: list[Unit], unit_years: dict[tuple[str, int], UnitYear],
                verifiers: list[tuple[str, str]], intruder: Unit | None) -> ReportFile:
    """The report file of ``year`` with its planted defects (``intruder``: an unlisted unit)."""
    listed = sorted((u for u in units if u.listed(year)), key=lambda u: (u.province.code, u.uscc))
    if intruder is not None:
        listed.append(intruder)
    rows = []
    for u in listed:
        uy = unit_years.get((u.uscc, year)) or unit_years[u.uscc, u.last_year]
        verifier = verifiers[rng(seed, "verifier", u.uscc, year).randrange(len(verifiers))]
        rows.append(_row(u, year, uy, verifier, _published(seed, year, u.province.code)))
    report = ReportFile(year, rows)
    if intruder is not None:
        report.defects.append(_where(report, len(rows) - 1, "unit-not-listed", "统一社会信用代码",
                                     "report row for a unit not in this year's unit list"))
    _plant(seed, report)
    return report


def _where(report: ReportFile, row: int, kind: str, column: str, text: str) -> dict:
    return {"system": "platform", "kind": kind, "defect": text,
            "where": {"year": report.year, "row": row + 1, "uscc": report.rows[row][0], "column": column}}


def _set(report: ReportFile, row: int, column: str, value: str) -> None:
    report.rows[row][COLUMNS.index(column)] = value


def _plant(seed: int, report: ReportFile) -> None:
    """Withheld cells every year; other defects in particular years."""
    rnd = rng(seed, "report-defects", report.year)
    n = len(report.rows) - (1 if report.defects else 0)
    picks = rnd.sample(range(n), min(n, 12))
    for row in picks[:3]:
        for column in ("供电量(MWh)", "供热量(GJ)", "产品产量"):
            if report.rows[row][COLUMNS.index(column)]:
                _set(report, row, column, WITHHELD)
        report.defects.append(_where(report, row, "withheld-secret", "供电量(MWh)/供热量(GJ)/产品产量",
                                     "cells withheld as a commercial secret (涉密)"))
    plans = {
        2021: [("trailing-empty-rows", 0)],
        2022: [("thousands-separator", 3), ("missing-required-field", 1)],
        2023: [("fullwidth-digits", 3)],
        2024: [("thousands-separator", 3), ("malformed-date", 1), ("trailing-empty-rows", 0)],
    }
    rows = iter(picks[3:])
    for kind, count in plans.get(report.year, []):
        for _ in range(count):
            _PLANTERS[kind](report, next(rows))
        if kind == "trailing-empty-rows":
            report.trailing_empty = 2
            report.defects.append({"system": "platform", "kind": kind, "defect": "two empty rows after the data",
                                   "where": {"year": report.year, "row": len(report.rows) + 1}})


def _thousands(report: ReportFile, row: int) -> None:
    for column in ("排放量(tCO2e)", "核查排放量(tCO2e)"):
        _set(report, row, column, f"{int(report.rows[row][COLUMNS.index(column)]):,}")
    report.defects.append(_where(report, row, "thousands-separator", "排放量(tCO2e)/核查排放量(tCO2e)",
                                 "numbers carry thousands separators"))


def _fullwidth(report: ReportFile, row: int) -> None:
    column = "核查排放量(tCO2e)"
    _set(report, row, column, report.rows[row][COLUMNS.index(column)].translate(_FULLWIDTH))
    report.defects.append(_where(report, row, "fullwidth-digits", column, "full-width digits in a numeric cell"))


def _missing(report: ReportFile, row: int) -> None:
    column = "核查排放量(tCO2e)"
    _set(report, row, column, "")
    report.defects.append(_where(report, row, "missing-required-field", column, "verified emissions missing"))


def _bad_date(report: ReportFile, row: int) -> None:
    column = "公开日期"
    _set(report, row, column, f"{report.year + 1}-06-31")
    report.defects.append(_where(report, row, "malformed-date", column, "publication date is not a calendar date"))


_PLANTERS = {"thousands-separator": _thousands, "fullwidth-digits": _fullwidth,
             "missing-required-field": _missing, "malformed-date": _bad_date}
