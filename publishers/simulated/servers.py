"""HTTP plumbing shared by the three simulated systems.

Each system is a ``ThreadingHTTPServer`` in a daemon thread, answering with
``Content-Length`` (HTTP/1.1 keep-alive). The server checks the bearer token, applies the
status faults (slow, 503, 429, 504, code 1003) and truncation; the system's app builds
the answer and applies the faults that depend on its content. ``/_control/...`` is the
simulator's own control surface: it needs no token and is never faulted or counted.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

from .faults import FaultBoard
from .params import HttpError

_YEAR_IN_PATH = re.compile(r"/(\d{4})\.csv$")


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, str]

    @property
    def year(self) -> int | None:
        """The year a platform request is about, if any."""
        text = self.query.get("year") or (m.group(1) if (m := _YEAR_IN_PATH.search(self.path)) else "")
        return int(text) if text.isdigit() else None


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def json_response(obj: object, status: int = 200) -> Response:
    body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json; charset=utf-8")


class App(Protocol):
    """What a simulated system provides to its server."""

    system: str

    def handle(self, request: Request, faults: FaultBoard) -> Response: ...

    def error(self, request: Request, status: int, message: str) -> Response: ...

    def defects(self) -> list[dict]: ...


class _QuietServer(ThreadingHTTPServer):
    """A threading server that does not print a traceback when a client hangs up."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SimServer:
    """One system's HTTP server, with its fault board, token and request counter."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0, token: str | None = None) -> None:
        self.app, self.token = app, token
        self.faults = FaultBoard(app.system)
        self.requests_served = 0
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), _handler_class(self))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.1,),
                                        name=f"sim-{self.app.system}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def count(self) -> None:
        with self._lock:
            self.requests_served += 1

    def serve(self, request: Request, authorization: str | None) -> Response:
        """The answer to a data request, faults included."""
        self.count()
        if self.token and authorization != f"Bearer {self.token}":
            response = self.app.error(request, 401, "missing or invalid bearer token / 缺少或无效的访问令牌")
            response.headers["WWW-Authenticate"] = 'Bearer realm="simulated"'
            return response
        early = self._status_fault(request)
        if early:
            return early
        try:
            response = self.app.handle(request, self.faults)
        except HttpError as exc:
            return self.app.error(request, exc.status, exc.message)
        cut = self.faults.take("truncated", request.path, lambda f: response.status == 200)
        if cut:
            response.body = response.body[: max(1, int(len(response.body) * cut.options["at"]))]
        return response

    def _status_fault(self, request: Request) -> Response | None:
        board, path = self.faults, request.path
        slow = board.take("slow", path)
        if slow:
            time.sleep(slow.options["delay"])
        for name, status, text in (("retry_after_503", 503, "nightly settlement in progress / 日终结算中"),
                                   ("rate_limit_429", 429, "too many requests / 请求过于频繁")):
            fault = board.take(name, path)
            if fault:
                response = self.app.error(request, status, text)
                response.headers["Retry-After"] = str(int(fault.options["retry_after"]))
                return response
        year = request.year
        if board.take("gateway_timeout_504", path, lambda f: year is not None and year >= f.options["min_year"]):
            return Response(504, b"<html><body><h1>504 Gateway Time-out</h1></body></html>", "text/html")
        if board.take("code_1003", path):
            return json_response({"code": 1003, "msg": "系统繁忙", "data": None})
        return None

    def control(self, method: str, path: str, body: bytes) -> Response:
        """The simulator's control surface: faults, counters, known defects."""
        if path == "/_control/faults" and method == "GET":
            return json_response({"system": self.app.system, "armed": self.faults.armed()})
        if path == "/_control/faults" and method == "DELETE":
            self.faults.clear()
            return json_response({"system": self.app.system, "armed": []})
        if path == "/_control/faults" and method == "POST":
            return self._arm(body)
        if path == "/_control/stats" and method == "GET":
            return json_response({"system": self.app.system, "requestsServed": self.requests_served})
        if path == "/_control/defects" and method == "GET":
            return json_response(self.app.defects())
        return json_response({"error": "not_found", "message": f"no control endpoint {method} {path}"}, 404)

    def _arm(self, body: bytes) -> Response:
        try:
            spec = json.loads(body or b"{}")
            options = spec.get("options") or {}
            self.faults.arm(spec["fault"], spec.get("times", 1), spec.get("path"), **options)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return json_response({"error": "bad_request", "message": f"cannot arm fault: {exc}"}, 400)
        return json_response({"system": self.app.system, "armed": self.faults.armed()})


def _handler_class(server: SimServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"SimulatedCETS-{server.app.system}/1.0"

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                if parts.path.startswith("/_control/"):
                    response = server.control(method, parts.path, body)
                elif method != "GET":
                    response = json_response({"error": "method_not_allowed", "message": "only GET"}, 405)
                else:
                    request = Request(method, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
                    response = server.serve(request, self.headers.get("Authorization"))
            except Exception:  # a bug in the simulator must not kill the server thread
                traceback.print_exc(file=sys.stderr)
                response = json_response({"error": "internal", "message": "simulator error"}, 500)
            self._send(response)

        def _send(self, response: Response) -> None:
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (e.g. its read timeout)

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def do_DELETE(self) -> None:
            self._dispatch("DELETE")

        def log_message(self, format: str, *args: object) -> None:
            """Stay quiet: tests and the demo read their own output."""

    return Handler
