"""Shared fixtures: real SQLite stores in temporary directories."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.store import Store

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "gateway.db")
    yield s
    s.close()


# Session-wide simulated internal systems and a store pulled from them. Read-only for
# tests: a test that writes must make its own store.
SIM_TRADES = 5_000


@pytest.fixture(scope="session")
def sim():
    from publishers.simulated import SimulatedSystems

    with SimulatedSystems(seed=7, trades=SIM_TRADES) as systems:
        yield systems


@pytest.fixture(scope="session")
def pulled_store(sim, tmp_path_factory) -> Iterator[Store]:
    """A store holding one full pull of every simulated system (do not write to it)."""
    from gateway.pulls import pull
    from gateway.settings import simulated_publishers

    store = Store(tmp_path_factory.mktemp("pulled") / "gateway.db")
    for settings in simulated_publishers(sim.urls).values():
        report = pull(store, settings)
        assert report.status == "ok", report.failure
    yield store
    store.close()
