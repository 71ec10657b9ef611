"""Connector to the registry (全国碳排放权注册登记系统 and the CCER registry).

Streams:

* ``events`` — ``GET /events?since={seq}&limit={n}``, the ordered XML event feed. Cursor: the
  last ``seq`` handled (``"0"`` at the start). Kind from the event type (:data:`EVENT_KINDS`);
  a ``CORRECTION`` is kind ``correction`` with ``supersedes_ref`` ``registry:seq:{supersedes}``
  (its data: the corrected body plus the CORRECTION's own attributes); other types are kind
  ``unknown`` (quarantined downstream). Events with the same seq delivered twice are yielded
  twice (deduped downstream); the cursor never moves backwards. source_ref ``registry:seq:{seq}``.
* ``ccer_projects`` — ``GET /ccer/projects?updatedSince={ISO}``, JSON list. Cursor: the
  greatest ``updatedAt`` seen. Kind ``ccer_project``, source_ref
  ``registry:ccer-project:{projectId}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from publishers.base import Checkpoint, RawRecord
from publishers.http import (
    JSON_TYPES,
    XML_TYPES,
    HttpConnector,
    JsonError,
    Stream,
    decode_json,
    json_objects,
)
from publishers.safexml import EventFeed, XmlError, parse_events

EVENT_KINDS: dict[str, str] = {
    "ALLOCATION": "allocation",
    "SURRENDER": "surrender",
    "PLEDGE_REGISTERED": "pledge",
    "PLEDGE_RELEASED": "pledge_event",
    "PLEDGE_ENFORCED": "pledge_event",
    "CANCELLATION": "cancellation",
    "CCER_ISSUANCE": "ccer_issuance",
    "CCER_CANCELLATION": "ccer_cancellation",
    "A6_AUTHORIZATION": "a6_authorization",
    "A6_TRANSFER": "a6_transfer",
}
CORRECTION = "CORRECTION"
UNKNOWN_KIND = "unknown"
#: ``updatedSince`` for a first pull: before the CCER registry existed, so it returns all.
PROJECTS_EPOCH = "2019-01-01T00:00:00+08:00"


def event_kind(event: dict[str, Any]) -> tuple[str, str | None]:
    """(kind, supersedes_ref) of a feed event; ``unknown`` for a type not in the interface.

    A CORRECTION whose ``supersedes`` is missing or not a seq gets ``supersedes_ref`` None:
    the pipeline quarantines it as superseding an event it never received.
    """
    event_type = event.get("type", "")
    if event_type == CORRECTION:
        target = str(event.get("supersedes", "")).strip()
        return "correction", f"registry:seq:{int(target)}" if target.isdigit() else None
    return EVENT_KINDS.get(event_type, UNKNOWN_KIND), None


class RegistryConnector(HttpConnector):
    """Reads the registry's event feed and CCER project list."""

    system: ClassVar[str] = "registry"
    STREAMS: ClassVar[tuple[str, ...]] = ("events", "ccer_projects")

    def __init__(
        self,
        name: str,
        url: str,
        token: str | None = None,
        *,
        page_size: int = 500,
        **client: Any,
    ) -> None:
        super().__init__(name, url, token, **client)  # options, session, sleep, streams
        if not 1 <= page_size <= 1000:
            raise ValueError(f"[publishers.{name}]: page_size must be 1..1000, not {page_size}")
        self.page_size = page_size

    # -- events -----------------------------------------------------------------

    def _stream_events(self, cursor: str | None) -> Stream:
        """Page through the feed from ``cursor`` until ``hasMore`` is false."""
        since = _seq_cursor(cursor, self.name)
        while True:
            params = {"since": since, "limit": self.page_size}
            _, payload = yield from self._get("/events", params, expect=XML_TYPES)
            try:
                feed = parse_events(payload.body, payload.url)
            except XmlError as exc:
                yield self._bad(payload, exc, self._stay("events", since))
                return
            reached = since
            for index, event in enumerate(feed.events):
                record, seq = self._event_record(event, payload.sha256, since, index)
                yield record
                reached = max(reached, seq)
            yield Checkpoint("events", str(reached))
            if not _has_more(feed) or reached == since:
                return
            since = reached

    def _event_record(
        self, event: dict[str, Any], sha: str, since: int, index: int
    ) -> tuple[RawRecord, int]:
        """The record for one event, and the seq it moves the cursor to (``since`` if none)."""
        raw_seq = str(event.get("seq", "")).strip()
        if not raw_seq.isdigit():
            ref = f"registry:seq:invalid:{since}:{index}"
            return RawRecord(UNKNOWN_KIND, event, ref, sha), since
        kind, supersedes_ref = event_kind(event)
        seq = int(raw_seq)
        return RawRecord(kind, event, f"registry:seq:{seq}", sha, supersedes_ref), seq

    # -- CCER projects ----------------------------------------------------------

    def _stream_ccer_projects(self, cursor: str | None) -> Stream:
        """One GET of every project updated since the cursor."""
        since = cursor or PROJECTS_EPOCH
        params = {"updatedSince": since}
        _, payload = yield from self._get("/ccer/projects", params, expect=JSON_TYPES)
        try:
            projects = _json_list(payload.body, payload.url)
        except JsonError as exc:
            yield self._bad(payload, exc, self._stay("ccer_projects", since))
            return
        latest = since
        for index, project in enumerate(projects):
            project_id = project.get("projectId") or f"missing:{index}"
            ref = f"registry:ccer-project:{project_id}"
            yield RawRecord("ccer_project", project, ref, payload.sha256)
            latest = _later(latest, project.get("updatedAt"))
        yield Checkpoint("ccer_projects", latest)


# --------------------------------------------------------------------------- helpers


def _seq_cursor(cursor: str | None, name: str) -> int:
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit():
        raise ValueError(
            f"[publishers.{name}]: saved cursor for stream 'events' is {cursor!r}, not a seq "
            "number; reset it (e.g. to '0' to read the feed from the start)"
        )
    return int(cursor)


def _has_more(feed: EventFeed) -> bool:
    return feed.root_attrib.get("hasMore", "false").strip().lower() in ("true", "1")


def _json_list(body: bytes, url: str) -> list[dict[str, Any]]:
    return json_objects(decode_json(body, url), url)


def _later(current: str, candidate: Any) -> str:
    """The later of two ISO datetimes; an unreadable one loses."""
    try:
        new = _as_datetime(candidate)
    except (TypeError, ValueError):
        return current
    try:
        return candidate if new > _as_datetime(current) else current
    except ValueError:
        return candidate


def _as_datetime(value: Any) -> datetime:
    """An ISO datetime; naive values are UTC+8, as the interface says."""
    if not isinstance(value, str):
        raise TypeError(f"not a datetime string: {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = datetime.fromisoformat(value + "+08:00")
    return parsed
