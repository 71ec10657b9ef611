"""Single-submission checks of an AEF workbook: syntax (SYN01-SYN07) and the catalogue's
STC01-04, ISC01-04 and DR01-04 (see ``codelists/checks.json``; consistency ones in
``consistency.py``). Bad data yields findings, never exceptions.
"""

from __future__ import annotations

import re
from typing import Any

from mappings.aef import codelists
from mappings.aef.consistency import consistency_findings
from mappings.aef.findings import Finding, finding
from mappings.aef.itmo import block_of, parse_itmo_id
from mappings.aef.model import NA, TABLE_KEYS, AefWorkbook, FieldSpec, table_spec
from mappings.aef.values import as_int, is_blank, is_na, parse_dmy

__all__ = ["Finding", "check_aef"]

QTY = "Quantity (t\u00a0CO2\u00a0eq)"
OIMP_PURPOSES = {"OIMP", "IMP", "OP", "NDC and OIMP", "NDC and IMP", "NDC and OP"}


def check_aef(aef: AefWorkbook, *, previous: AefWorkbook | None = None) -> list[Finding]:
    """Run every single-submission check; ``previous`` (last year's AEF) enables ISC02/ISC03 fully."""
    findings: list[Finding] = []
    for key in TABLE_KEYS:
        for index, row in enumerate(aef.table(key), start=1):
            findings.extend(_syntax_row(key, index, row))
    findings.extend(_block_findings(aef))
    findings.extend(_applicability_findings(aef))
    findings.extend(consistency_findings(aef, previous))
    return findings


# --- SYN01-SYN04, SYN06: one cell at a time ---------------------------------------------------

