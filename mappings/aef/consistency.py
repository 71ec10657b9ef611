"""Catalogue consistency checks that one Party's AEF can answer on its own.

STC01-STC04 (single table), ISC01-ISC04 (intra-submission; ISC02/ISC03 need last year's AEF)
and DR01, DR02, DR04 (data reconciliation; DR03 needs the counterpart Party and lives in
``reconcile.py``). Definitions: ``shared/reference/article6/consistency-checks.xlsx``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from mappings.aef.findings import Finding, finding, not_run
from mappings.aef.itmo import Block, block_of, merge, subtract, total
from mappings.aef.model import NA, AefWorkbook
from mappings.aef.values import as_int, is_blank, is_na, parse_dmy

QTY = "Quantity (t\u00a0CO2\u00a0eq)"
FIT = "First international transfer"
OUTGOING = {"Transfer", "Use", "Cancellation", "Voluntary Cancellation"}
USE_OR_CANCEL = {"Use", "Cancellation", "Voluntary Cancellation"}
FTD_SPELLINGS = {"authorisation": "authorization", "use or cancellation": "use or cancellation"}

RangeSet = dict[tuple, list[tuple[int, int]]]


def consistency_findings(aef: AefWorkbook, previous: AefWorkbook | None) -> list[Finding]:
    """Run STC01-04, ISC01-04, DR01, DR02, DR04 and say why DR03 does not run here."""
    out: list[Finding] = []
    out += stc01(aef) + stc02(aef) + stc03(aef) + stc04(aef)
    out += isc_checks(aef, previous)
    out += dr_balance(aef, previous, "DR01") + dr_balance(aef, previous, "DR02") + dr04(aef, previous)
    out.append(not_run("DR03", "transferred = acquired needs the counterpart Party's AEF; "
                       "use reconcile_first_transfers().", "转让=获取需要对方缔约方的AEF；请使用 reconcile_first_transfers()。"))
    return out


# --- helpers -----------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _auths(aef: AefWorkbook) -> dict[str, dict[str, Any]]:
    """Authorization ID -> latest version row of Table 2."""
    index: dict[str, dict[str, Any]] = {}
    for row in aef.authorizations:
        key = _text(row.get("Authorization ID"))
        if key and (key not in index or (as_int(row.get("Version of the authorization")) or 0)
                    >= (as_int(index[key].get("Version of the authorization")) or 0)):
            index[key] = row
    return index


def _actions(aef: AefWorkbook) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(1-based row, row, action type) in action-date order (undated rows last)."""
    dated = [(parse_dmy(r.get("Action date")) or date.max, i, r) for i, r in enumerate(aef.actions, 1)]
    for _, index, row in sorted(dated, key=lambda t: (t[0], t[1])):
        yield index, row, _text(row.get("Action type"))


def _block(row: dict[str, Any]) -> Block | None:
    return block_of(row.get("First ID"), row.get("Last ID"))


def _leaves(row: dict[str, Any], action: str, party: str | None) -> bool:
    """True when the action takes units out of the reporting Party's holdings."""
    if action in OUTGOING:
        return True
    if action == "First transfer":
        acquiring = _text(row.get("Acquiring participating Party ID"))
        return acquiring not in ("", NA, party or "")
    return False


def _add(rs: RangeSet, block: Block) -> None:
    rs[block.prefix] = merge([*rs.get(block.prefix, []), (block.start, block.end)])


def _remove(rs: RangeSet, block: Block) -> None:
    rs[block.prefix] = subtract(rs.get(block.prefix, []), (block.start, block.end))


def _uncovered(block: Block, rs: RangeSet) -> int:
    """Number of serials of ``block`` not in ``rs``."""
    left = [(block.start, block.end)]
    for rng in rs.get(block.prefix, []):
        left = subtract(left, rng)
    return total(left)


def _overlap(block: Block, rs: RangeSet) -> int:
    return block.quantity - _uncovered(block, rs)


def _holdings(aef: AefWorkbook | None) -> RangeSet:
    rs: RangeSet = {}
    for row in aef.holdings if aef else []:
        if (block := _block(row)) is not None:
            _add(rs, block)
    return rs


