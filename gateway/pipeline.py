"""fetch → validate → store, in batches inside transactions.

Records and the cursor that covers them are written in one transaction at each
:class:`~publishers.base.Checkpoint`, so a crash replays at most one page, and the
replay adds nothing (identical content is recognised by its hash). Everything
received before a failure — payloads, records, rejects — is committed before the
error is raised; only the cursor stays where the last complete page left it.
"""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from typing import Any

import schemas
from publishers.base import BadPayload, Checkpoint, Payload, RawRecord

from . import derive
from .store import Accepted, Store
from .store.canonical import canonical_json, sha256_text

PARALLEL_MIN = 2000    # batches at least this large are validated in a worker process
BATCH_RECORDS = 5000   # a checkpoint commits once this many records wait (and, without one,
                       # a batch this large is written anyway, its cursor following later)…
COMMIT_INTERVAL_S = 2.0      # …or once this long has passed since the last commit
MAX_REPORTED_ERRORS = 100


@dataclass
class RunReport:
    """What one pull did; printed by ``gateway pull --json``."""

    publisher: str
    run_id: int
    fetched: int = 0
    accepted: int = 0
    new_versions: int = 0
    unchanged: int = 0
    rejected: int = 0
    bad_payloads: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_not_listed: int = 0
    cursor_before: dict[str, str] = field(default_factory=dict)
    cursor_after: dict[str, str] = field(default_factory=dict)
    status: str = "running"
    failure: str | None = None

    def note_error(self, type_: str, field_: str, key: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"type": type_, "field": field_, "key": key, "message": message})
        else:
            self.errors_not_listed += 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Batch:
    payloads: list[Payload] = field(default_factory=list)
    records: list[RawRecord] = field(default_factory=list)
    bad: list[BadPayload] = field(default_factory=list)
    checkpoints: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def kinds_and_data(self) -> list[tuple[str, dict[str, Any]]]:
        """What validation needs of the records (cheaper to send to a worker than them)."""
        return [(r.kind, r.data) for r in self.records]

    def empty(self) -> bool:
        return not (self.payloads or self.records or self.bad or self.checkpoints)


