"""State the pipeline derives from records, in the same transaction as the records.

A pledge's status and released/enforced quantities follow from its release and
enforcement events; they live in derived columns of ``current_pledge`` (and can be
recomputed from the log at any time), never in the log itself.
"""

from __future__ import annotations

from .store import Store

_PLEDGE_STATE = """
UPDATE current_pledge SET
  released_quantity = (SELECT COALESCE(SUM(e.quantity), 0) FROM current_pledge_event e
    WHERE e.pledge_id = current_pledge.pledge_id AND e._retracted = 0
      AND e.event_type = 'PLEDGE_RELEASED'),
  enforced_quantity = (SELECT COALESCE(SUM(e.quantity), 0) FROM current_pledge_event e
    WHERE e.pledge_id = current_pledge.pledge_id AND e._retracted = 0
      AND e.event_type = 'PLEDGE_ENFORCED')
WHERE pledge_id IN ({marks});
UPDATE current_pledge SET status = CASE
  WHEN released_quantity + enforced_quantity = 0 THEN 'REGISTERED'
  WHEN released_quantity + enforced_quantity < quantity AND enforced_quantity = 0
    THEN 'PARTIALLY_RELEASED'
  WHEN released_quantity + enforced_quantity < quantity THEN 'PARTIALLY_ENFORCED'
  WHEN enforced_quantity > 0 THEN 'ENFORCED'
  ELSE 'RELEASED' END
WHERE pledge_id IN ({marks})
"""


def pledge_ids_touched(store: Store, changed: list[tuple[str, str, str]]) -> set[str]:
    """The pledge ids whose state may have changed with these log entries."""
    ids = {key for kind, key, _ in changed if kind == "pledge"}
    event_keys = [key for kind, key, _ in changed if kind == "pledge_event"]
    for start in range(0, len(event_keys), 900):
        chunk = event_keys[start:start + 900]
        rows = store.conn.execute(
            f"SELECT pledge_id FROM current_pledge_event WHERE _key IN "
            f"({', '.join('?' * len(chunk))})", chunk)
        ids.update(r[0] for r in rows)
    return ids


def refresh_pledges(store: Store, pledge_ids: set[str]) -> None:
    """Recompute status and released/enforced quantities of these pledges."""
    ids = sorted(pledge_ids)
    for start in range(0, len(ids), 400):
        chunk = ids[start:start + 400]
        marks = ", ".join("?" * len(chunk))
        for statement in _PLEDGE_STATE.format(marks=marks).split(";"):
            store.conn.execute(statement, chunk)


def after_apply(store: Store, changed: list[tuple[str, str, str]]) -> None:
    """Hook called by the pipeline after each applied batch (inside its transaction)."""
    ids = pledge_ids_touched(store, changed)
    if ids:
        refresh_pledges(store, ids)