def _own(row: dict[str, Any], party: str | None) -> bool:
    return _text(row.get("First transferring participating Party ID")) == (party or "")


# --- STC ---------------------------------------------------------------------------------------

def stc01(aef: AefWorkbook) -> list[Finding]:
    """Actions fall in the reported year."""
    year = aef.reported_year
    if year is None:
        return [not_run("STC01", "Table 1 has no valid reported year.", "表1没有有效的报告年度。")]
    out = []
    for index, row, _ in _actions(aef):
        when = parse_dmy(row.get("Action date"))
        if when is not None and when.year != year:
            out.append(finding("STC01", f"Action date {row['Action date']} is outside the reported year {year}.",
                               f"行动日期 {row['Action date']} 不在报告年度 {year} 内。",
                               table="actions", row=index, field="Action date", value=row["Action date"]))
    return out


def stc02(aef: AefWorkbook) -> list[Finding]:
    """Use, cancellation and first transfer agree with the authorization (when it is in this report)."""
    auths, out = _auths(aef), []
    for index, row, action in _actions(aef):
        auth = auths.get(_text(row.get("Authorization ID")))
        if auth is None or action not in USE_OR_CANCEL | {"First transfer"}:
            continue
        out += _stc02_row(index, row, action, auth)
    return out


def _stc02_row(index: int, row: dict[str, Any], action: str, auth: dict[str, Any]) -> list[Finding]:
    purposes = _text(auth.get("Purposes for authorization"))
    where = {"table": "actions", "row": index}
    out = []
    ndc_year = row.get("Calendar year for which the ITMOs are used towards the Party's NDC")
    if action == "Use" and not (is_blank(ndc_year) or is_na(ndc_year)) and "NDC" not in purposes:
        out.append(finding("STC02", f"Used towards an NDC but authorized for {purposes!r} only.",
                           f"用于国家自主贡献，但授权用途仅为 {purposes!r}。", field="Action type", **where))
    oimp_use = row.get("Purpose for which the ITMO has been used towards or cancelled for OIMP")
    if action in USE_OR_CANCEL and not (is_blank(oimp_use) or is_na(oimp_use)) and purposes == "NDC":
        out.append(finding("STC02", "Used or cancelled for OIMP but authorized for NDC only.",
                           "用于或注销用于其他国际减缓目的，但仅获授权用于国家自主贡献。",
                           field="Purpose for which the ITMO has been used towards or cancelled for OIMP", **where))
    allowed = {p.strip() for p in _text(auth.get("Authorized Party(ies) ID")).split(",") if p.strip()}
    acquiring = _text(row.get("Acquiring participating Party ID"))
    if action == "First transfer" and allowed - {NA} and acquiring not in ("", NA) and acquiring not in allowed:
        out.append(finding("STC02", f"First transfer to {acquiring}, which is not an authorized Party ({', '.join(sorted(allowed))}).",
                           f"首次转让给 {acquiring}，但其不是获授权缔约方（{', '.join(sorted(allowed))}）。",
                           field="Acquiring participating Party ID", value=acquiring, **where))
    return out


def stc03(aef: AefWorkbook) -> list[Finding]:
    """ITMOs used towards the NDC occurred (vintage) within the NDC implementation period."""
    first = as_int(aef.submission_row.get("First year of the NDC implementation period"))
    last = as_int(aef.submission_row.get("Last year of the NDC implementation period"))
    if first is None or last is None:
        return [not_run("STC03", "Table 1 has no valid NDC implementation period.", "表1没有有效的国家自主贡献实施期。")]
    out = []
    for index, row, action in _actions(aef):
        used_for = as_int(row.get("Calendar year for which the ITMOs are used towards the Party's NDC"))
        vintage = as_int(row.get("Vintage"))
        if action != "Use" or used_for is None:
            continue
        for label, year in (("Vintage", vintage), ("Calendar year for which the ITMOs are used towards the Party's NDC", used_for)):
            if year is not None and not first <= year <= last:
                out.append(finding("STC03", f"{label} {year} is outside the NDC implementation period {first}-{last}.",
                                   f"{label} {year} 不在国家自主贡献实施期 {first}-{last} 内。",
                                   table="actions", row=index, field=label, value=year))
    return out


