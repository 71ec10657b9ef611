"""The shared HTTP client: retries, Retry-After, timeouts, auth and typed errors.

Every test talks to a real HTTP server on 127.0.0.1; waits go to an injected ``sleep``
that records them, so nothing here depends on wall-clock timing.
"""

from __future__ import annotations

import json
import random
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from publishers.exchange import busy_reason
from publishers.http import (
    ClientOptions,
    HttpClient,
    JsonError,
    SourceAuthError,
    SourceProtocolError,
    SourceUnavailable,
    decode_json,
    parse_retry_after,
)

Answer = tuple[int, dict[str, str], bytes]


class StubServer:
    """A threaded HTTP server on 127.0.0.1 whose answers come from ``respond(path, query)``.

    ``seen`` records (path, query, headers) of every request.
    """

    def __init__(self, respond: Callable[[str, dict[str, str]], Answer]) -> None:
        self.respond = respond
        self.seen: list[tuple[str, dict[str, str], dict[str, str]]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                stub.seen.append((parts.path, query, dict(self.headers)))
                status, headers, body = stub.respond(parts.path, query)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def sequence(*answers: Answer) -> Callable[[str, dict[str, str]], Answer]:
    """Answer with each of ``answers`` in turn, then repeat the last one."""
    queue = list(answers)

    def respond(path: str, query: dict[str, str]) -> Answer:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return respond


JSON = {"Content-Type": "application/json"}
OK: Answer = (200, JSON, b'{"ok": true}')


def make_client(**options: object) -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    opts = ClientOptions(**{"max_attempts": 4, **options})  # type: ignore[arg-type]
    client = HttpClient("test-pub", options=opts, sleep=waits.append, rng=random.Random(1))
    return client, waits


# --------------------------------------------------------------------------- retries


def test_503_retry_after_seconds_is_honoured() -> None:
    answers = sequence((503, {"Retry-After": "7"}, b"busy"), (503, {"Retry-After": "3"}, b""), OK)
    client, waits = make_client()
    with StubServer(answers) as server:
        resp = client.get(server.url + "/x")
    assert waits == [7.0, 3.0]
    assert resp.status == 200 and resp.body == b'{"ok": true}'
    assert resp.media_type == "application/json"
    assert resp.fetched_at.endswith("+00:00")
    assert resp.url == server.url + "/x"


def test_503_retry_after_http_date_is_honoured() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    client, waits = make_client()
    with StubServer(sequence((503, {"Retry-After": when}, b""), OK)) as server:
        client.get(server.url + "/x")
    assert len(waits) == 1 and 0 < waits[0] <= 61


def test_429_is_retried_with_capped_jittered_backoff() -> None:
    answers = sequence((429, {}, b""), (429, {}, b""), (429, {}, b""), OK)
    client, waits = make_client(backoff_base=1.0, backoff_cap=3.0)
    with StubServer(answers) as server:
        assert client.get(server.url + "/x").status == 200
    # delays 1, 2, 4 capped at 3; each jittered between half and all of it
    for wait, delay in zip(waits, [1.0, 2.0, 3.0], strict=True):
        assert delay / 2 <= wait <= delay


def test_429_with_retry_after_is_honoured() -> None:
    client, waits = make_client()
    with StubServer(sequence((429, {"Retry-After": "2"}, b""), OK)) as server:
        client.get(server.url + "/x")
    assert waits == [2.0]


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_errors_are_retried(status: int) -> None:
    client, waits = make_client()
    with StubServer(sequence((status, {}, b"bad gateway"), OK)) as server:
        assert client.get(server.url + "/x").status == 200
    assert len(waits) == 1


def test_persistent_503_raises_source_unavailable_keeping_the_body() -> None:
    client, waits = make_client(max_attempts=3)
    with StubServer(sequence((503, {"Content-Type": "text/plain"}, b"settlement"))) as server:
        with pytest.raises(SourceUnavailable) as info:
            client.get(server.url + "/events")
        assert len(server.seen) == 3
    exc = info.value
    assert not isinstance(exc, SourceAuthError | SourceProtocolError)
    assert "HTTP 503 after 3 attempts" in str(exc)
    assert server.url + "/events" in str(exc)
    assert "[publishers.test-pub]" in str(exc)  # what to do
    assert exc.response is not None and exc.response.body == b"settlement"
    assert len(waits) == 2


def test_retry_after_longer_than_allowed_fails_at_once() -> None:
    client, waits = make_client(max_retry_after=60)
    with StubServer(sequence((503, {"Retry-After": "3600"}, b""))) as server:
        with pytest.raises(SourceUnavailable, match="retry after 3600 s"):
            client.get(server.url + "/x")
        assert len(server.seen) == 1
    assert waits == []


# --------------------------------------------------------------------------- body hook


def busy() -> Answer:
    body = json.dumps({"code": 1003, "msg": "系统繁忙"}, ensure_ascii=False).encode()
    return (200, JSON, body)


def test_code_1003_is_retried_through_the_hook() -> None:
    good = (200, JSON, b'{"code": 0, "msg": "success", "data": []}')
    client, waits = make_client()
    with StubServer(sequence(busy(), busy(), good)) as server:
        resp = client.get(server.url + "/trades", retry_body=busy_reason)
    assert resp.body == good[2]
    assert len(waits) == 2


def test_code_1003_forever_is_source_unavailable() -> None:
    client, _ = make_client(max_attempts=2)
    with StubServer(sequence(busy())) as server, pytest.raises(SourceUnavailable, match="1003"):
        client.get(server.url + "/trades", retry_body=busy_reason)


# --------------------------------------------------------------------------- transport


def test_read_timeout_is_source_unavailable_with_a_clear_message() -> None:
    release = threading.Event()

    def slow(path: str, query: dict[str, str]) -> Answer:
        release.wait(5)
        return OK

    client, waits = make_client(max_attempts=2, read_timeout=0.2)
    with StubServer(slow) as server:
        try:
            with pytest.raises(SourceUnavailable) as info:
                client.get(server.url + "/slow")
        finally:
            release.set()
    message = str(info.value)
    assert "timed out" in message and "after 2 attempts" in message
    assert "/slow" in message and "read_timeout" in message
    assert len(waits) == 1


def test_connection_refused_is_source_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client, waits = make_client(max_attempts=2)
    with pytest.raises(SourceUnavailable, match="could not connect") as info:
        client.get(f"http://127.0.0.1:{port}/x")
    assert info.value.response is None
    assert f"127.0.0.1:{port}" in str(info.value)
    assert len(waits) == 1


def test_invalid_url_is_source_unavailable_naming_the_setting() -> None:
    client, _ = make_client()
    with pytest.raises(SourceUnavailable, match=r"Fix the url in \[publishers.test-pub\]"):
        client.get("not-a-url")


# --------------------------------------------------------------------------- auth


@pytest.mark.parametrize("status", [401, 403])
def test_auth_refusal_is_source_auth_error_without_retry(status: int) -> None:
    client, waits = make_client()
    with StubServer(sequence((status, {}, b"no"))) as server:
        with pytest.raises(SourceAuthError) as info:
            client.get(server.url + "/x")
        assert len(server.seen) == 1
    assert "check the token in [publishers.test-pub]" in str(info.value).lower()
    assert isinstance(info.value, SourceUnavailable)
    assert waits == []


def test_bearer_token_is_sent_only_when_configured() -> None:
    with StubServer(sequence(OK)) as server:
        HttpClient("p", "s3cret").get(server.url + "/a")
        HttpClient("p").get(server.url + "/b")
    assert server.seen[0][2].get("Authorization") == "Bearer s3cret"
    assert "Authorization" not in server.seen[1][2]


# --------------------------------------------------------------------------- protocol


def test_unexpected_status_is_a_protocol_error_unless_accepted() -> None:
    client, waits = make_client()
    with StubServer(sequence((404, {}, b"missing"))) as server:
        with pytest.raises(SourceProtocolError, match="unexpected HTTP status 404"):
            client.get(server.url + "/x")
        assert client.get(server.url + "/x", accept=(200, 404)).status == 404
    assert waits == []


def test_unexpected_content_type_is_a_protocol_error_keeping_the_body() -> None:
    client, _ = make_client()
    html = (200, {"Content-Type": "text/html"}, b"<html>login</html>")
    with (
        StubServer(sequence(html)) as server,
        pytest.raises(SourceProtocolError, match="unexpected content type") as info,
    ):
        client.get(server.url + "/x", expect=("json",))
    assert info.value.response is not None
    assert info.value.response.body == b"<html>login</html>"


def test_query_parameters_are_sent() -> None:
    client, _ = make_client()
    with StubServer(sequence(OK)) as server:
        client.get(server.url + "/events", {"since": 0, "limit": 500})
    assert server.seen[0][:2] == ("/events", {"since": "0", "limit": "500"})


# --------------------------------------------------------------------------- helpers


def test_parse_retry_after_forms() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", now) == 30.0
    assert parse_retry_after("Tue, 31 Dec 2024 00:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_decode_json_typed_errors() -> None:
    assert decode_json('\ufeff{"a": "中"}'.encode()) == {"a": "中"}
    with pytest.raises(JsonError) as info:
        decode_json(b'{"a": 1,\n "b": }', "http://h/x")
    assert info.value.error_type == "malformed-json"
    assert "line 2" in info.value.message and "http://h/x" in info.value.message
    with pytest.raises(JsonError) as info:
        decode_json('{"a": "中"}'.encode("gb18030"))
    assert info.value.error_type == "wrong-encoding"
    for bad in (b"", b"  ", b'{"a": NaN}'):
        with pytest.raises(JsonError) as info:
            decode_json(bad)
        assert info.value.error_type == "malformed-json"
