"""IPC01: our first transfers to a Party against that Party's acquisitions from us.

Rows are matched on the ITMO block (cooperative approach, registry, first transferring Party and
serial range, read from First ID / Last ID), then compared on quantity, vintage and date. A DR03
total per cooperative approach and metric is added (transferred = acquired).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from mappings.aef.findings import Finding, finding
from mappings.aef.itmo import parse_itmo_id
from mappings.aef.model import NA, AefWorkbook
from mappings.aef.values import as_int, parse_dmy

QTY = "Quantity (t\u00a0CO2\u00a0eq)"
OUTBOUND = {"First transfer", "Transfer"}


@dataclass(frozen=True)
class Reason:
    """Why two rows disagree (bilingual)."""

    code: str
    message_en: str
    message_zh: str


@dataclass(frozen=True)
class Side:
    """One row of one Party's Table 3, reduced to what IPC01 compares."""

    row: int
    ca: str | None
    registry: str | None
    origin: str | None
    start: int | None
    end: int | None
    vintage: int | None
    id_vintage: int | None
    quantity: int | None
    date: Any
    first_id: Any
    last_id: Any

    @property
    def key(self) -> tuple | None:
        """Serial space of the block (vintage compared separately)."""
        return (self.ca, self.registry, self.origin) if self.start is not None else None


@dataclass(frozen=True)
class Match:
    """Our row and their row describe the same ITMO block with the same facts."""

    ours_row: int
    theirs_row: int
    first_id: str
    last_id: str
    quantity: int | None


@dataclass(frozen=True)
class Mismatch:
    """A block that is missing on one side, or present on both with differing facts."""

    kind: str  # "missing_in_theirs" | "missing_in_ours" | "differs"
    ours_row: int | None
    theirs_row: int | None
    reasons: tuple[Reason, ...]


@dataclass
class Reconciliation:
    """Result of reconciling our first transfers with one partner Party's acquisitions."""

    party: str
    reporting_party: str | None
    matches: list[Match] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every block matched and no aggregate difference was found."""
        return not self.mismatches and not any(f.severity == "error" for f in self.findings)


def reconcile_first_transfers(
    ours: AefWorkbook, theirs: AefWorkbook, party: str, *, date_tolerance_days: int = 0
) -> Reconciliation:
    """Compare our Table 3 transfers to ``party`` with ``party``'s acquisitions from us (IPC01)."""
    me = ours.party
    mine = [_side(i, r) for i, r in enumerate(ours.actions, 1)
            if _text(r.get("Action type")) in OUTBOUND and _text(r.get("Acquiring participating Party ID")) == party]
    their = [_side(i, r) for i, r in enumerate(theirs.actions, 1) if _acquired_from(r, me)]
    result = Reconciliation(party=party, reporting_party=me)
    used: set[int] = set()
    for side in mine:
        _match_one(side, their, used, result, date_tolerance_days)
    for side in their:
        if side.row not in used:
            result.mismatches.append(Mismatch("missing_in_ours", None, side.row, (Reason(
                "missing_in_ours", f"{party} reports an acquisition from {me} ({side.first_id} .. {side.last_id}) "
                f"that {me} does not report as transferred.",
                f"{party} 报告了从 {me} 获取（{side.first_id} .. {side.last_id}），但 {me} 未报告该转让。"),)))
    result.findings = _ipc01_findings(result) + _dr03(mine, their, party, me)
    return result


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _acquired_from(row: dict[str, Any], me: str | None) -> bool:
    if _text(row.get("Action type")) != "Acquisition":
        return False
    transferring = _text(row.get("Transferring participating Party ID"))
    if transferring not in ("", NA):
        return transferring == me
    return _text(row.get("First transferring participating Party ID")) == me


def _side(index: int, row: dict[str, Any]) -> Side:
    first, last = parse_itmo_id(row.get("First ID")), parse_itmo_id(row.get("Last ID"))
    ok = first is not None and last is not None
    return Side(
        row=index, ca=first.ca if first else _text(row.get("Cooperative approach ID")) or None,
        registry=first.registry if first else None, origin=first.party if first else None,
        start=first.serial if ok else None, end=last.serial if ok else None,
        vintage=as_int(row.get("Vintage")), id_vintage=first.vintage if first else None,
        quantity=as_int(row.get(QTY)), date=parse_dmy(row.get("Action date")),
        first_id=row.get("First ID"), last_id=row.get("Last ID"),
    )


