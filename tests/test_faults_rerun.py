"""Every fault of the interface specification, through the whole pipeline: a pull that
meets the fault, then a rerun, ends with exactly what a clean pull stores — no duplicate
version and no gap."""

from __future__ import annotations

import pytest

from gateway.pulls import pull
from gateway.settings import PublisherSettings
from gateway.store import Store

REGISTRY_KINDS = ("allocation", "surrender", "pledge", "pledge_event", "cancellation",
                  "ccer_issuance", "ccer_cancellation", "a6_authorization", "a6_transfer")
FAST_CLIENT = {"backoff_base": 0.05, "backoff_cap": 0.2, "read_timeout": 0.5,
               "max_attempts": 4}

# (system, streams, fault, options, kinds compared)
FAULTS = [
    ("registry", ["events"], "retry_after_503", {"retry_after": 0}, REGISTRY_KINDS),
    ("registry", ["events"], "truncated", {}, REGISTRY_KINDS),
    ("registry", ["events"], "duplicate_seq", {}, REGISTRY_KINDS),
    ("registry", ["events"], "encoding_mismatch", {}, REGISTRY_KINDS),
    ("exchange", ["trades"], "rate_limit_429", {"retry_after": 0}, ("trade",)),
    ("exchange", ["trades"], "code_1003", {}, ("trade",)),
    ("exchange", ["trades"], "duplicate_page", {}, ("trade",)),
    ("exchange", ["trades"], "truncated", {}, ("trade",)),
    ("exchange", ["trades"], "slow", {"delay": 1.0}, ("trade",)),
    ("platform", ["reports"], "utf8_bom_csv", {}, ("emission_report",)),
    ("platform", ["reports"], "gateway_timeout_504", {}, ("emission_report",)),
]


def logged(store: Store, kinds: tuple[str, ...]) -> list[tuple[str, str, str]]:
    marks = ", ".join("?" * len(kinds))
    return sorted((r["kind"], r["key"], r["sha256"]) for r in store.query(
        f"SELECT kind, key, sha256 FROM log WHERE kind IN ({marks})", kinds))


STREAMS = {"registry": ["events"], "exchange": ["trades"], "platform": ["reports"]}


@pytest.fixture(scope="module")
def small_sim():
    from publishers.simulated import SimulatedSystems

    with SimulatedSystems(seed=3, trades=3_000, units=150, parameter_units=1) as systems:
        yield systems


@pytest.fixture(scope="module")
def clean_store(small_sim, tmp_path_factory):
    """One clean pull of the streams under test: what every faulty pull must end with."""
    with Store(tmp_path_factory.mktemp("clean") / "gateway.db") as store:
        for system, streams in STREAMS.items():
            settings = PublisherSettings(system, system, small_sim.urls[system],
                                         options={"streams": streams})
            assert pull(store, settings).status == "ok"
        yield store


@pytest.fixture
def faulty_sim(small_sim):
    yield small_sim
    small_sim.clear_faults()


@pytest.mark.slow
@pytest.mark.parametrize(("system", "streams", "fault", "options", "kinds"), FAULTS,
                         ids=[f"{f[0]}-{f[2]}" for f in FAULTS])
def test_fault_then_rerun_equals_a_clean_pull(faulty_sim, clean_store, tmp_path, system,
                                              streams, fault, options, kinds):
    settings = PublisherSettings(system, system, faulty_sim.urls[system],
                                 options={"streams": streams}, client=FAST_CLIENT)
    faulty_sim.inject(system, fault, times=2, **options)
    with Store(tmp_path / "gateway.db") as store:
        first = pull(store, settings)
        still_armed = faulty_sim.armed_faults()[system]
        assert not still_armed or still_armed[0]["times"] < 2, f"{fault} never fired"
        faulty_sim.clear_faults()
        second = pull(store, settings)
        assert second.status == "ok", second.failure
        ours = logged(store, kinds)
    assert first.status in ("ok", "failed")
    assert len(ours) == len(set(ours)), "a version was stored twice"
    assert ours and ours == logged(clean_store, kinds), "the rerun does not match a clean pull"
