"""Feeds for agencies that keep their own copies in sync (issue 7).

- :mod:`.changes` — the change feed: the disclosure log read by ``seq`` (cursor paging,
  tier-aware records, O(page) whatever the log's size);
- :mod:`.atom` — Atom 1.0 feeds per kind and for everything;
- :mod:`.webhooks` — signed webhook deliveries driven by the log and a cursor per
  subscription (nothing lost across restarts, replay from any seq);
- :mod:`.web` — the ``/feeds/`` blueprint.

Bulk snapshots are a publish step (:mod:`gateway.publish.snapshots`). ``docs/feeds.md``
describes the protocols for the agencies that consume them.
"""
