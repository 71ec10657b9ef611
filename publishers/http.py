"""The one HTTP client every connector uses, its errors, and the connector plumbing.

* :class:`HttpClient` — a ``requests.Session`` with connect/read timeouts, bounded retries
  (exponential backoff with jitter, ``Retry-After`` honoured on 429/503), retries of 502/504
  and connection errors, an optional "retry this 200 body" hook, and a bearer token.
* :class:`SourceUnavailable` and its subclasses :class:`SourceAuthError` and
  :class:`SourceProtocolError` — each message says what failed, where, and what to do.
  The last response received (if any) rides on the exception, so no body is lost.
* :func:`decode_json` — strict JSON decoding with a typed :class:`JsonError`.
* :class:`HttpConnector` — the base of the three connectors: it yields a
  :class:`~publishers.base.Payload` for every response before anything read from it.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Protocol

import requests

from publishers.base import BadPayload, Item, Payload

JSON_TYPES = ("json", "javascript", "text/plain")
XML_TYPES = ("xml", "text/plain")
CSV_TYPES = ("csv", "text/plain", "octet-stream", "excel")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
AUTH_STATUSES = frozenset({401, 403})

#: Says why a 200 body must be fetched again (e.g. the exchange's code 1003), or None.
RetryBody = Callable[["Response"], str | None]


# --------------------------------------------------------------------------- errors


class SourceUnavailable(Exception):
    """An internal system could not be read: unreachable, timing out, or failing (5xx).

    ``what`` is the failure, ``url`` where it happened, ``hint`` what to do next;
    ``response`` is the last response received, if any (its body is never lost).
    """

    def __init__(
        self,
        what: str,
        *,
        publisher: str,
        url: str,
        hint: str | None = None,
        response: Response | None = None,
    ) -> None:
        self.what = what
        self.publisher = publisher
        self.url = url
        self.hint = hint or (
            f"Check that the system behind [publishers.{publisher}] is up and its url is right, "
            "then pull again; the pull resumes from the last saved cursor."
        )
        self.response = response
        super().__init__(f"{what} (publisher {publisher!r}, url {url}). {self.hint}")


class SourceAuthError(SourceUnavailable):
    """The system refused the credentials (HTTP 401 or 403)."""


class SourceProtocolError(SourceUnavailable):
    """The system answered something the interface does not allow (status or content type)."""


# --------------------------------------------------------------------------- client


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Tunable behaviour of :class:`HttpClient` (all times in seconds)."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    #: A ``Retry-After`` longer than this is not waited for: the pull fails instead.
    max_retry_after: float = 120.0
    user_agent: str = "carbon-gateway-publisher/0.1"


@dataclass(frozen=True, slots=True)
class Response:
    """A response as received: the body is kept byte for byte."""

    url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str
    retry_after: str | None = None  # the Retry-After header, when sent

    @property
    def media_type(self) -> str:
        """The content type without parameters, lower-cased (``application/json``)."""
        return self.content_type.split(";", 1)[0].strip().lower()

    def to_payload(self) -> Payload:
        """The :class:`~publishers.base.Payload` the pipeline keeps for this response."""
        return Payload(
            url=self.url,
            body=self.body,
            media_type=self.content_type or "application/octet-stream",
            status=self.status,
            fetched_at=self.fetched_at,
        )


CHINA = timezone(timedelta(hours=8))


def china_today() -> date:
    """Today's date in UTC+8, the internal systems' local time."""
    return datetime.now(CHINA).date()


def utc_now_iso() -> str:
    """The current time as ISO 8601 in UTC, e.g. ``2025-01-02T01:31:05.123+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """GETs with timeouts, bounded retries and a bearer token, for one publisher.

    ``sleep`` and ``rng`` are injectable so tests can record waits without waiting.
    """

    def __init__(
        self,
        publisher: str,
        token: str | None = None,
        *,
        options: ClientOptions | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.publisher = publisher
        self.options = options or ClientOptions()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = self.options.user_agent
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.sleep = sleep or time.sleep
        self.rng = rng or random.Random()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        accept: Iterable[int] = (200,),
        expect: Iterable[str] = (),
        retry_body: RetryBody | None = None,
    ) -> Response:
        """GET ``url``; return the response when its status is in ``accept``.

        ``expect`` lists substrings one of which the media type must contain (e.g.
        ``("json",)``); a missing Content-Type passes. ``retry_body`` may ask for a 200
        body to be fetched again. Raises :class:`SourceAuthError` on 401/403,
        :class:`SourceUnavailable` when retries are exhausted and
        :class:`SourceProtocolError` on any other unexpected answer.
        """
        accepted = frozenset(accept)
        attempts = self.options.max_attempts
        for attempt in range(1, attempts + 1):
            resp, failure, wait = self._attempt(url, params, accepted, retry_body, attempt)
            if failure is None:
                assert resp is not None
                self._check_media(resp, tuple(expect))
                return resp
            if attempt == attempts:
                raise self._exhausted(url, failure, attempts, resp)
            self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- one attempt ------------------------------------------------------------

    def _attempt(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        accepted: frozenset[int],
        retry_body: RetryBody | None,
        attempt: int,
    ) -> tuple[Response | None, str | None, float]:
        """Do one GET: (response, retryable failure or None, seconds to wait before retrying)."""
        try:
            resp = self._send(url, params)
        except requests.Timeout as exc:
            return None, f"timed out ({_short(exc)})", self._backoff(attempt)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            return None, f"could not connect or read ({_short(exc)})", self._backoff(attempt)
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
        ) as exc:
            raise SourceUnavailable(
                f"invalid url ({_short(exc)})",
                publisher=self.publisher,
                url=url,
                hint=f"Fix the url in [publishers.{self.publisher}] (e.g. http://host:port).",
            ) from exc
        if resp.status in AUTH_STATUSES:
            raise self._auth_error(resp)
        if resp.status in RETRY_STATUSES and resp.status not in accepted:
            return resp, f"HTTP {resp.status}", self._wait_for(resp, attempt)
        if resp.status not in accepted:
            raise self._protocol_error(resp, f"unexpected HTTP status {resp.status}")
        reason = retry_body(resp) if retry_body and resp.status == 200 else None
        if reason:
            return resp, reason, self._backoff(attempt)
        return resp, None, 0.0

    def _send(self, url: str, params: Mapping[str, Any] | None) -> Response:
        timeout = (self.options.connect_timeout, self.options.read_timeout)
        raw = self.session.get(url, params=params, timeout=timeout, allow_redirects=True)
        return Response(
            url=raw.url,
            status=raw.status_code,
            content_type=raw.headers.get("Content-Type", ""),
            body=raw.content,
            fetched_at=utc_now_iso(),
            retry_after=raw.headers.get("Retry-After"),
        )

    # -- waits ------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with "equal jitter": between half and all of the capped delay."""
        delay = min(self.options.backoff_cap, self.options.backoff_base * 2 ** (attempt - 1))
        return delay / 2 + self.rng.uniform(0, delay / 2)

    def _wait_for(self, resp: Response, attempt: int) -> float:
        """The wait before retrying a 429/5xx: ``Retry-After`` when sent, else backoff."""
        retry_after = parse_retry_after(resp.retry_after)
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.options.max_retry_after:
            raise SourceUnavailable(
                f"HTTP {resp.status} asking to retry after {retry_after:.0f} s, longer than "
                f"the {self.options.max_retry_after:.0f} s this client waits",
                publisher=self.publisher,
                url=resp.url,
                hint="The system is busy or in maintenance (e.g. nightly settlement): pull "
                "again later; the pull resumes from the last saved cursor.",
                response=resp,
            )
        return retry_after

    # -- errors -----------------------------------------------------------------

    def _exhausted(
        self, url: str, failure: str, attempts: int, resp: Response | None
    ) -> SourceUnavailable:
        hint = None
        if failure.startswith("timed out"):
            hint = (
                f"The system did not answer within connect_timeout={self.options.connect_timeout}"
                f" s / read_timeout={self.options.read_timeout} s: check that it is up, or raise "
                f"those settings in [publishers.{self.publisher}] if it is only slow; the pull "
                "resumes from the last saved cursor."
            )
        return SourceUnavailable(
            f"{failure} after {attempts} attempt{'s' if attempts > 1 else ''}",
            publisher=self.publisher,
            url=resp.url if resp else url,
            hint=hint,
            response=resp,
        )

    def _auth_error(self, resp: Response) -> SourceAuthError:
        return SourceAuthError(
            f"HTTP {resp.status}: the system refused the credentials",
            publisher=self.publisher,
            url=resp.url,
            hint=f"Check the token in [publishers.{self.publisher}] "
            "(it is sent as 'Authorization: Bearer <token>').",
            response=resp,
        )

    def _protocol_error(self, resp: Response, what: str) -> SourceProtocolError:
        return SourceProtocolError(
            what,
            publisher=self.publisher,
            url=resp.url,
            hint="The system answered outside its interface (internal-systems.md); the body "
            "is kept as a payload. Report it to the system's operators, then pull again.",
            response=resp,
        )

    def _check_media(self, resp: Response, expect: tuple[str, ...]) -> None:
        if not expect or not resp.media_type or resp.status != 200:
            return
        if not any(part in resp.media_type for part in expect):
            raise self._protocol_error(
                resp, f"unexpected content type {resp.content_type!r} (expected {'/'.join(expect)})"
            )