def stc04(aef: AefWorkbook) -> list[Finding]:
    """A first transfer is a first international transfer, or matches the authorization's definition."""
    auths, party, out = _auths(aef), aef.party, []
    for index, row, action in _actions(aef):
        if action != "First transfer":
            continue
        subtype = _text(row.get("Action subtype"))
        acquiring = _text(row.get("Acquiring participating Party ID"))
        if subtype.casefold() == FIT.casefold() and acquiring not in ("", NA, party or ""):
            continue
        auth = auths.get(_text(row.get("Authorization ID")))
        if auth is not None and _ftd(subtype) and _ftd(subtype) == _ftd(auth.get("First transfer definition for OIMP")):
            continue
        out.append(_stc04_finding(index, subtype, acquiring, auth))
    return out


def _ftd(value: Any) -> str:
    text = _text(value).casefold()
    return FTD_SPELLINGS.get(text, text) if text not in ("", "na") else ""


def _stc04_finding(index: int, subtype: str, acquiring: str, auth: dict[str, Any] | None) -> Finding:
    where = {"table": "actions", "row": index, "field": "Action subtype", "value": subtype}
    if subtype.casefold() == FIT.casefold():
        return finding("STC04", f"'First international transfer' but the acquiring Party is {acquiring or 'missing'}.",
                       f"子类型为“首次国际转让”，但获取缔约方为 {acquiring or '空'}。", **where)
    if auth is None:
        return finding("STC04", f"Subtype {subtype!r} cannot be compared: the authorization is not in this report.",
                       f"子类型 {subtype!r} 无法核对：本报告中没有该授权。", severity="info", **where)
    ftd = auth.get("First transfer definition for OIMP")
    return finding("STC04", f"Subtype {subtype!r} is neither 'First international transfer' nor the authorization's "
                   f"first transfer definition ({ftd!r}).",
                   f"子类型 {subtype!r} 既不是“首次国际转让”，也不是授权中的首次转让定义（{ftd!r}）。", **where)


# --- ISC ---------------------------------------------------------------------------------------

def isc_checks(aef: AefWorkbook, previous: AefWorkbook | None) -> list[Finding]:
    """ISC01-ISC04 over ITMO serial ranges (ordering by action date)."""
    party, closing, opening = aef.party, _holdings(aef), _holdings(previous)
    known_auths = set(_auths(aef)) | (set(_auths(previous)) if previous else set())
    position: RangeSet = {k: list(v) for k, v in opening.items()}
    acquired_left: RangeSet = {}
    gone: RangeSet = {}
    acquisitions: list[tuple[int, Block]] = []
    out: list[Finding] = []
    for index, row, action in _actions(aef):
        block = _block(row)
        if block is None:
            continue
        if action == "Acquisition":
            for rs in (position, acquired_left):
                _add(rs, block)
            _remove(gone, block)
            acquisitions.append((index, block))
        elif _leaves(row, action, party) or action in ("First transfer", *OUTGOING):
            out += _isc04(index, row, action, block, position, party, known_auths, previous)
            if _leaves(row, action, party):
                for rs in (position, acquired_left):
                    _remove(rs, block)
                _add(gone, block)
    out += _isc01(acquisitions, acquired_left, closing)
    out += _isc03_within(aef, gone)
    out += _isc02_03_previous(aef, previous, opening, position, closing)
    return out


def _isc04(index, row, action, block, position, party, known_auths, previous) -> list[Finding]:
    where = {"table": "actions", "row": index, "field": "First ID"}
    if _own(row, party):
        auth_id = _text(row.get("Authorization ID"))
        if auth_id and auth_id not in known_auths:
            return [finding("ISC04", f"Authorization {auth_id} is not reported in this (or the given previous) AEF.",
                            f"授权 {auth_id} 未在本期（或所给上期）AEF中报告。", severity="warning", **where)]
        return []
    missing = _uncovered(block, position)
    if not missing:
        return []
    severity = "error" if previous is not None else "warning"
    return [finding("ISC04", f"{action} of {missing} ITMOs that were neither held nor acquired before"
                    + ("" if previous else " (previous report not given)") + ".",
                    f"{action} 了 {missing} 个此前既未持有也未获取的ITMO" + ("" if previous else "（未提供上期报告）") + "。",
                    severity=severity, **where)]


