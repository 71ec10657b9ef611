"""The three connectors against hand-made answers served on 127.0.0.1.

Each test checks what the pipeline relies on: a Payload before anything read from it,
records with the contract's kinds and source_refs, Checkpoints with the right cursors,
and BadPayloads (no records, cursor kept) for bodies that cannot be read.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from publishers.base import BadPayload, Checkpoint, Item, Payload, RawRecord
from publishers.exchange import ExchangeConnector
from publishers.http import ClientOptions, SourceAuthError, SourceUnavailable
from publishers.platform import PlatformConnector
from publishers.registry import EVENT_KINDS, RegistryConnector
from tests.test_http import Answer, StubServer, sequence

NS = "urn:cn:cets:registry:events:1"
USCC_A = "91420100MA4K00010R"
USCC_B = "91110000100000008J"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}
XML_HEADERS = {"Content-Type": "application/xml"}
NOT_FOUND: Answer = (404, {"Content-Type": "text/plain"}, b"no such file")
OPTIONS = ClientOptions(max_attempts=3)


# --------------------------------------------------------------------------- helpers


def collect(items: Iterator[Item]) -> tuple[list[Item], BaseException | None]:
    """Every item until the generator ends or raises, and what it raised."""
    got: list[Item] = []
    try:
        for item in items:
            got.append(item)
    except Exception as exc:  # the tests inspect it
        return got, exc
    return got, None


def shape(items: list[Item]) -> str:
    """P(ayload) R(ecord) C(heckpoint) B(adPayload), in order."""
    letters = {Payload: "P", RawRecord: "R", Checkpoint: "C", BadPayload: "B"}
    return "".join(letters[type(item)] for item in items)


def records(items: list[Item]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def checkpoints(items: list[Item]) -> list[tuple[str, str]]:
    return [(i.stream, i.cursor) for i in items if isinstance(i, Checkpoint)]


def bads(items: list[Item]) -> list[BadPayload]:
    return [item for item in items if isinstance(item, BadPayload)]


def assert_payload_first(items: list[Item]) -> None:
    """Every record and bad payload points to the payload yielded just before it."""
    current = None
    for item in items:
        if isinstance(item, Payload):
            current = item.sha256
        elif isinstance(item, RawRecord | BadPayload):
            assert item.payload_sha256 == current


def routes(table: dict[str, Callable[[dict[str, str]], Answer]]):
    def respond(path: str, query: dict[str, str]) -> Answer:
        return table[path](query) if path in table else NOT_FOUND

    return respond


def as_json(data: Any) -> Answer:
    return (200, JSON_HEADERS, json.dumps(data, ensure_ascii=False).encode())


# --------------------------------------------------------------------------- registry


def event(seq: int, kind: str = "ALLOCATION", body: str = "", **attrs: str) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    inner = body or f"<Uscc>{USCC_A}</Uscc><Vintage>CEA24</Vintage><Quantity>{seq}</Quantity>"
    return (
        f'<Event seq="{seq}" type="{kind}" time="2025-08-20T10:00:00+08:00"{extra}>{inner}</Event>'
    )


def page(events: list[str], has_more: bool, encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<RegistryEvents xmlns="{NS}" '
        f'lastSeq="99" hasMore="{str(has_more).lower()}">\n'
        + "\n".join(events)
        + "\n</RegistryEvents>\n"
    )


def xml(text: str) -> Answer:
    return (200, XML_HEADERS, text.encode())


def registry(server: StubServer, **kwargs: Any) -> RegistryConnector:
    waits = kwargs.pop("waits", [])
    options = {"streams": ["events"], "page_size": 2, "options": OPTIONS, **kwargs}
    return RegistryConnector("reg", server.url, sleep=waits.append, **options)


def feed_server(pages: dict[str, Answer | list[Answer]]) -> StubServer:
    """Pages by ``since``; a list is served in turn (last one repeated)."""
    queues = {k: (v if isinstance(v, list) else [v]) for k, v in pages.items()}

    def events(query: dict[str, str]) -> Answer:
        queue = queues[query["since"]]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return StubServer(routes({"/events": events}))


CORRECTION_BODY = (
    f"<Uscc>{USCC_A}</Uscc><ComplianceYear>2024</ComplianceYear><Unit>CEA24</Unit>"
    "<Quantity>1790001</Quantity>"
)
PAGE_1 = xml(page([event(1), event(2, "SURRENDER", CORRECTION_BODY)], has_more=True))
PAGE_2 = xml(
    page(
        [
            event(2, "SURRENDER", CORRECTION_BODY),  # duplicate delivery after a failover
            event(3, "CORRECTION", CORRECTION_BODY, supersedes="2"),
            event(4, "MYSTERY_TYPE"),
        ],
        has_more=False,
    )
)


def test_registry_events_pages_kinds_refs_and_cursors() -> None:
    with feed_server({"0": PAGE_1, "2": PAGE_2}) as server:
        items, error = collect(registry(server).fetch({}))
    assert error is None
    assert shape(items) == "PRRC" + "PRRRC"
    assert_payload_first(items)
    got = records(items)
    assert [r.kind for r in got] == [
        "allocation",
        "surrender",
        "surrender",
        "correction",
        "unknown",
    ]
    assert [r.source_ref for r in got] == [f"registry:seq:{n}" for n in (1, 2, 2, 3, 4)]
    correction = got[3]
    assert correction.supersedes_ref == "registry:seq:2"
    assert correction.data["type"] == "CORRECTION" and correction.data["supersedes"] == "2"
    assert correction.data["Quantity"] == "1790001" and correction.data["Uscc"] == USCC_A
    assert checkpoints(items) == [("events", "2"), ("events", "4")]
    assert [q for _, q, _ in server.seen] == [
        {"since": "0", "limit": "2"},
        {"since": "2", "limit": "2"},
    ]


def test_every_registry_event_type_maps_to_its_kind() -> None:
    types = list(EVENT_KINDS)
    body = page([event(n, t) for n, t in enumerate(types, start=1)], has_more=False)
    with feed_server({"0": xml(body)}) as server:
        items, _ = collect(registry(server, page_size=500).fetch({}))
    assert [r.kind for r in records(items)] == [EVENT_KINDS[t] for t in types]
    assert EVENT_KINDS["PLEDGE_RELEASED"] == EVENT_KINDS["PLEDGE_ENFORCED"] == "pledge_event"


def test_registry_resumes_from_the_cursor_and_never_moves_it_back() -> None:
    stale = xml(page([event(3)], has_more=False))  # a seq below the cursor, redelivered
    with feed_server({"5": stale}) as server:
        items, _ = collect(registry(server).fetch({"events": "5"}))
    assert server.seen[0][1]["since"] == "5"
    assert shape(items) == "PRC"
    assert checkpoints(items) == [("events", "5")]


def test_truncated_page_yields_no_record_and_keeps_the_cursor() -> None:
    full = PAGE_2[2].decode()
    truncated = (200, XML_HEADERS, full[: full.index("MYSTERY") - 20].encode())
    with feed_server({"0": PAGE_1, "2": [truncated, PAGE_2]}) as server:
        first, error = collect(registry(server).fetch({}))
        assert error is None
        assert shape(first) == "PRRC" + "PB"
        assert checkpoints(first) == [("events", "2")]
        (bad,) = bads(first)
        assert bad.error_type == "truncated-document"
        assert "cursor stays at 2" in bad.message and "since=2" in bad.url
        assert_payload_first(first)
        # the next pull, from the saved cursor, asks for the same page again
        again, _ = collect(registry(server).fetch({"events": "2"}))
    assert server.seen[-1][1]["since"] == "2"
    assert [r.source_ref for r in records(again)][-1] == "registry:seq:4"
    assert checkpoints(again) == [("events", "4")]


def test_hostile_feed_is_refused_and_the_secret_never_leaves(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-XXE-CONTENT-4711")
    hostile = (
        f'<?xml version="1.0"?>\n<!DOCTYPE RegistryEvents [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'\n<RegistryEvents xmlns="{NS}" hasMore="false">'
        f'<Event seq="1" type="ALLOCATION" time="t"><Uscc>&x;</Uscc></Event></RegistryEvents>'
    )
    with feed_server({"0": xml(hostile)}) as server:
        items, error = collect(registry(server).fetch({}))
    assert error is None
    assert shape(items) == "PB"
    assert bads(items)[0].error_type == "hostile-xml"
    assert "TOP-SECRET" not in repr(items)


def test_external_dtd_in_the_feed_is_never_fetched() -> None:
    with StubServer(sequence((200, {}, b'<!ENTITY x "EXPANDED">'))) as dtd:
        hostile = f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{dtd.url}/e.dtd">\n<r>&x;</r>'
        with feed_server({"0": xml(hostile)}) as server:
            items, _ = collect(registry(server).fetch({}))
        assert dtd.seen == []
    assert [b.error_type for b in bads(items)] == ["hostile-xml"]
    assert "EXPANDED" not in repr(items)


def test_gb2312_declared_utf8_feed_gives_correct_chinese() -> None:
    body = "<PledgeId>ZY1</PledgeId><PledgeeName>某某银行股份有限公司武汉分行</PledgeeName>"
    text = page([event(1, "PLEDGE_REGISTERED", body)], has_more=False, encoding="GB2312")
    with feed_server({"0": (200, XML_HEADERS, text.encode("utf-8"))}) as server:
        items, _ = collect(registry(server).fetch({}))
    (record,) = records(items)
    assert record.kind == "pledge"
    assert record.data["PledgeeName"] == "某某银行股份有限公司武汉分行"


def test_nightly_settlement_503_is_waited_out() -> None:
    waits: list[float] = []
    busy = (503, {"Retry-After": "5"}, b"settlement")
    with feed_server({"0": [busy, PAGE_2]}) as server:
        items, _ = collect(registry(server, waits=waits).fetch({}))
    assert waits == [5.0]
    assert shape(items) == "PRRRC"


def test_auth_failure_raises_after_yielding_the_body() -> None:
    with StubServer(sequence((401, {}, b"token required"))) as server:
        items, error = collect(registry(server).fetch({}))
    assert isinstance(error, SourceAuthError)
    assert "[publishers.reg]" in str(error)
    assert shape(items) == "P" and items[0].status == 401  # type: ignore[union-attr]


def test_ccer_projects_cursor_is_the_latest_update_and_is_sent_back() -> None:
    projects = [
        {"projectId": "CCER-P-2024-000017", "updatedAt": "2025-03-01T12:00:00+08:00"},
        {"projectId": "CCER-P-2024-000018", "updatedAt": "2025-03-01T05:00:00+00:00"},
        {"projectId": "CCER-P-2024-000019", "updatedAt": "2025-02-01T00:00:00+08:00"},
    ]
    with StubServer(routes({"/ccer/projects": lambda q: as_json(projects)})) as server:
        connector = registry(server, streams=["ccer_projects"])
        items, _ = collect(connector.fetch({}))
        collect(connector.fetch({"ccer_projects": "2025-03-01T05:00:00+00:00"}))
    assert server.seen[0][1] == {"updatedSince": "2019-01-01T00:00:00+08:00"}
    assert server.seen[1][1] == {"updatedSince": "2025-03-01T05:00:00+00:00"}
    assert shape(items) == "PRRRC"
    assert [r.kind for r in records(items)] == ["ccer_project"] * 3
    assert records(items)[0].source_ref == "registry:ccer-project:CCER-P-2024-000017"
    assert checkpoints(items) == [("ccer_projects", "2025-03-01T05:00:00+00:00")]


@pytest.mark.parametrize("body", [b'[{"projectId": ', b'{"projects": []}'])
def test_unreadable_project_list_is_a_bad_payload(body: bytes) -> None:
    answer = (200, JSON_HEADERS, body)
    with StubServer(routes({"/ccer/projects": lambda q: answer})) as server:
        items, _ = collect(registry(server, streams=["ccer_projects"]).fetch({}))
    assert shape(items) == "PB"
    assert bads(items)[0].error_type == "malformed-json"
    assert "/ccer/projects" in bads(items)[0].message


# --------------------------------------------------------------------------- exchange


def trade(trade_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "tradeId": trade_id,
        "tradeDate": "2025-01-02",
        "subjectCode": "CEA24",
        "tradeMethod": "10",
        "dealPric": "97.50",
        "dealQty": 1000,
        **extra,
    }


def wrapped(data: Any, code: int = 0, msg: str = "success") -> Answer:
    return as_json({"code": code, "msg": msg, "data": data})


def exchange(server: StubServer, **kwargs: Any) -> ExchangeConnector:
    waits = kwargs.pop("waits", [])
    options = {"streams": ["trades"], "page_size": 2, "options": OPTIONS, **kwargs}
    return ExchangeConnector("exc", server.url, sleep=waits.append, **options)


def trades_server(answers: dict[str, list[Answer]]) -> StubServer:
    def trades(query: dict[str, str]) -> Answer:
        queue = answers[query.get("after", "<none>")]
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return StubServer(routes({"/trades": trades}))


TRADES_1 = wrapped({"list": [trade("T1"), trade("T2")], "hasMore": True, "nextAfter": "T2"})
TRADES_2 = wrapped({"list": [trade("T2"), trade("T3")], "hasMore": False, "nextAfter": "T3"})


def test_trades_page_and_repeat_the_boundary_trade() -> None:
    with trades_server({"<none>": [TRADES_1], "T2": [TRADES_2]}) as server:
        items, error = collect(exchange(server).fetch({}))
    assert error is None
    assert shape(items) == "PRRC" + "PRRC"
    assert_payload_first(items)
    assert [r.source_ref for r in records(items)] == [
        "exchange:trade:T1",
        "exchange:trade:T2",
        "exchange:trade:T2",
        "exchange:trade:T3",
    ]
    assert {r.kind for r in records(items)} == {"trade"}
    assert checkpoints(items) == [("trades", "T2"), ("trades", "T3")]
    assert [q for _, q, _ in server.seen] == [{"limit": "2"}, {"limit": "2", "after": "T2"}]


def test_trades_resume_after_the_cursor() -> None:
    with trades_server({"T2": [TRADES_2]}) as server:
        items, _ = collect(exchange(server).fetch({"trades": "T2"}))
    assert server.seen[0][1]["after"] == "T2"
    assert checkpoints(items) == [("trades", "T3")]


def test_code_1003_and_429_are_retried() -> None:
    waits: list[float] = []
    busy = wrapped(None, code=1003, msg="系统繁忙")
    limited: Answer = (429, {"Retry-After": "1"}, b"")
    with trades_server({"<none>": [busy, limited, busy, TRADES_2]}) as server:
        items, _ = collect(exchange(server, waits=waits, options=ClientOptions()).fetch({}))
    assert len(waits) == 3 and waits[1] == 1.0
    assert shape(items) == "PRRC"


def test_other_api_codes_are_bad_payloads() -> None:
    with trades_server({"<none>": [wrapped(None, code=2001, msg="参数错误")]}) as server:
        items, error = collect(exchange(server).fetch({}))
    assert error is None
    assert shape(items) == "PB"
    (bad,) = bads(items)
    assert bad.error_type == "api-error"
    assert "2001" in bad.message and "参数错误" in bad.message and "cursor stays" in bad.message


def test_market_daily_windows_cursor_and_refetch() -> None:
    def daily(query: dict[str, str]) -> Answer:
        row = {"tradeDate": query["to"], "subjectCode": "COMCEA", "closPric": "101.21"}
        return wrapped([row, {**row, "subjectCode": "CEA24"}])

    with StubServer(routes({"/market/daily": daily})) as server:
        first, _ = collect(
            exchange(server, streams=["market_daily"], today=lambda: date(2021, 8, 20)).fetch({})
        )
        later = exchange(server, streams=["market_daily"], today=lambda: date(2021, 8, 25))
        second, _ = collect(later.fetch({"market_daily": "2021-08-20"}))
    windows = [(q["from"], q["to"]) for _, q, _ in server.seen]
    assert windows == [
        ("2021-07-16", "2021-08-15"),
        ("2021-08-16", "2021-08-20"),
        ("2021-08-14", "2021-08-25"),  # the last 7 days are fetched again
    ]
    assert shape(first) == "PRRC" * 2
    assert records(first)[0].kind == "market_day"
    assert records(first)[0].source_ref == "exchange:market:2021-08-15:COMCEA"
    assert checkpoints(first) == [("market_daily", "2021-08-15"), ("market_daily", "2021-08-20")]
    assert checkpoints(second) == [("market_daily", "2021-08-25")]


def test_market_daily_cursor_never_moves_back() -> None:
    with StubServer(routes({"/market/daily": lambda q: wrapped([])})) as server:
        connector = exchange(server, streams=["market_daily"], today=lambda: date(2021, 8, 18))
        items, _ = collect(connector.fetch({"market_daily": "2021-08-20"}))
    assert checkpoints(items) == [("market_daily", "2021-08-20")]


# --------------------------------------------------------------------------- platform

REPORT_HEADER = (
    "统一社会信用代码,单位名称,省份代码,行业代码,核算年度,排放量(tCO2e),核查排放量(tCO2e),核查机构,"
    "核查机构统一社会信用代码,供电量(MWh),供热量(GJ),产品产量,产品产量单位,公开日期"
)


def report_csv(year: int, encoding: str) -> bytes:
    rows = [
        REPORT_HEADER,
        f'{USCC_A},某某发电有限公司,420000,4411,{year},"1,850,321",１８４９９００,某某认证中心,'
        f"914403001922038216,2100000,0,,,{year + 1}-05-20",
        f"{USCC_B},某某钢铁有限公司,420000,3120,{year},涉密,涉密,某某认证中心,"
        f"914403001922038216,涉密,涉密,涉密,吨,{year + 1}-05-20",
        "",
        ",,,,,,,,,,,,,",
    ]
    return "\r\n".join(rows).encode(encoding)


def platform(server: StubServer, stream: str, **kwargs: Any) -> PlatformConnector:
    waits = kwargs.pop("waits", [])
    options = {"streams": [stream], "options": OPTIONS, **kwargs}
    return PlatformConnector("plat", server.url, sleep=waits.append, **options)


def test_units_per_year_with_list_year() -> None:
    def units(query: dict[str, str]) -> Answer:
        listed = [{"uscc": USCC_A, "name": "某某发电有限公司"}]
        if query["year"] == "2024":
            listed.append({"uscc": USCC_B, "name": "某某钢铁有限公司"})
        return as_json(listed)

    with StubServer(routes({"/units": units})) as server:
        items, _ = collect(platform(server, "units", years=[2023, 2024]).fetch({"units": "2024"}))
    assert shape(items) == "PRC" + "PRRC"
    got = records(items)
    assert [r.source_ref for r in got] == [
        f"platform:unit:2023:{USCC_A}",
        f"platform:unit:2024:{USCC_A}",
        f"platform:unit:2024:{USCC_B}",
    ]
    assert [r.data["listYear"] for r in got] == [2023, 2024, 2024]
    assert {r.kind for r in got} == {"entity"}
    assert checkpoints(items) == [("units", "2024"), ("units", "2024")]  # never backwards


def test_reports_in_both_encodings_and_a_missing_year() -> None:
    files = {
        "/reports/2022.csv": lambda q: (
            200,
            {"Content-Type": "text/csv"},
            report_csv(2022, "utf-8-sig"),
        ),
        "/reports/2023.csv": lambda q: (
            200,
            {"Content-Type": "text/csv"},
            report_csv(2023, "gb18030"),
        ),
    }
    with StubServer(routes(files)) as server:
        items, error = collect(platform(server, "reports", years=[2022, 2023, 2024]).fetch({}))
    assert error is None
    assert shape(items) == "PRRC" + "PRRC" + "P"  # 2024: 404, not published yet
    assert_payload_first(items)
    got = records(items)
    assert [r.source_ref for r in got] == [
        f"platform:report:2022:{USCC_A}",
        f"platform:report:2022:{USCC_B}",
        f"platform:report:2023:{USCC_A}",
        f"platform:report:2023:{USCC_B}",
    ]
    assert {r.kind for r in got} == {"emission_report"}
    assert got[2].data["单位名称"] == "某某发电有限公司"
    assert got[2].data["排放量(tCO2e)"] == "1850321"
    assert got[2].data["核查排放量(tCO2e)"] == "1849900"
    assert got[3].data["排放量(tCO2e)"] == "涉密"
    assert {k: v for k, v in got[0].data.items() if k != "核算年度" and k != "公开日期"} == {
        k: v for k, v in got[2].data.items() if k != "核算年度" and k != "公开日期"
    }
    assert checkpoints(items) == [("reports", "2022"), ("reports", "2023")]


def test_a_malformed_report_year_is_bad_and_the_next_year_goes_on() -> None:
    ragged = REPORT_HEADER + "\r\n" + USCC_A + ",只有两列\r\n"
    files = {
        "/reports/2022.csv": lambda q: (
            200,
            {"Content-Type": "text/csv"},
            ragged.encode("gb18030"),
        ),
        "/reports/2023.csv": lambda q: (
            200,
            {"Content-Type": "text/csv"},
            report_csv(2023, "gb18030"),
        ),
    }
    with StubServer(routes(files)) as server:
        items, _ = collect(platform(server, "reports", years=[2022, 2023]).fetch({}))
    assert shape(items) == "PB" + "PRRC"
    (bad,) = bads(items)
    assert bad.error_type == "malformed-csv"
    assert "row 2 has 2" in bad.message and "2022.csv" in bad.message


def test_compliance_refs_and_default_years() -> None:
    def compliance(query: dict[str, str]) -> Answer:
        return as_json([{"uscc": USCC_A, "complianceYear": int(query["year"]), "status": "已履约"}])

    with StubServer(routes({"/compliance": compliance})) as server:
        connector = platform(server, "compliance", today=lambda: date(2021, 3, 1))
        items, _ = collect(connector.fetch({}))
    assert [q["year"] for _, q, _ in server.seen] == ["2019", "2020", "2021"]
    assert [r.source_ref for r in records(items)] == [
        f"platform:compliance:{y}:{USCC_A}" for y in (2019, 2020, 2021)
    ]
    assert {r.kind for r in records(items)} == {"compliance"}


def test_504_on_a_large_year_is_source_unavailable_after_retries() -> None:
    waits: list[float] = []
    with StubServer(routes({"/units": lambda q: (504, {}, b"gateway timeout")})) as server:
        connector = platform(server, "units", years=[2024], waits=waits)
        items, error = collect(connector.fetch({}))
        assert len(server.seen) == 3
    assert isinstance(error, SourceUnavailable)
    assert "HTTP 504 after 3 attempts" in str(error)
    assert shape(items) == "P" and len(waits) == 2


def parameter(pid: str, month: str) -> dict[str, Any]:
    return {"id": pid, "uscc": USCC_A, "month": month, "parameter": "ncv_ar", "value": "21.436"}


def parameters_server() -> StubServer:
    data = {
        ("2022-04", ""): {
            "list": [parameter("P1", "2022-04"), parameter("P2", "2022-04")],
            "nextAfter": "P2",
        },
        ("2022-04", "P2"): {"list": [parameter("P3", "2022-04")], "nextAfter": None},
        ("2022-06", ""): {"list": [parameter("P9", "2022-06")], "nextAfter": None},
    }

    def answer(query: dict[str, str]) -> Answer:
        key = (query["month"], query.get("after", ""))
        return as_json(data.get(key, {"list": [], "nextAfter": None}))

    return StubServer(routes({"/parameters": answer}))


def test_parameters_months_pages_and_cursor() -> None:
    with parameters_server() as server:
        connector = platform(server, "parameters", page_size=2, today=lambda: date(2022, 6, 10))
        items, _ = collect(connector.fetch({}))
    assert [(q["month"], q.get("after")) for _, q, _ in server.seen] == [
        ("2022-04", None),
        ("2022-04", "P2"),
        ("2022-05", None),
        ("2022-06", None),
    ]
    assert shape(items) == "PRRC" + "PRC" + "P" + "PRC"
    assert [r.source_ref for r in records(items)] == [
        f"platform:parameter:{p}" for p in ("P1", "P2", "P3", "P9")
    ]
    assert {r.kind for r in records(items)} == {"key_parameter"}
    assert checkpoints(items) == [
        ("parameters", "2022-04|P2"),
        ("parameters", "2022-04|P3"),
        ("parameters", "2022-06|P9"),
    ]


def test_parameters_resume_from_month_and_last_id() -> None:
    with parameters_server() as server:
        connector = platform(server, "parameters", today=lambda: date(2022, 7, 1))
        collect(connector.fetch({"parameters": "2022-06|P9"}))
    assert [(q["month"], q.get("after")) for _, q, _ in server.seen] == [
        ("2022-06", "P9"),
        ("2022-07", None),
    ]


# --------------------------------------------------------------------------- the layer


def test_unknown_stream_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="ccer_projects"):
        RegistryConnector("reg", "http://127.0.0.1:1", streams=["trades"])


def test_connector_modules_import_nothing_from_the_core() -> None:
    package = Path(__file__).resolve().parents[1] / "publishers"
    for name in ("__init__", "http", "safexml", "csvio", "registry", "exchange", "platform"):
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            for module in modules:
                assert module.split(".")[0] not in {"gateway", "schemas", "mappings"}, name