class Ingest:
    """Stores one publisher's items; used by :func:`pull` and by the benchmarks."""

    def __init__(self, store: Store, publisher: str, run_id: int, report: RunReport):
        self.store, self.publisher, self.run_id, self.report = store, publisher, run_id, report

    def flush(self, batch: _Batch, validations: list[Checked | None] | None = None) -> None:
        """Write one batch — payloads, records, rejects and cursors — in one transaction.

        ``validations`` are the batch's records already checked (by :func:`prevalidate`,
        possibly in another process); without them the records are validated here.
        """
        if batch.empty():
            return
        if validations is None:
            validations = prevalidate(batch.kinds_and_data())
        with self.store.transaction():
            for payload in batch.payloads:
                self.store.keep_payload(self.run_id, payload.url, payload.body,
                                        payload.media_type, payload.status, payload.sha256,
                                        payload.fetched_at)
            for bad in batch.bad:
                self._reject_payload(bad)
            counts = self._store_records(batch.records, validations)
            for stream, cursor in batch.checkpoints.items():
                self.store.save_cursor(self.publisher, stream, cursor, self.run_id)
            self.store.add_to_run(self.run_id, payloads=len(batch.payloads), **counts)

    def _store_records(self, records: list[RawRecord],
                       validations: list[Checked | None]) -> dict[str, int]:
        accepted: list[Accepted] = []
        counts = {"fetched": len(records), "accepted": 0, "rejected": 0,
                  "new_versions": 0, "unchanged": 0}
        for raw, validation in zip(records, validations, strict=True):
            if raw.kind == "correction":
                self._apply(accepted, counts)
                accepted = []
            items = self._accept(raw, validation)
            if items is None:
                counts["rejected"] += 1
                continue
            counts["accepted"] += 1
            accepted += items
        self._apply(accepted, counts)
        for name in ("fetched", "accepted", "rejected", "new_versions", "unchanged"):
            setattr(self.report, name, getattr(self.report, name) + counts[name])
        return counts

    def _apply(self, accepted: list[Accepted], counts: dict[str, int]) -> None:
        if not accepted:
            return
        outcome = self.store.apply(self.run_id, accepted)
        counts["new_versions"] += outcome.new_versions
        counts["unchanged"] += outcome.unchanged
        derive.after_apply(self.store, outcome.changed)

    def _accept(self, raw: RawRecord, validation: Checked | None) -> list[Accepted] | None:
        if raw.kind == "correction":
            return self._accept_correction(raw)
        if raw.kind not in schemas.KINDS:
            return self._reject(raw, raw.kind, [_unknown_kind(raw.kind)])
        return self._validated(raw, raw.kind, raw.data, reason=None, checked=validation)

    def _validated(self, raw: RawRecord, kind: str, data: dict[str, Any],
                   reason: str | None, checked: Checked | None = None) -> list[Accepted] | None:
        key, text, sha256, errors, warnings = checked or check(kind, data)
        if key is None:
            return self._reject(raw, kind, errors)
        if warnings:
            self._warn(kind, key, warnings)
        return [Accepted(kind, key, None, raw.source_ref, raw.payload_sha256, reason,
                         text=text, sha256=sha256)]

    def _accept_correction(self, raw: RawRecord) -> list[Accepted] | None:
        target = self._superseded(raw.supersedes_ref or "")
        if target is None:
            return self._reject(raw, "correction", [_unknown_superseded(raw.supersedes_ref)])
        kind, original = target
        data = {name: value for name, value in raw.data.items() if name != "supersedes"}
        data |= {"seq": original.get("registry_seq", raw.data.get("seq")),
                 "type": original.get("event_type", raw.data.get("type"))}
        reason = (f"registry CORRECTION {raw.source_ref} supersedes {raw.supersedes_ref}")
        items = self._validated(raw, kind, data, reason)
        if items is None:
            return None
        old_key = schemas.KINDS[kind].natural_key(original) if original.get("_complete") else None
        if old_key and old_key != items[0].key:
            items.insert(0, Accepted(kind, old_key, original["_record"], raw.source_ref,
                                     raw.payload_sha256, reason + "; the record moved to key "
                                     f"{items[0].key}", retract=True))
        return items

    def _superseded(self, ref: str) -> tuple[str, dict[str, Any]] | None:
        entry = self.store.by_source_ref(ref)
        if entry is not None:
            record = json.loads(entry["record"])
            return entry["kind"], {**record, "_record": record, "_complete": True}
        rejected = self.store.conn.execute(
            "SELECT kind, data FROM quarantine WHERE source_ref=? ORDER BY id DESC LIMIT 1",
            (ref,)).fetchone()
        if rejected and rejected[0] in schemas.KINDS:
            data = json.loads(rejected[1])
            return rejected[0], {"registry_seq": data.get("seq"), "event_type": data.get("type")}
        return None

    def _reject(self, raw: RawRecord, kind: str, issues: list[dict[str, Any]]) -> None:
        self.store.quarantine(self.run_id, self.publisher, kind, raw.source_ref, raw.data,
                              issues, raw.payload_sha256)
        for issue in issues:
            self.report.note_error(issue["type"], issue.get("field", ""), raw.source_ref,
                                   issue["message_en"])
        return None

    def _reject_payload(self, bad: BadPayload) -> None:
        issue = {"type": bad.error_type, "field": "", "message_en": bad.message,
                 "message_zh": f"无法读取报文（{bad.error_type}），原始报文已保存：{bad.message}"}
        self.store.quarantine(self.run_id, self.publisher, "payload", bad.url or
                              bad.payload_sha256, {"url": bad.url}, [issue], bad.payload_sha256)
        self.report.bad_payloads += 1
        self.report.note_error(bad.error_type, "", bad.url, bad.message)

    def _warn(self, kind: str, key: str, warnings: list[dict[str, Any]]) -> None:
        self.store.record_findings(self.run_id, [
            {"check_id": w["type"], "severity": "warning", "kind": kind, "key": key,
             "field": w["field"], "message_en": w["message_en"], "message_zh": w["message_zh"]}
            for w in warnings])