def _isc01(acquisitions: list[tuple[int, Block]], acquired_left: RangeSet, closing: RangeSet) -> list[Finding]:
    out = []
    for index, block in acquisitions:
        still_held = block.quantity - _uncovered(block, acquired_left)
        missing = still_held - (block.quantity - _uncovered(block, _intersect(acquired_left, closing)))
        if missing > 0:
            out.append(finding("ISC01", f"{missing} ITMOs acquired and not transferred, used or cancelled are missing from Table 4.",
                               f"{missing} 个已获取且未转让、使用或注销的ITMO未列入表4。",
                               table="actions", row=index, field="First ID"))
    return out


def _intersect(a: RangeSet, b: RangeSet) -> RangeSet:
    out: RangeSet = {}
    for prefix, ranges in a.items():
        keep = []
        for start, end in ranges:
            for s2, e2 in b.get(prefix, []):
                if max(start, s2) <= min(end, e2):
                    keep.append((max(start, s2), min(end, e2)))
        out[prefix] = merge(keep)
    return out


def _isc03_within(aef: AefWorkbook, gone: RangeSet) -> list[Finding]:
    out = []
    for index, row in enumerate(aef.holdings, 1):
        block = _block(row)
        if block is not None and (n := _overlap(block, gone)):
            out.append(finding("ISC03", f"{n} ITMOs in this holding were transferred, used or cancelled during the year.",
                               f"该持有量中有 {n} 个ITMO已在本年度转让、使用或注销。",
                               table="holdings", row=index, field="First ID"))
    return out


def _isc02_03_previous(aef, previous, opening, position, closing) -> list[Finding]:
    if previous is None:
        reason = ("needs last year's AEF (previous=...)", "需要上一年度的AEF（previous=...）")
        return [not_run("ISC02", *reason),
                finding("ISC03", "ISC03 checked within this report only; the roll-forward from previous holdings "
                        "needs last year's AEF.", "ISC03 仅在本报告内核查；由上期持有量推算需要上一年度的AEF。", severity="info")]
    out = []
    for index, row in enumerate(previous.holdings, 1):
        block = _block(row)
        if block is not None and (n := _uncovered(block, _union(closing, _gone_from(opening, position)))):
            out.append(finding("ISC02", f"{n} ITMOs held at the end of last year are neither held now nor transferred, used or cancelled.",
                               f"上年末持有的 {n} 个ITMO现在既未持有，也未转让、使用或注销。",
                               table="holdings", row=index, field="First ID"))
    for index, row in enumerate(aef.holdings, 1):
        block = _block(row)
        if block is not None and not _own(row, aef.party) and (n := _uncovered(block, position)):
            out.append(finding("ISC03", f"{n} ITMOs in this holding cannot be derived from previous holdings and this year's actions.",
                               f"该持有量中有 {n} 个ITMO无法由上期持有量和本年度行动推算。",
                               table="holdings", row=index, field="First ID"))
    return out


def _gone_from(opening: RangeSet, position: RangeSet) -> RangeSet:
    out: RangeSet = {}
    for prefix, ranges in opening.items():
        left = list(ranges)
        for rng in position.get(prefix, []):
            left = subtract(left, rng)
        out[prefix] = left
    return out


def _union(a: RangeSet, b: RangeSet) -> RangeSet:
    return {p: merge(a.get(p, []) + b.get(p, [])) for p in set(a) | set(b)}


# --- DR ----------------------------------------------------------------------------------------

def _group(row: dict[str, Any], auths: dict[str, dict[str, Any]], by_ca: bool) -> tuple:
    auth = auths.get(_text(row.get("Authorization ID")), {})
    key = (_text(row.get("Metric")), _text(auth.get("Sector(s)")) or "?", _text(auth.get("Activity type(s)")) or "?")
    return (_text(row.get("Cooperative approach ID")), *key) if by_ca else key


