"""Simulated internal systems of China's national carbon market, for the demo and the tests.

Three real HTTP servers — the registry (XML event feed, CCER projects), the exchange
(trades, daily market data) and the management platform (units, GB18030 report files,
compliance, monthly deposits) — serving exactly ``internal-systems.md`` from a
deterministic, seeded generator, with switchable faults and known bad records::

    from publishers.simulated import SimulatedSystems
    with SimulatedSystems(seed=7, trades=20_000) as sim:
        sim.urls["registry"]
        sim.inject("exchange", "code_1003", times=2)
        sim.known_defects()
"""

from .faults import FAULT_NAMES
from .reference import reference_dir
from .systems import SYSTEMS, SimulatedSystems

__all__ = ["FAULT_NAMES", "SYSTEMS", "SimulatedSystems", "reference_dir"]
