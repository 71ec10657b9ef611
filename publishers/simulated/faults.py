"""Switchable faults: armed per system for ``times`` requests, then they disarm themselves.

Fault names and where they fire:

* ``retry_after_503`` — 503 with ``Retry-After`` (the registry's nightly settlement); any system.
* ``rate_limit_429`` — 429 with ``Retry-After``; any system.
* ``code_1003`` — HTTP 200 with ``{"code": 1003, "msg": "系统繁忙"}``; exchange.
* ``gateway_timeout_504`` — 504 on large years (``year`` >= ``min_year``, default 2024); platform.
* ``truncated`` — the body cut off mid-document (at share ``at`` of its length, default 0.5).
* ``duplicate_page`` — a paged answer repeats the record named by the cursor (``since``/``after``).
* ``duplicate_seq`` — one record of a paged answer is delivered twice, identical.
* ``slow`` — the answer waits ``delay`` seconds (default 2.0) before anything is sent.
* ``encoding_mismatch`` — the XML declaration says GB2312 while the body is UTF-8; registry.
* ``utf8_bom_csv`` — a report file in UTF-8 with a BOM instead of GB18030; platform.

A fault only fires (and only counts down) on requests it applies to; ``path`` narrows it
to paths starting with that prefix. ``times=None`` keeps it armed until cleared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

ALL = frozenset({"registry", "exchange", "platform"})
APPLIES: dict[str, frozenset[str]] = {
    "retry_after_503": ALL, "rate_limit_429": ALL, "code_1003": frozenset({"exchange"}),
    "gateway_timeout_504": frozenset({"platform"}), "truncated": ALL, "duplicate_page": ALL,
    "duplicate_seq": ALL, "slow": ALL, "encoding_mismatch": frozenset({"registry"}),
    "utf8_bom_csv": frozenset({"platform"}),
}
FAULT_NAMES = tuple(APPLIES)
DEFAULTS: dict[str, dict[str, float]] = {
    "retry_after_503": {"retry_after": 1}, "rate_limit_429": {"retry_after": 1},
    "gateway_timeout_504": {"min_year": 2024}, "truncated": {"at": 0.5}, "slow": {"delay": 2.0},
}


@dataclass(slots=True)
class Fault:
    name: str
    times: int | None
    path: str | None = None
    options: dict[str, float] = field(default_factory=dict)


class FaultBoard:
    """The faults armed on one system; thread-safe."""

    def __init__(self, system: str) -> None:
        self.system = system
        self._armed: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, name: str, times: int | None = 1, path: str | None = None, **options: float) -> Fault:
        """Arm ``name`` for the next ``times`` requests it applies to."""
        if name not in APPLIES:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_NAMES)}")
        if self.system not in APPLIES[name]:
            raise ValueError(f"fault {name!r} does not apply to the {self.system}")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("times must be a positive integer or None")
        unknown = set(options) - set(DEFAULTS.get(name, {}))
        if unknown:
            raise ValueError(f"fault {name!r} takes no option(s) {sorted(unknown)}")
        fault = Fault(name, times, path, {**DEFAULTS.get(name, {}), **options})
        with self._lock:
            self._armed.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, name: str, path: str, when: Callable[[Fault], bool] | None = None) -> Fault | None:
        """Fire ``name`` for a request on ``path`` if armed (and ``when`` agrees): count it
        down and return it."""
        with self._lock:
            for fault in self._armed:
                if (fault.name == name and (fault.path is None or path.startswith(fault.path))
                        and (when is None or when(fault))):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times == 0:
                            self._armed.remove(fault)
                    return fault
        return None

    def pending(self, names: tuple[str, ...], path: str) -> bool:
        """Whether any of ``names`` is armed for ``path`` (nothing is counted down)."""
        with self._lock:
            return any(f.name in names and (f.path is None or path.startswith(f.path))
                       for f in self._armed)

    def armed(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._armed]