Checked = tuple[str | None, str | None, str | None, list[dict[str, Any]], list[dict[str, Any]]]
"""One checked record: ``(key, canonical_json, sha256, errors, warnings)``.

``key`` is None when the record is rejected for its ``errors``. A plain tuple of plain
values, because it crosses from the validation worker, and tuples pickle fastest."""


def check(kind: str, data: dict[str, Any]) -> Checked:
    """Validate one record and, when it is valid, prepare everything the store writes."""
    checked = prevalidate([(kind, data)])[0]
    assert checked is not None, f"{kind!r} is not a disclosure kind"
    return checked


def prevalidate(records: list[tuple[str, dict[str, Any]]]) -> list[Checked | None]:
    """Check a batch's ``(kind, data)`` pairs (pure: no store). Corrections and unknown
    kinds get None: they are resolved against the store when the batch is written.

    The batch goes step by step (validate all, then encode all, then hash all):
    each step's code stays hot in the CPU's caches, which costs about 15% less than
    taking the records one by one through every step."""
    found = [schemas.validate(kind, data) if kind in schemas.KINDS else None
             for kind, data in records]
    texts = [canonical_json(v.record) if v is not None and v.record is not None else None
             for v in found]
    hashes = [sha256_text(t) if t is not None else None for t in texts]
    return [None if v is None else _checked(v, text, sha256)
            for v, text, sha256 in zip(found, texts, hashes, strict=True)]


def _checked(validation: schemas.Validation, text: str | None, sha256: str | None) -> Checked:
    warnings = [w.as_dict() for w in validation.warnings]
    if text is None:
        return None, None, None, [e.as_dict() for e in validation.errors], warnings
    return validation.key or "", text, sha256, [], warnings


class Prevalidator:
    """Validates the next batches in worker processes while the current one is written.

    Marshmallow validation costs about twice what the SQLite writes do, so the pipeline
    validates in one worker per core (``GATEWAY_VALIDATION_WORKERS`` sets how many) and
    writes in the calling process. Batches smaller than ``PARALLEL_MIN`` records, or
    ``GATEWAY_VALIDATION_WORKERS=0``, validate in-process.
    """

    def __init__(self) -> None:
        self.workers = validation_workers()
        self.depth = max(1, self.workers)  # batches in flight before the oldest is written
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, records: list[tuple[str, dict[str, Any]]]) -> Future[list[Checked | None]]:
        if self.workers and len(records) >= PARALLEL_MIN:
            try:
                if self.pool is None:
                    self.pool = ProcessPoolExecutor(self.workers, mp_context=_worker_context(),
                                                    initializer=_start_worker,
                                                    initargs=(os.getpid(),))
                return self.pool.submit(prevalidate, records)
            except (OSError, RuntimeError, BrokenProcessPool):
                self.workers = 0  # no worker processes here: validate in-process
        done: Future[list[Checked | None]] = Future()
        done.set_result(prevalidate(records))
        return done

    def result(self, future: Future[list[Checked | None]]) -> list[Checked | None] | None:
        """The validations of a batch, or None (validate in-process) if the worker died."""
        try:
            return future.result()
        except BrokenProcessPool:
            self.workers = 0
            return None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def validation_workers() -> int:
    """How many validation worker processes: ``GATEWAY_VALIDATION_WORKERS``, or one per
    core (at most four); 0 validates in the pulling process."""
    value = os.environ.get("GATEWAY_VALIDATION_WORKERS", "").strip()
    if not value:
        return min(4, os.cpu_count() or 1)
    if not value.isdigit():
        raise ValueError(f"GATEWAY_VALIDATION_WORKERS={value!r}: give a whole number of worker "
                         "processes (0 validates in the pulling process)")
    return int(value)