def _flows(aef: AefWorkbook, previous: AefWorkbook | None, by_ca: bool) -> dict[tuple, dict[str, int]]:
    auths = {**(_auths(previous) if previous else {}), **_auths(aef)}
    flows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, row, action in _actions(aef):
        origin = "own" if _own(row, aef.party) else "foreign"
        kind = "in" if action == "Acquisition" else "out" if _leaves(row, action, aef.party) else "stay"
        flows[(origin, *_group(row, auths, by_ca))][kind] += as_int(row.get(QTY)) or 0
    for name, source in (("closing", aef), ("opening", previous)):
        for row in source.holdings if source else []:
            origin = "own" if _own(row, aef.party) else "foreign"
            flows[(origin, *_group(row, auths, by_ca))][name] += as_int(row.get(QTY)) or 0
    return flows


def dr_balance(aef: AefWorkbook, previous: AefWorkbook | None, check_id: str) -> list[Finding]:
    """DR01 (per Party) / DR02 (per cooperative approach): authorized + acquired = out + held."""
    by_ca = check_id == "DR02"
    caps = _caps(aef, by_ca)
    out = []
    for key, f in sorted(_flows(aef, previous, by_ca).items()):
        origin, group = key[0], " / ".join(key[1:])
        if origin == "own":
            cap = caps.get(key[1:])
            used = f["out"] + f["closing"]
            if cap is not None and used > cap:
                out.append(finding(check_id, f"[{group}] first transferred, used, cancelled and held ({used}) exceed the authorized quantity ({cap}).",
                                   f"[{group}] 首次转让、使用、注销和持有合计（{used}）超过授权数量（{cap}）。"))
            continue
        expected = f["opening"] + f["in"] - f["out"]
        if previous is not None and expected != f["closing"]:
            out.append(finding(check_id, f"[{group}] opening {f['opening']} + acquired {f['in']} - transferred/used/cancelled {f['out']} = {expected}, but holdings are {f['closing']}.",
                               f"[{group}] 期初 {f['opening']} + 获取 {f['in']} - 转让/使用/注销 {f['out']} = {expected}，但持有量为 {f['closing']}。"))
        elif previous is None and f["closing"] < f["in"] - f["out"]:
            out.append(finding(check_id, f"[{group}] holdings {f['closing']} are below acquired {f['in']} - transferred/used/cancelled {f['out']}.",
                               f"[{group}] 持有量 {f['closing']} 小于 获取 {f['in']} - 转让/使用/注销 {f['out']}。"))
    return out


def _caps(aef: AefWorkbook, by_ca: bool) -> dict[tuple, int]:
    """Sum of authorized quantities per group; groups with an unquantified authorization are left out."""
    caps: dict[tuple, int] = {}
    unbounded: set[tuple] = set()
    auths = _auths(aef)
    for auth_id, row in auths.items():
        key = _group({**row, "Authorization ID": auth_id}, auths, by_ca)
        quantity = as_int(row.get("Authorized quantity"))
        if quantity is None:
            unbounded.add(key)
        caps[key] = caps.get(key, 0) + (quantity or 0)
    return {k: v for k, v in caps.items() if k not in unbounded}


def dr04(aef: AefWorkbook, previous: AefWorkbook | None) -> list[Finding]:
    """Per cooperative approach: used + cancelled <= first transferred (+ acquired + opening holdings)."""
    used: dict[str, int] = defaultdict(int)
    available: dict[str, int] = defaultdict(int)
    for _, row, action in _actions(aef):
        ca, quantity = _text(row.get("Cooperative approach ID")), as_int(row.get(QTY)) or 0
        if action in USE_OR_CANCEL:
            used[ca] += quantity
        elif action in ("First transfer", "Acquisition"):
            available[ca] += quantity
    for row in previous.holdings if previous else []:
        available[_text(row.get("Cooperative approach ID"))] += as_int(row.get(QTY)) or 0
    severity = "error" if previous is not None else "warning"
    return [finding("DR04", f"[{ca}] used or cancelled {used[ca]} exceeds first transferred/acquired {available[ca]}.",
                    f"[{ca}] 使用或注销 {used[ca]} 超过首次转让/获取 {available[ca]}。", severity=severity)
            for ca in sorted(used) if used[ca] > available[ca]]