def _syntax_row(key: str, index: int, row: dict[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    for f in table_spec(key).fields:
        result = _check_cell(f, row.get(f.label))
        if result is not None:
            check_id, en, zh, severity = result
            out.append(finding(check_id, en, zh, table=key, row=index, field=f.label,
                               severity=severity, value=row.get(f.label)))
    return out


def _check_cell(f: FieldSpec, value: Any) -> tuple[str, str, str, str | None] | None:
    if f.carp_populated:
        return _check_carp(f, value)
    if is_blank(value):
        if f.required:
            return "SYN01", f"'{f.label}' is required.", f"“{f.label_zh}”为必填项。", None
        return None
    if is_na(value) and (f.na_allowed or not f.required):
        return _check_na_spelling(f, value)
    if f.kind == "date":
        return _check_date(f, value)
    if f.pattern and not re.fullmatch(f.pattern, str(value).strip() if f.kind != "text" else str(value)):
        return ("SYN02", f"'{f.label}' has an invalid format: {value!r}.",
                f"“{f.label_zh}”格式无效：{value!r}。", None)
    if f.codelist:
        return _check_code(f, value)
    return None


def _check_carp(f: FieldSpec, value: Any) -> tuple[str, str, str, str | None] | None:
    expected = f.template_placeholder
    if is_blank(value) or value == expected or (isinstance(value, str) and value.startswith("{")):
        return None
    return ("SYN06", f"'{f.label}' is populated by the CARP and should be left as the template leaves it.",
            f"“{f.label_zh}”由CARP填写，应保持模板原样。", None)


def _check_na_spelling(f: FieldSpec, value: Any) -> tuple[str, str, str, str | None] | None:
    if value == NA:
        return None
    return ("SYN02", f"'{f.label}': not-applicable must be written 'NA', not {value!r}.",
            f"“{f.label_zh}”：不适用应填写“NA”，而非 {value!r}。", "warning")


def _check_date(f: FieldSpec, value: Any) -> tuple[str, str, str, str | None] | None:
    if parse_dmy(value) is not None and (not isinstance(value, str) or re.fullmatch(r"\d{2}/\d{2}/\d{4}", value)):
        return None
    return ("SYN04", f"'{f.label}' must be a valid date written dd/mm/yyyy, got {value!r}.",
            f"“{f.label_zh}”须为 dd/mm/yyyy 格式的有效日期，实际为 {value!r}。", None)


def _check_code(f: FieldSpec, value: Any) -> tuple[str, str, str, str | None] | None:
    values = [v.strip() for v in str(value).split(",")] if f.kind == "party_list" else [str(value).strip()]
    for item in values:
        if item in codelists.notations(f.codelist):
            continue
        if item in codelists.notations(f.codelist, with_alt=True):
            return ("SYN03", f"'{f.label}': {item!r} is a known variant spelling, not the code-list value.",
                    f"“{f.label_zh}”：{item!r} 是已知的异体拼写，不是代码表取值。", "warning")
        return ("SYN03", f"'{f.label}': {item!r} is not in the {f.codelist} code list.",
                f"“{f.label_zh}”：{item!r} 不在代码表 {f.codelist} 中。", None)
    return None


# --- SYN05: ITMO blocks ------------------------------------------------------------------------

def _block_findings(aef: AefWorkbook) -> list[Finding]:
    out: list[Finding] = []
    for key in ("actions", "holdings"):
        for index, row in enumerate(aef.table(key), start=1):
            out.extend(_block_row(key, index, row))
    return out


def _block_row(key: str, index: int, row: dict[str, Any]) -> list[Finding]:
    first, last = parse_itmo_id(row.get("First ID")), parse_itmo_id(row.get("Last ID"))
    if first is None or last is None:
        return []  # SYN02 already reports the syntax
    where = {"table": key, "row": index}
    block = block_of(row["First ID"], row["Last ID"])
    if block is None:
        return [finding("SYN05", "First ID and Last ID do not form one block (different cooperative approach, "
                        "registry, Party or vintage, or first after last).",
                        "起始编号与终止编号不构成同一区块（合作方法、登记簿、缔约方或年份不同，或起始大于终止）。",
                        field="Last ID", **where)]
    out = []
    quantity = as_int(row.get(QTY))
    if quantity is not None and quantity != block.quantity:
        out.append(finding("SYN05", f"Quantity {quantity} differs from last - first + 1 = {block.quantity}.",
                           f"数量 {quantity} 与 终止 - 起始 + 1 = {block.quantity} 不符。", field=QTY, value=quantity, **where))
    vintage = as_int(row.get("Vintage"))
    if vintage is not None and vintage != first.vintage:
        out.append(finding("SYN05", f"Vintage {vintage} differs from the vintage in the ITMO ID ({first.vintage}).",
                           f"年份 {vintage} 与ITMO编号中的年份（{first.vintage}）不符。", field="Vintage", **where))
    if row.get("Cooperative approach ID") not in (None, first.ca):
        out.append(finding("SYN05", f"Cooperative approach ID differs from the one in the ITMO ID ({first.ca}).",
                           f"合作方法编号与ITMO编号中的（{first.ca}）不符。", field="Cooperative approach ID", **where))
    if row.get("First transferring participating Party ID") not in (None, first.party):
        out.append(finding("SYN05", f"First transferring Party differs from the one in the ITMO ID ({first.party}).",
                           f"首次转让缔约方与ITMO编号中的（{first.party}）不符。",
                           field="First transferring participating Party ID", **where))
    return out


# --- SYN07: fields that apply only to some action types / purposes ----------------------------

APPLIES_TO = {
    "Transferring participating Party ID": {"Acquisition"},
    "Acquiring participating Party ID": {"First transfer", "Transfer"},
    "Calendar year for which the ITMOs are used towards the Party's NDC": {"Use"},
    "Purpose for which the ITMO has been used towards or cancelled for OIMP":
        {"Use", "First transfer", "Cancellation", "Voluntary Cancellation"},
}


def _applicability_findings(aef: AefWorkbook) -> list[Finding]:
    out: list[Finding] = []
    for index, row in enumerate(aef.actions, start=1):
        action = str(row.get("Action type") or "").strip()
        for label, types in APPLIES_TO.items():
            value = row.get(label)
            if action not in types and not is_blank(value) and not is_na(value):
                out.append(finding("SYN07", f"'{label}' does not apply to action type {action!r}; report 'NA'.",
                                   f"“{label}”不适用于行动类型 {action!r}，应填写“NA”。",
                                   table="actions", row=index, field=label, value=value))
        if action == "Acquisition" and (is_blank(row.get(label := "Transferring participating Party ID")) or is_na(row.get(label))):
            out.append(finding("SYN01", "An acquisition must name the transferring Party.",
                               "获取行动须填写转让缔约方。", table="actions", row=index, field=label))
    for index, row in enumerate(aef.authorizations, start=1):
        purposes = str(row.get("Purposes for authorization") or "")
        ftd = row.get("First transfer definition for OIMP")
        label = "First transfer definition for OIMP"
        if purposes.strip() not in OIMP_PURPOSES and not (is_blank(ftd) or is_na(ftd)):
            out.append(finding("SYN07", f"'{label}' applies only to authorizations for OIMP; report 'NA'.",
                               f"“{label}”仅适用于其他国际减缓目的的授权，应填写“NA”。",
                               table="authorizations", row=index, field=label, value=ftd))
    return out
