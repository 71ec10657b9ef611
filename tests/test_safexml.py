"""Safe XML: hostile documents refused, encodings survived, truncation told apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from publishers.safexml import (
    XmlError,
    event_to_dict,
    parse_document,
    parse_events,
    safe_parser,
)
from tests.test_http import StubServer, sequence

NS = "urn:cn:cets:registry:events:1"
PLEDGE_EVENT = """<Event seq="10003" type="PLEDGE_REGISTERED" time="2025-03-02T09:12:00+08:00">
    <PledgeId>ZY2025000123</PledgeId>
    <PledgorUscc>91420100MA4K00010R</PledgorUscc>
    <PledgeeUscc>91110000100000008J</PledgeeUscc><PledgeeName>某某银行股份有限公司武汉分行</PledgeeName>
    <Unit>CEA23</Unit><Quantity>300000</Quantity>
    <SecuredAmount currency="CNY">18000000.00</SecuredAmount>
    <TermStart>2025-03-02</TermStart><TermEnd>2026-03-01</TermEnd>
    <ProjectId/>   <!-- a comment inside an event -->
  </Event>"""


def feed(events: str, encoding: str = "UTF-8", has_more: str = "false") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<RegistryEvents xmlns="{NS}" lastSeq="10003" hasMore="{has_more}">\n'
        f"  {events}\n</RegistryEvents>\n"
    )


def error_of(body: bytes) -> XmlError:
    with pytest.raises(XmlError) as info:
        parse_events(body, "http://registry.test/events?since=0")
    return info.value


# --------------------------------------------------------------------------- reading


def test_event_is_flattened_with_attributes_children_and_child_attributes() -> None:
    page = parse_events(feed(PLEDGE_EVENT, has_more="true").encode())
    assert page.root_tag == "RegistryEvents"
    assert page.root_attrib == {"lastSeq": "10003", "hasMore": "true"}
    assert page.events == [
        {
            "seq": "10003",
            "type": "PLEDGE_REGISTERED",
            "time": "2025-03-02T09:12:00+08:00",
            "PledgeId": "ZY2025000123",
            "PledgorUscc": "91420100MA4K00010R",
            "PledgeeUscc": "91110000100000008J",
            "PledgeeName": "某某银行股份有限公司武汉分行",
            "Unit": "CEA23",
            "Quantity": "300000",
            "SecuredAmount": "18000000.00",
            "SecuredAmount@currency": "CNY",
            "TermStart": "2025-03-02",
            "TermEnd": "2026-03-01",
            "ProjectId": "",
        }
    ]


def test_correction_keeps_supersedes_and_type() -> None:
    body = feed(
        '<Event seq="11" type="CORRECTION" time="t" supersedes="2"><Uscc>X</Uscc>'
        "<ComplianceYear>2024</ComplianceYear><Unit>CEA24</Unit><Quantity>1</Quantity></Event>"
    )
    (event,) = parse_events(body.encode()).events
    assert event["type"] == "CORRECTION" and event["supersedes"] == "2"
    assert event["Quantity"] == "1" and event["ComplianceYear"] == "2024"


def test_a_large_page_is_read_across_chunks() -> None:
    events = "".join(
        f'<Event seq="{n}" type="ALLOCATION" time="t"><Uscc>91420100MA4K00010R</Uscc>'
        f"<Vintage>CEA24</Vintage><Quantity>{n}</Quantity><Stage>PRE</Stage>"
        f"<PledgeeName>{'某' * 40}</PledgeeName></Event>\n"
        for n in range(1, 1001)
    )
    body = feed(events).encode()
    assert len(body) > 3 * 64 * 1024
    page = parse_events(body)
    assert [e["seq"] for e in page.events] == [str(n) for n in range(1, 1001)]
    assert page.events[-1]["Quantity"] == "1000"


def test_repeated_child_becomes_a_list() -> None:
    element = etree.fromstring("<Event seq='1'><A>x</A><A>y</A><B k='v'/></Event>")
    assert event_to_dict(element) == {"seq": "1", "A": ["x", "y"], "B": "", "B@k": "v"}


# --------------------------------------------------------------------------- encodings


def test_gb2312_declared_but_utf8_body_reads_correct_chinese() -> None:
    body = feed(PLEDGE_EVENT, encoding="GB2312").encode("utf-8")
    (event,) = parse_events(body).events
    assert event["PledgeeName"] == "某某银行股份有限公司武汉分行"


@pytest.mark.parametrize("declared", ["GB2312", "GBK", "GB18030", "gb2312"])
def test_gb_declared_and_gb_encoded_body_reads_correct_chinese(declared: str) -> None:
    body = feed(PLEDGE_EVENT, encoding=declared).encode("gb2312")
    (event,) = parse_events(body).events
    assert event["PledgeeName"] == "某某银行股份有限公司武汉分行"


def test_utf8_bom_body_reads() -> None:
    body = b"\xef\xbb\xbf" + feed(PLEDGE_EVENT).encode()
    assert parse_events(body).events[0]["PledgeeName"].startswith("某某银行")


def test_utf8_declared_but_gb_body_is_wrong_encoding() -> None:
    error = error_of(feed(PLEDGE_EVENT).encode("gb18030"))
    assert error.error_type == "wrong-encoding"
    assert "offset" in error.message and "registry.test" in error.message


def test_gb_declared_body_in_neither_encoding_is_wrong_encoding() -> None:
    body = feed("<Event seq='1' type='X' time='t'><A>\xff\xfe\xff</A></Event>", "GB2312")
    error = error_of(body.encode("latin-1"))
    assert error.error_type == "wrong-encoding"


# --------------------------------------------------------------------------- truncation


def test_truncated_at_every_point_after_the_root_is_truncated_document() -> None:
    body = feed(PLEDGE_EVENT * 2).encode()
    start = body.index(b"<RegistryEvents") + 1
    end = len(body.rstrip())
    kinds = {error_of(body[:cut]).error_type for cut in range(start, end)}
    assert kinds == {"truncated-document"}


def test_truncated_gb_body_mid_character_is_truncated_document() -> None:
    body = feed(PLEDGE_EVENT, "GB2312").encode("gb18030")
    cut = body.index("银".encode("gb18030")) + 1
    assert error_of(body[:cut]).error_type == "truncated-document"


def test_empty_body_is_truncated_document() -> None:
    assert error_of(b"").error_type == "truncated-document"


@pytest.mark.parametrize(
    "body",
    [
        b"<R><A></B></R>",
        b"<R><A>x</A></R><R/>",
        b'<R a="1" a="2"/>',
        b"<R>&undefined;</R>",
        b"not xml at all",
    ],
)
def test_malformed_xml(body: bytes) -> None:
    error = error_of(body)
    assert error.error_type == "malformed-xml"
    assert "line" in error.message


# --------------------------------------------------------------------------- hostile


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-XXE-CONTENT-4711", encoding="utf-8")
    return path


def xxe(secret: Path) -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE RegistryEvents [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        f'<RegistryEvents xmlns="{NS}" hasMore="false">'
        '<Event seq="1" type="ALLOCATION" time="t"><Uscc>&x;</Uscc></Event></RegistryEvents>'
    ).encode()


BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)


def test_external_entity_is_refused_and_the_file_never_read(secret_file: Path) -> None:
    error = error_of(xxe(secret_file))
    assert error.error_type == "hostile-xml"
    assert "TOP-SECRET" not in str(error)


def test_safe_parser_alone_never_expands_an_external_entity(secret_file: Path) -> None:
    # Defence in depth: even without the DOCTYPE pre-check, the parser resolves nothing.
    root = etree.fromstring(xxe(secret_file), parser=safe_parser())
    assert "TOP-SECRET" not in etree.tostring(root, encoding="unicode")
    assert "TOP-SECRET" not in "".join(root.itertext())


def test_entity_expansion_bomb_is_refused() -> None:
    assert error_of(BOMB).error_type == "hostile-xml"
    with pytest.raises(XmlError, match="DOCTYPE"):
        parse_document(BOMB)


@pytest.mark.parametrize(
    "prolog",
    [
        b"<!DOCTYPE RegistryEvents>",
        b"<!-- note -->\n<?pi x?>\n<!doctype RegistryEvents>",
        b'<!DOCTYPE RegistryEvents PUBLIC "-//X//EN" "x.dtd">',
    ],
)
def test_any_doctype_is_refused(prolog: bytes) -> None:
    body = b'<?xml version="1.0"?>\n' + prolog + b'\n<RegistryEvents hasMore="false"/>'
    assert error_of(body).error_type == "hostile-xml"


def test_doctype_in_utf16_is_refused() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
    assert error_of(body.encode("utf-16")).error_type == "hostile-xml"


def test_external_dtd_is_never_fetched() -> None:
    with StubServer(sequence((200, {}, b'<!ENTITY x "EXPANDED-FROM-DTD">'))) as dtd:
        body = (
            f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{dtd.url}/evil.dtd">\n<r>&x;</r>'
        ).encode()
        assert error_of(body).error_type == "hostile-xml"
        with pytest.raises(XmlError):
            parse_document(body)
        root = etree.fromstring(body, parser=safe_parser())  # the parser alone, too
        assert "EXPANDED" not in etree.tostring(root, encoding="unicode")
        assert dtd.seen == []


def test_doctype_text_inside_content_is_not_hostile() -> None:
    body = feed(
        "<Event seq='1' type='X' time='t'><A>&lt;!DOCTYPE x&gt;</A>"
        "<B><![CDATA[<!DOCTYPE y>]]></B></Event>"
    ).encode()
    (event,) = parse_events(body).events
    assert event["A"] == "<!DOCTYPE x>" and event["B"] == "<!DOCTYPE y>"


def test_parse_document_returns_a_tree() -> None:
    root = parse_document(feed(PLEDGE_EVENT).encode())
    assert root.tag == f"{{{NS}}}RegistryEvents"
    with pytest.raises(XmlError) as info:
        parse_document(feed(PLEDGE_EVENT).encode()[:-40])
    assert info.value.error_type == "truncated-document"