def _short(exc: BaseException) -> str:
    """A one-line, bounded description of a transport error."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]


# --------------------------------------------------------------------------- JSON


class JsonError(ValueError):
    """A JSON body that cannot be read: ``error_type`` is ``malformed-json`` or
    ``wrong-encoding``; ``message`` says what was wrong and where."""

    def __init__(self, message: str, *, error_type: str = "malformed-json") -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type


class BodyError(Protocol):
    """What the parsers' errors have in common (XmlError, CsvError, JsonError)."""

    error_type: str
    message: str


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(body: bytes, url: str = "") -> Any:
    """Decode a JSON body strictly (UTF-8, optional BOM; no NaN/Infinity).

    Raises :class:`JsonError` typed ``wrong-encoding`` or ``malformed-json``.
    """
    where = f" at {url}" if url else ""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonError(
            f"the body{where} is not UTF-8 (invalid byte at offset {exc.start})",
            error_type="wrong-encoding",
        ) from exc
    if not text.strip():
        raise JsonError(f"the body{where} is empty, not JSON", error_type="malformed-json")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise JsonError(
            f"invalid JSON{where}: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            error_type="malformed-json",
        ) from exc
    except ValueError as exc:
        raise JsonError(f"invalid JSON{where}: {exc}", error_type="malformed-json") from exc


