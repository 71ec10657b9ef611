"""Year-end holdings of China's authorized CCER-based units (AEF Table 4), by serial arithmetic.

Holdings = CCER blocks issued by 31 December for a project covered by an Article 6 authorization,
minus the blocks first transferred by then, allotted to the authorizations in date order and capped
by each authorization's maximum quantity. ``ctx`` is the builder's context (records and year).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from mappings.aef.itmo import merge, subtract, total
from mappings.aef.values import local_date


def holding_blocks(ctx: Any) -> list[dict[str, Any]]:
    """Authorized, issued, not first-transferred CCER blocks at 31 December (capped per authorization).

    Domestic CCER cancellations are not an input, so units cancelled domestically would be
    over-counted; the authorization's maximum quantity bounds the result.
    """
    pools = _issued_minus_transferred(ctx)
    blocks: list[dict[str, Any]] = []
    for auth in _auths_in_force(ctx):
        pool = pools.get(auth.get("project_id"), {})
        cap = _remaining_cap(ctx, auth)
        for vintage in sorted(pool):
            taken, pool[vintage] = _take(pool[vintage], cap)
            for start, end in taken:
                blocks.append({"authorization_id": auth["authorization_id"], "auth": auth,
                               "vintage": vintage, "start": start, "end": end})
                cap = None if cap is None else cap - (end - start + 1)
    return blocks


def _issued_minus_transferred(ctx: Any) -> dict[str, dict[int, list[tuple[int, int]]]]:
    pools: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for issuance in ctx.issuances:
        if local_date(issuance["event_time"]) <= ctx.year_end:
            pools[issuance["project_id"]][int(issuance["vintage"])].append(
                (int(issuance["serial_start"]), int(issuance["serial_end"])))
    for project in pools.values():
        for vintage in project:
            project[vintage] = merge(project[vintage])
    for transfer in ctx.transfers:
        if local_date(transfer["event_time"]) <= ctx.year_end and transfer.get("project_id") in pools:
            pool = pools[transfer["project_id"]]
            vintage = int(transfer["vintage"])
            pool[vintage] = subtract(pool[vintage], (int(transfer["serial_start"]), int(transfer["serial_end"])))
    return pools


def _auths_in_force(ctx: Any) -> list[dict[str, Any]]:
    ids = dict.fromkeys(a["authorization_id"] for a in ctx.auths if local_date(a["event_time"]) <= ctx.year_end)
    auths = [ctx.auth_version(i) for i in ids]
    return sorted((a for a in auths if a), key=lambda a: (local_date(a["event_time"]), a["authorization_id"]))


def _remaining_cap(ctx: Any, auth: dict[str, Any]) -> int | None:
    if auth.get("max_quantity") is None:
        return None
    used = sum(int(t["serial_end"]) - int(t["serial_start"]) + 1 for t in ctx.transfers
               if t["authorization_id"] == auth["authorization_id"] and t.get("first")
               and local_date(t["event_time"]) <= ctx.year_end)
    return max(int(auth["max_quantity"]) - used, 0)


def _take(blocks: list[tuple[int, int]], cap: int | None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Split ``blocks`` into (first ``cap`` serials, rest); cap None takes everything."""
    if cap is None or cap >= total(blocks):
        return blocks, []
    taken, rest, left = [], [], cap
    for start, end in blocks:
        if left <= 0:
            rest.append((start, end))
        elif end - start + 1 <= left:
            taken.append((start, end))
            left -= end - start + 1
        else:
            taken.append((start, start + left - 1))
            rest.append((start + left, end))
            left = 0
    return taken, rest