def _worker_context() -> Any:
    """Fork: unlike spawn and forkserver it does not re-import the caller's ``__main__``,
    so a plain script without a ``__main__`` guard does not run twice. The worker only
    runs pure-Python validation; it never touches the store's connection. It freezes what
    it inherits, so its collections never scan (nor copy) the parent's objects."""
    return get_context("fork")


def _start_worker(parent: int) -> None:
    """Set up a validation worker: freeze what it inherits out of garbage collection, and
    watch its parent. A pull that is killed (SIGKILL, OOM) cannot shut its pool down, and
    a forked worker holds both ends of its call queue, so it would wait for work forever;
    the watch ends it within a second of its parent's death instead."""
    gc.freeze()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), name="parent-watch",
                     daemon=True).start()


def _exit_when_orphaned(parent: int, interval_s: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(interval_s)
    os._exit(1)


def consume(ingest: Ingest, items: Iterable[Any],
            progress: Callable[[int], None] | None = None) -> None:
    """Feed a connector's items to the store, committing at checkpoints.

    Several small pages may share one transaction (up to ``BATCH_RECORDS`` records
    or ``COMMIT_INTERVAL_S`` seconds); the cursor committed is always that of the last
    page in it, so a crash replays at most the pages of one uncommitted transaction.
    Batches are written in order, each while the next ones are being validated.
    """
    prevalidator = Prevalidator()
    pending: deque[tuple[_Batch, Future[list[Checked | None]]]] = deque()
    batch, last_commit = _Batch(), time.monotonic()

    def hand_over(ready: _Batch) -> None:
        pending.append((ready, prevalidator.submit(ready.kinds_and_data())))
        while len(pending) > prevalidator.depth:
            _write(ingest, prevalidator, pending.popleft(), progress)

    try:
        for item in items:
            if isinstance(item, Payload):
                batch.payloads.append(item)
            elif isinstance(item, RawRecord):
                batch.records.append(item)
            elif isinstance(item, BadPayload):
                batch.bad.append(item)
            elif isinstance(item, Checkpoint):
                batch.checkpoints[item.stream] = item.cursor
                if len(batch) >= BATCH_RECORDS or \
                        time.monotonic() - last_commit >= COMMIT_INTERVAL_S:
                    hand_over(batch)
                    batch, last_commit = _Batch(), time.monotonic()
                continue
            if len(batch) >= BATCH_RECORDS:
                hand_over(batch)
                batch = _Batch()
        hand_over(batch)  # the end of the stream: the last pages with their cursor
        batch = _Batch()
    finally:
        # Keep everything received before a failure. A checkpoint covers everything yielded
        # before it, so its cursor may be saved with the partial page that followed it.
        try:
            while pending:
                _write(ingest, prevalidator, pending.popleft(), progress)
            ingest.flush(batch)
        finally:
            prevalidator.close()


def _write(ingest: Ingest, prevalidator: Prevalidator,
           pending: tuple[_Batch, Future[list[Checked | None]]],
           progress: Callable[[int], None] | None) -> None:
    ready, future = pending
    ingest.flush(ready, prevalidator.result(future))
    if progress and len(ready):
        progress(len(ready))


def _unknown_kind(kind: str) -> dict[str, Any]:
    return {"type": "unknown-kind", "field": "type",
            "message_en": f"{kind!r} is not a disclosure kind the gateway knows; kept in "
                          "quarantine — update the interface specification or the schemas",
            "message_zh": f"{kind!r} 不是网关已知的披露类型；已隔离保存，请更新接口规范或数据模式"}


def _unknown_superseded(ref: str | None) -> dict[str, Any]:
    return {"type": "unknown-superseded-event", "field": "supersedes",
            "message_en": f"the correction supersedes {ref}, which the gateway has never "
                          "received; pull the registry feed from the beginning (since=0)",
            "message_zh": f"该更正事件所替代的 {ref} 网关从未收到；请从头（since=0）拉取登记系统事件"}
