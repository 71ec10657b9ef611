"""A daily price path through anchor prices: log-linear between anchors plus a Brownian
bridge, so the path passes exactly through every anchor and wanders plausibly between."""

from __future__ import annotations

import math
from itertools import pairwise

from ..rand import rng


def bridge_path(seed: int, name: str, n_days: int, anchors: dict[int, float], vol: float = 0.012) -> list[float]:
    """Prices for day indices 0..n_days-1 passing through ``anchors`` (index -> price)."""
    points = sorted(anchors.items())
    path = [points[0][1]] * n_days
    for (i0, p0), (i1, p1) in pairwise(points):
        _fill_segment(path, rng(seed, name, "segment", i0), i0, p0, i1, p1, vol)
    last_i, last_p = points[-1]
    walk = rng(seed, name, "tail")
    for i in range(last_i, n_days):
        path[i] = last_p
        last_p *= math.exp(walk.gauss(0, vol))
    return path


def _fill_segment(path: list[float], rnd, i0: int, p0: float, i1: int, p1: float, vol: float) -> None:
    steps = i1 - i0
    walk = [0.0]
    for _ in range(steps):
        walk.append(walk[-1] + rnd.gauss(0, vol))
    l0, l1 = math.log(p0), math.log(p1)
    for k in range(steps + 1):
        t = k / steps
        bridge = walk[k] - t * walk[-1]
        path[i0 + k] = math.exp(l0 + t * (l1 - l0) + bridge)


def band(prev: int, pct: int) -> tuple[int, int]:
    """The (low, high) limit in fen for a band of ``pct`` percent around ``prev``."""
    return math.ceil(prev * (100 - pct) / 100), math.floor(prev * (100 + pct) / 100)


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
