"""The contract between connectors and the ingest pipeline.

A connector is a generator. It knows the internal system it reads and nothing of the
store. It yields three kinds of item, in order:

* :class:`Payload` — a response body exactly as received (the pipeline keeps it,
  content-addressed by SHA-256, before reading any record from it);
* :class:`RawRecord` — one record read from the last payload, in the source's own
  field names (camelCase JSON keys, XML element names, Chinese CSV headers);
* :class:`Checkpoint` — the cursor reached once every record yielded so far is
  handled. The pipeline stores the records since the previous checkpoint and the
  cursor in one transaction, so a crash between checkpoints replays at most one page.

A connector that cannot read a body (malformed JSON, hostile XML, a page cut off)
yields :class:`BadPayload` for it and stops or goes on, as it judges; a connector
that cannot reach its system raises :class:`SourceUnavailable` (from ``publishers.http``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


def sha256_hex(body: bytes) -> str:
    """The SHA-256 of a body, as lowercase hex: the address a payload is kept under."""
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class Payload:
    """A response body as received from an internal system."""

    url: str
    body: bytes
    media_type: str
    status: int = 200
    fetched_at: str = ""  # ISO 8601 with offset, UTC
    sha256: str = field(default="")

    def __post_init__(self) -> None:
        if not self.sha256:
            object.__setattr__(self, "sha256", sha256_hex(self.body))


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as the source sent it.

    ``kind`` is the disclosure kind (a key of ``schemas.KINDS``), or ``"correction"``
    for a registry CORRECTION event, whose kind is that of the event it supersedes.
    ``source_ref`` names the record in its source, e.g. ``registry:seq:10002`` or
    ``exchange:trade:T20250102000123``; it is kept with every version.
    ``payload_sha256`` points to the :class:`Payload` the record was read from.
    """

    kind: str
    data: dict[str, Any]
    source_ref: str
    payload_sha256: str
    supersedes_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The cursor a stream reached; everything yielded before it is covered by it."""

    stream: str
    cursor: str


@dataclass(frozen=True, slots=True)
class BadPayload:
    """A body that could not be read as records, with a typed reason.

    ``error_type`` is a slug such as ``malformed-xml``, ``hostile-xml``,
    ``truncated-document``, ``malformed-json``, ``malformed-csv``, ``wrong-encoding``,
    ``api-error``; ``message`` says what was wrong, where, and what to do.
    """

    payload_sha256: str
    error_type: str
    message: str
    url: str = ""


Item = Payload | RawRecord | Checkpoint | BadPayload


class Connector(Protocol):
    """What the pipeline needs of a connector."""

    name: str
    system: str

    def fetch(self, cursors: dict[str, str]) -> Iterator[Item]:
        """Yield items from the saved ``cursors`` (stream name -> cursor) onwards."""
        ...
