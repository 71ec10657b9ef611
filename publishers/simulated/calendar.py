"""The simulated present and the exchange's trading calendar."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

AS_OF = date(2026, 7, 31)  # the simulated "today": the last day the systems hold data for
FIRST_TRADING_DAY = date(2021, 7, 16)
FIRST_YEAR = 2019  # the platform holds units, reports and compliance from this year
LAST_LISTED_YEAR = 2025  # the last year with a published unit list and reports
LAST_COMPLIANCE_YEAR = 2024  # the last year whose compliance deadline has passed
FIRST_DEPOSIT_MONTH = "2022-04"
LAST_DEPOSIT_MONTH = "2026-06"

# Weekday closures for Chinese public holidays (first and last day, inclusive), 2021-2026.
_HOLIDAYS = [
    ("2021-09-20", "2021-09-21"), ("2021-10-01", "2021-10-07"),
    ("2022-01-03", "2022-01-03"), ("2022-01-31", "2022-02-04"), ("2022-04-04", "2022-04-05"),
    ("2022-05-02", "2022-05-04"), ("2022-06-03", "2022-06-03"), ("2022-09-12", "2022-09-12"),
    ("2022-10-03", "2022-10-07"),
    ("2023-01-02", "2023-01-02"), ("2023-01-23", "2023-01-27"), ("2023-04-05", "2023-04-05"),
    ("2023-05-01", "2023-05-03"), ("2023-06-22", "2023-06-23"), ("2023-09-29", "2023-10-06"),
    ("2024-01-01", "2024-01-01"), ("2024-02-09", "2024-02-16"), ("2024-04-04", "2024-04-05"),
    ("2024-05-01", "2024-05-03"), ("2024-06-10", "2024-06-10"), ("2024-09-16", "2024-09-17"),
    ("2024-10-01", "2024-10-07"),
    ("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-04"),
    ("2025-05-01", "2025-05-05"), ("2025-06-02", "2025-06-02"), ("2025-10-01", "2025-10-08"),
    ("2026-01-01", "2026-01-02"), ("2026-02-16", "2026-02-23"), ("2026-04-06", "2026-04-06"),
    ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-19"),
]


def _holidays() -> set[date]:
    out = set()
    for first, last in _HOLIDAYS:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            out.add(day)
            day += timedelta(days=1)
    return out


@lru_cache(maxsize=1)
def trading_days() -> tuple[date, ...]:
    """Every trading day from the first (2021-07-16) to ``AS_OF``: Mon-Fri minus holidays."""
    closed = _holidays()
    days, day = [], FIRST_TRADING_DAY
    while day <= AS_OF:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def vintage_code(year: int) -> str:
    """The CEA vintage code for an emission year: ``CEA`` for 2019-2020, else ``CEA21``..."""
    return "CEA" if year <= 2020 else f"CEA{year % 100:02d}"
