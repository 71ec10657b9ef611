"""Registry events as built by the generator, before they get their ``seq``."""

from __future__ import annotations

import random
from datetime import date, timedelta

Field = tuple[str, str] | tuple[str, str, dict[str, str]]


class Event:
    """One registry event. ``fields`` are (element, text[, attributes]) in document order.

    ``defect`` is ``(kind, description)`` when the event is a deliberately bad record.
    """

    __slots__ = ("defect", "etype", "fields", "seq", "supersedes", "time")

    def __init__(self, etype: str, time: str, fields: list[Field],
                 supersedes: Event | None = None, defect: tuple[str, str] | None = None) -> None:
        self.seq = 0
        self.etype = etype
        self.time = time
        self.fields = fields
        self.supersedes = supersedes
        self.defect = defect

    def get(self, element: str) -> str | None:
        """The text of the first field named ``element``, if any."""
        for field in self.fields:
            if field[0] == element:
                return field[1]
        return None

    def replace(self, element: str, text: str) -> list[Field]:
        """A copy of the fields with ``element``'s text replaced."""
        return [(f[0], text, *f[2:]) if f[0] == element else f for f in self.fields]


def local_time(day: date, seconds: int) -> str:
    """ISO 8601 local time (UTC+8) for ``seconds`` after midnight of ``day``."""
    h, rem = divmod(seconds, 3600)
    return f"{day.isoformat()}T{h:02d}:{rem // 60:02d}:{rem % 60:02d}+08:00"


def office_time(rnd: random.Random, first: date, last: date, skew: float = 1.0) -> str:
    """A random working-day time between ``first`` and ``last``; ``skew`` > 1 favours ``last``."""
    span = (last - first).days
    day = first + timedelta(days=round(span * rnd.random() ** (1 / skew)))
    if day.weekday() >= 5:  # move weekend days back to Friday
        day -= timedelta(days=day.weekday() - 4)
    return local_time(day, rnd.randrange(9 * 3600, 17 * 3600 + 1800))


def d(text: str) -> date:
    """Shorthand for ``date.fromisoformat``."""
    return date.fromisoformat(text)