def _match_one(side: Side, their: list[Side], used: set[int], result: Reconciliation, tolerance: int) -> None:
    candidates = [t for t in their if t.row not in used and _overlaps(side, t)]
    exact = [t for t in candidates if (t.start, t.end) == (side.start, side.end)]
    other = (exact or candidates or [None])[0]
    if other is None:
        result.mismatches.append(Mismatch("missing_in_theirs", side.row, None, (Reason(
            "missing_in_theirs", f"No acquisition of {side.first_id} .. {side.last_id} in {result.party}'s report.",
            f"{result.party} 的报告中没有获取 {side.first_id} .. {side.last_id}。"),)))
        return
    used.add(other.row)
    reasons = _compare(side, other, tolerance)
    if reasons:
        result.mismatches.append(Mismatch("differs", side.row, other.row, tuple(reasons)))
    else:
        result.matches.append(Match(side.row, other.row, str(side.first_id), str(side.last_id), side.quantity))


def _overlaps(a: Side, b: Side) -> bool:
    if a.key is None or b.key is None or a.key != b.key:
        return False
    return a.start <= b.end and b.start <= a.end


def _compare(ours: Side, theirs: Side, tolerance: int) -> list[Reason]:
    reasons = []
    if (ours.start, ours.end) != (theirs.start, theirs.end):
        reasons.append(Reason("block", f"ITMO block differs: ours {ours.first_id} .. {ours.last_id}, "
                              f"theirs {theirs.first_id} .. {theirs.last_id}.",
                              f"ITMO区块不同：我方 {ours.first_id} .. {ours.last_id}，对方 {theirs.first_id} .. {theirs.last_id}。"))
    if ours.quantity != theirs.quantity:
        reasons.append(Reason("quantity", f"Quantity differs: ours {ours.quantity}, theirs {theirs.quantity}.",
                              f"数量不同：我方 {ours.quantity}，对方 {theirs.quantity}。"))
    if (ours.vintage, ours.id_vintage) != (theirs.vintage, theirs.id_vintage):
        reasons.append(Reason("vintage", f"Vintage differs: ours {ours.vintage}, theirs {theirs.vintage} "
                              f"(in IDs: {ours.id_vintage} / {theirs.id_vintage}).",
                              f"年份不同：我方 {ours.vintage}，对方 {theirs.vintage}（编号中：{ours.id_vintage} / {theirs.id_vintage}）。"))
    if ours.date is None or theirs.date is None or abs((ours.date - theirs.date).days) > tolerance:
        reasons.append(Reason("date", f"Action date differs: ours {ours.date}, theirs {theirs.date}.",
                              f"行动日期不同：我方 {ours.date}，对方 {theirs.date}。"))
    return reasons


def _ipc01_findings(result: Reconciliation) -> list[Finding]:
    out = []
    for m in result.mismatches:
        for reason in m.reasons:
            out.append(finding("IPC01", reason.message_en, reason.message_zh, table="actions",
                               row=m.ours_row if m.ours_row is not None else m.theirs_row,
                               field=None, value=reason.code))
    return out


def _dr03(mine: list[Side], their: list[Side], party: str, me: str | None) -> list[Finding]:
    """Transferred = acquired, per cooperative approach (metric is GHG on both sides here)."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for side in mine:
        sums[side.ca or "?"][0] += side.quantity or 0
    for side in their:
        sums[side.ca or "?"][1] += side.quantity or 0
    return [finding("DR03", f"[{ca}] {me} transferred {a} ITMOs to {party}; {party} acquired {b} from {me}.",
                    f"[{ca}] {me} 向 {party} 转让 {a} 个ITMO；{party} 从 {me} 获取 {b} 个。")
            for ca, (a, b) in sorted(sums.items()) if a != b]
