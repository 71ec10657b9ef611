"""The three connectors end to end against the simulated systems (publishers.simulated).

Uses the session-wide ``sim`` fixture (tests/conftest.py). Faults are armed for a few
requests and cleared after each test so that other tests see a clean simulator; waits go
to a recording ``sleep``, so nothing here waits for real except the ``slow`` fault.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from publishers.base import BadPayload, Checkpoint, Item, Payload
from publishers.exchange import ExchangeConnector
from publishers.http import ClientOptions, SourceAuthError, SourceUnavailable
from publishers.platform import PlatformConnector
from publishers.registry import RegistryConnector
from tests.test_connectors import assert_payload_first, bads, checkpoints, collect, records

CONNECTORS: dict[str, type[Any]] = {
    "registry": RegistryConnector,
    "exchange": ExchangeConnector,
    "platform": PlatformConnector,
}
REF_PATTERNS = {
    "registry": r"registry:(seq:\d+|ccer-project:\S+)",
    "exchange": r"exchange:(trade:\S+|market:\d{4}-\d\d-\d\d:\S+)",
    "platform": r"platform:((unit|report|compliance):\d{4}:\S+|parameter:\S+)",
}
KINDS = {
    "registry": {
        "allocation",
        "surrender",
        "pledge",
        "pledge_event",
        "cancellation",
        "ccer_issuance",
        "ccer_cancellation",
        "a6_authorization",
        "a6_transfer",
        "correction",
        "ccer_project",
    },
    "exchange": {"trade", "market_day"},
    "platform": {"entity", "emission_report", "compliance", "key_parameter"},
}


def connector(sim: Any, system: str, waits: list[float] | None = None, **kwargs: Any) -> Any:
    sleep = (waits if waits is not None else []).append
    return CONNECTORS[system](system, sim.urls[system], sleep=sleep, **kwargs)


def final_cursors(items: list[Item]) -> dict[str, str]:
    return dict(checkpoints(items))


@pytest.fixture
def clean_sim(sim: Any) -> Iterator[Any]:
    sim.clear_faults()
    yield sim
    sim.clear_faults()


@pytest.fixture(scope="module")
def clean_pulls(sim: Any) -> dict[str, list[Item]]:
    """One full pull of each system, from empty cursors, without faults."""
    sim.clear_faults()
    pulls = {}
    for system in CONNECTORS:
        items, error = collect(connector(sim, system).fetch({}))
        assert error is None, error
        pulls[system] = items
    return pulls


# --------------------------------------------------------------------------- clean pulls


@pytest.mark.parametrize("system", list(CONNECTORS))
def test_full_pull_is_well_formed(clean_pulls: dict[str, list[Item]], system: str) -> None:
    items = clean_pulls[system]
    assert bads(items) == []
    assert isinstance(items[0], Payload)
    assert_payload_first(items)
    got = records(items)
    assert got, "the simulator serves records for every system"
    assert {r.kind for r in got} <= KINDS[system]
    for record in got:
        assert re.fullmatch(REF_PATTERNS[system], record.source_ref), record.source_ref
    assert set(final_cursors(items)) == set(CONNECTORS[system].STREAMS)


def test_registry_kinds_and_corrections(clean_pulls: dict[str, list[Item]]) -> None:
    got = records(clean_pulls["registry"])
    kinds = Counter(r.kind for r in got)
    assert kinds["allocation"] and kinds["surrender"] and kinds["ccer_project"]
    for record in got:
        if record.kind == "correction":
            assert record.supersedes_ref and record.supersedes_ref.startswith("registry:seq:")
            assert record.data["type"] == "CORRECTION"
    seqs = [
        int(r.source_ref.rsplit(":", 1)[1]) for r in got if r.source_ref.startswith("registry:seq:")
    ]
    assert final_cursors(clean_pulls["registry"])["events"] == str(max(seqs))


def test_platform_reports_are_keyed_by_chinese_headers(clean_pulls: dict[str, list[Item]]) -> None:
    reports = [r for r in records(clean_pulls["platform"]) if r.kind == "emission_report"]
    assert reports and all("统一社会信用代码" in r.data for r in reports)
    entities = [r for r in records(clean_pulls["platform"]) if r.kind == "entity"]
    assert all(isinstance(r.data["listYear"], int) for r in entities)


@pytest.mark.parametrize("system", ["registry", "exchange"])
def test_a_second_pull_from_the_cursors_adds_no_new_feed_records(
    clean_sim: Any, clean_pulls: dict[str, list[Item]], system: str
) -> None:
    cursors = final_cursors(clean_pulls[system])
    stream = {"registry": "events", "exchange": "trades"}[system]
    items, error = collect(connector(clean_sim, system, streams=[stream]).fetch(cursors))
    assert error is None
    before = {r.source_ref for r in records(clean_pulls[system])}
    assert {r.source_ref for r in records(items)} <= before
    assert final_cursors(items)[stream] == cursors[stream]


# --------------------------------------------------------------------------- faults


def test_registry_503_retry_after_is_waited_out(clean_sim: Any) -> None:
    clean_sim.inject("registry", "retry_after_503", times=2, path="/events")
    waits: list[float] = []
    items, error = collect(
        connector(clean_sim, "registry", waits, streams=["events"], page_size=1000).fetch({})
    )
    assert error is None and bads(items) == []
    assert waits == [1.0, 1.0]


def test_registry_truncated_page_then_resume(
    clean_sim: Any, clean_pulls: dict[str, list[Item]]
) -> None:
    pull = connector(clean_sim, "registry", streams=["events"], page_size=1000).fetch({})
    items: list[Item] = []
    for item in pull:
        items.append(item)
        if isinstance(item, Checkpoint):
            clean_sim.inject("registry", "truncated", times=1, path="/events")
    (bad,) = bads(items)
    assert bad.error_type == "truncated-document"
    assert isinstance(items[-1], BadPayload) and isinstance(items[-2], Payload)
    saved = final_cursors(items)["events"]
    assert int(saved) > 0  # the pages before the cut were taken
    rest, error = collect(
        connector(clean_sim, "registry", streams=["events"], page_size=1000).fetch(
            {"events": saved}
        )
    )
    assert error is None and bads(rest) == []
    assert final_cursors(rest)["events"] == final_cursors(clean_pulls["registry"])["events"]
    refs = [r.source_ref for r in records(items) + records(rest)]
    clean = [
        r.source_ref
        for r in records(clean_pulls["registry"])
        if r.source_ref.startswith("registry:seq:")
    ]
    assert sorted(set(refs)) == sorted(set(clean))


def test_registry_gb2312_declaration_over_utf8(
    clean_sim: Any, clean_pulls: dict[str, list[Item]]
) -> None:
    clean_sim.inject("registry", "encoding_mismatch", times=None, path="/events")
    items, error = collect(
        connector(clean_sim, "registry", streams=["events"], page_size=1000).fetch({})
    )
    assert error is None and bads(items) == []
    clean = {r.source_ref: r.data for r in records(clean_pulls["registry"])}
    assert all(clean[r.source_ref] == r.data for r in records(items))


def test_registry_duplicate_seq_is_yielded_and_cursor_holds(
    clean_sim: Any, clean_pulls: dict[str, list[Item]]
) -> None:
    clean_sim.inject("registry", "duplicate_seq", times=1, path="/events")
    items, _ = collect(connector(clean_sim, "registry", streams=["events"]).fetch({}))
    refs = Counter(r.source_ref for r in records(items))
    assert max(refs.values()) == 2
    assert final_cursors(items)["events"] == final_cursors(clean_pulls["registry"])["events"]


def test_exchange_busy_and_rate_limited_are_retried(clean_sim: Any) -> None:
    clean_sim.inject("exchange", "code_1003", times=2, path="/trades")
    clean_sim.inject("exchange", "rate_limit_429", times=1, path="/trades")
    waits: list[float] = []
    items, error = collect(connector(clean_sim, "exchange", waits, streams=["trades"]).fetch({}))
    assert error is None and bads(items) == []
    assert len(waits) == 3 and 1.0 in waits


def test_exchange_trade_repeated_at_a_page_boundary(
    clean_sim: Any, clean_pulls: dict[str, list[Item]]
) -> None:
    clean_sim.inject("exchange", "duplicate_page", times=1, path="/trades")
    items, _ = collect(connector(clean_sim, "exchange", streams=["trades"]).fetch({}))
    clean = [r for r in records(clean_pulls["exchange"]) if r.kind == "trade"]
    assert len(records(items)) == len(clean) + 1
    assert final_cursors(items)["trades"] == final_cursors(clean_pulls["exchange"])["trades"]


def test_platform_utf8_bom_report_reads_like_gb18030(
    clean_sim: Any, clean_pulls: dict[str, list[Item]]
) -> None:
    clean_sim.inject("platform", "utf8_bom_csv", times=None, path="/reports")
    items, error = collect(connector(clean_sim, "platform", streams=["reports"]).fetch({}))
    assert error is None and bads(items) == []
    payloads = [i for i in items if isinstance(i, Payload) and i.status == 200]
    assert all(p.body.startswith(b"\xef\xbb\xbf") for p in payloads)
    clean = {
        r.source_ref: r.data
        for r in records(clean_pulls["platform"])
        if r.kind == "emission_report"
    }
    assert {r.source_ref: r.data for r in records(items)} == clean


def test_platform_504_on_large_years_is_source_unavailable(clean_sim: Any) -> None:
    clean_sim.inject("platform", "gateway_timeout_504", times=None, path="/units")
    waits: list[float] = []
    items, error = collect(
        connector(
            clean_sim, "platform", waits, streams=["units"], options=ClientOptions(max_attempts=2)
        ).fetch({})
    )
    assert isinstance(error, SourceUnavailable) and "HTTP 504" in str(error)
    assert checkpoints(items)[-1] == ("units", "2023")  # the years before were taken
    assert isinstance(items[-1], Payload) and items[-1].status == 504


def test_slow_answer_times_out_as_source_unavailable(clean_sim: Any) -> None:
    clean_sim.inject("exchange", "slow", times=2, path="/trades", delay=1.0)
    options = ClientOptions(max_attempts=2, read_timeout=0.2)
    pull = connector(clean_sim, "exchange", streams=["trades"], options=options)
    items, error = collect(pull.fetch({}))
    assert isinstance(error, SourceUnavailable) and "timed out" in str(error)
    assert items == []


def test_missing_token_is_source_auth_error() -> None:
    from publishers.simulated import SimulatedSystems

    small = {"trades": 100, "units": 20, "parameter_units": 5}
    with SimulatedSystems(seed=7, tokens={"registry": "s3cret"}, **small) as sim:
        _, error = collect(connector(sim, "registry", streams=["events"]).fetch({}))
        assert isinstance(error, SourceAuthError)
        good = RegistryConnector("registry", sim.urls["registry"], "s3cret", streams=["events"])
        items, error = collect(good.fetch({}))
    assert error is None and records(items)