def json_objects(data: Any, url: str, what: str = "a JSON list") -> list[dict[str, Any]]:
    """Check that ``data`` is a list; items that are not objects are wrapped as
    ``{"_item": value}`` so that they reach validation (and quarantine) instead of vanishing."""
    if not isinstance(data, list):
        raise JsonError(f"expected {what} at {url}, got a JSON {type(data).__name__}")
    return [item if isinstance(item, dict) else {"_item": item} for item in data]


# --------------------------------------------------------------------------- connectors

#: What a stream's reader yields; its return value is unused.
Stream = Generator[Item, None, None]


class HttpConnector:
    """Shared plumbing of the connectors: client, URL building, payload-first GETs.

    Subclasses set ``system`` and ``STREAMS`` and implement one ``_stream_<name>(cursor)``
    generator per stream. ``streams`` restricts a connector to some of its streams.
    """

    system: ClassVar[str] = ""
    STREAMS: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        name: str,
        url: str,
        token: str | None = None,
        *,
        options: ClientOptions | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        streams: Iterable[str] | None = None,
    ) -> None:
        self.name = name
        self.url = url.rstrip("/")
        self.client = HttpClient(name, token, options=options, session=session, sleep=sleep)
        self.streams = self._check_streams(streams)

    def _check_streams(self, streams: Iterable[str] | None) -> tuple[str, ...]:
        chosen = tuple(streams) if streams is not None else self.STREAMS
        unknown = [s for s in chosen if s not in self.STREAMS]
        if unknown:
            raise ValueError(
                f"[publishers.{self.name}]: unknown stream(s) {unknown} for a {self.system} "
                f"connector; choose among {list(self.STREAMS)}"
            )
        return chosen

    def fetch(self, cursors: dict[str, str]) -> Iterator[Item]:
        """Yield every stream's items, each from its saved cursor (see :mod:`publishers.base`)."""
        for stream in self.streams:
            reader = getattr(self, f"_stream_{stream}")
            yield from reader(cursors.get(stream) or None)

    def _get(
        self, path: str, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> Generator[Item, None, tuple[Response, Payload]]:
        """GET ``{url}{path}``, yield its Payload, and return (response, payload).

        Use as ``resp, payload = yield from self._get(...)``. When the GET fails after a
        response was received, that response is yielded as a Payload before re-raising.
        """
        try:
            resp = self.client.get(self.url + path, params, **kwargs)
        except SourceUnavailable as exc:
            if exc.response is not None:
                yield exc.response.to_payload()
            raise
        payload = resp.to_payload()
        yield payload
        return resp, payload

    @staticmethod
    def _stay(stream: str, cursor: object) -> str:
        """The consequence of a bad page: nothing taken, cursor kept, page asked again."""
        return (
            f"No record of this page was taken; the {stream!r} cursor stays at {cursor!s} "
            "and the next pull asks for this page again"
        )

    def _bad(self, payload: Payload, error: BodyError, consequence: str) -> BadPayload:
        """A BadPayload whose message says what was wrong, where, and what happens next."""
        return BadPayload(
            payload_sha256=payload.sha256,
            error_type=error.error_type,
            message=f"{self.system} {self.name!r}: {error.message}. {consequence} "
            f"(payload sha256 {payload.sha256[:12]}…; report it to the {self.system} "
            "operators if it repeats).",
            url=payload.url,
        )
