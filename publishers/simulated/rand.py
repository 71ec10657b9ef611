"""Deterministic randomness: every draw is keyed by the seed and a path of names."""

from __future__ import annotations

import random
from collections.abc import Sequence


def rng(*key: object) -> random.Random:
    """A generator seeded by the string form of ``key`` (stable across processes)."""
    return random.Random(":".join(str(part) for part in key))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    raw = [total * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def weighted_choice(rnd: random.Random, items: Sequence, weights: Sequence[float]):
    """One item drawn with the given weights."""
    return rnd.choices(items, weights=weights, k=1)[0]
