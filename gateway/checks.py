"""Cross-record checks, run after each pull; each lands as typed findings.

Every check is one SQL query over the current tables plus a message template, kept in
the table :data:`CHECKS` (add a row to add a check). Findings are upserted by
(check, kind, key), so a rerun refreshes rather than duplicates them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .store import Store, utc_now


@dataclass(frozen=True)
class Check:
    check_id: str
    kind: str
    severity: str
    sql: str
    message: Callable[[dict[str, Any]], tuple[str, str]]


COMPLIANCE_STATUS = """
SELECT c._key AS key, c.status, c.obligation, c.surrendered_cea + c.surrendered_ccer AS surrendered
FROM current_compliance c WHERE c._retracted = 0 AND (
  (c.status = 'COMPLIANT' AND c.surrendered_cea + c.surrendered_ccer < c.obligation) OR
  (c.status IN ('PARTIAL', 'NON_COMPLIANT') AND c.surrendered_cea + c.surrendered_ccer >= c.obligation) OR
  (c.status = 'NON_COMPLIANT' AND c.surrendered_cea + c.surrendered_ccer > 0) OR
  (c.status = 'PARTIAL' AND c.surrendered_cea + c.surrendered_ccer = 0))
"""

COMPLIANCE_VS_REGISTRY = """
SELECT c._key AS key, c.surrendered_cea + c.surrendered_ccer AS platform, r.total AS registry
FROM current_compliance c JOIN (
  SELECT uscc, compliance_year, SUM(quantity) AS total FROM current_surrender
  WHERE _retracted = 0 GROUP BY uscc, compliance_year) r
  ON r.uscc = c.uscc AND r.compliance_year = c.compliance_year
WHERE c._retracted = 0 AND r.total != c.surrendered_cea + c.surrendered_ccer
"""

OVERLAPPING_SERIALS = """
SELECT _key AS key, project_id, serial_start, serial_end, prev_end FROM (
  SELECT _key, project_id, serial_start, serial_end,
    MAX(serial_end) OVER (PARTITION BY project_id ORDER BY serial_start, serial_end
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM current_ccer_issuance WHERE _retracted = 0)
WHERE prev_end >= serial_start
"""

PLEDGE_OVER_RELEASED = """
SELECT _key AS key, quantity, released_quantity, enforced_quantity FROM current_pledge
WHERE _retracted = 0 AND released_quantity + enforced_quantity > quantity
"""

PLEDGE_EVENT_ORPHAN = """
SELECT e._key AS key, e.pledge_id FROM current_pledge_event e
WHERE e._retracted = 0 AND NOT EXISTS (
  SELECT 1 FROM current_pledge p WHERE p.pledge_id = e.pledge_id AND p._retracted = 0)
"""

SURRENDER_UNLISTED = """
SELECT s._key AS key, s.uscc, s.compliance_year FROM current_surrender s
WHERE s._retracted = 0 AND NOT EXISTS (
  SELECT 1 FROM current_entity e WHERE e.uscc = s.uscc AND e.list_year = s.compliance_year
    AND e._retracted = 0)
"""

REPORT_UNLISTED = """
SELECT r._key AS key, r.uscc, r.year FROM current_emission_report r
WHERE r._retracted = 0 AND EXISTS (SELECT 1 FROM current_entity x WHERE x.list_year = r.year)
  AND NOT EXISTS (SELECT 1 FROM current_entity e WHERE e.uscc = r.uscc
    AND e.list_year = r.year AND e._retracted = 0)
"""

PRICE_BAND = """
SELECT t._key AS key, t.trade_method, t.price, m.prev_close,
  ROUND(100.0 * (t.price - m.prev_close) / m.prev_close, 2) AS deviation_pct
FROM current_trade t JOIN current_market_day m
  ON m.trade_date = t.trade_date AND m.subject_code = t.subject_code AND m._retracted = 0
WHERE t._retracted = 0 AND t._key IN (
  SELECT key FROM log WHERE kind = 'trade' AND seq >= :since_seq) AND m.prev_close > 0 AND (
  (t.trade_method = '10' AND ABS(t.price - m.prev_close) > 0.10 * m.prev_close + 0.005) OR
  (t.trade_method = '20' AND ABS(t.price - m.prev_close) > 0.30 * m.prev_close + 0.005))
"""

BLOCK_SIZE = """
SELECT _key AS key, trade_method, quantity FROM current_trade
WHERE _retracted = 0 AND _key IN (
  SELECT key FROM log WHERE kind = 'trade' AND seq >= :since_seq) AND (
  (trade_method = '20' AND quantity < 100000) OR (trade_method = '10' AND quantity >= 100000))
"""


CHECKS: tuple[Check, ...] = (
    Check("compliance-status-mismatch", "compliance", "error", COMPLIANCE_STATUS, lambda r: (
        f"status {r['status']} disagrees with obligation {r['obligation']} t vs "
        f"{r['surrendered']} t surrendered",
        f"履约状态 {r['status']} 与应清缴量 {r['obligation']} 吨、已清缴 {r['surrendered']} 吨不一致")),
    Check("compliance-registry-mismatch", "compliance", "error", COMPLIANCE_VS_REGISTRY,
          lambda r: (
        f"the platform reports {r['platform']} t surrendered, the registry {r['registry']} t",
        f"管理平台记录清缴 {r['platform']} 吨，登记系统记录 {r['registry']} 吨")),
    Check("overlapping-serial-block", "ccer_issuance", "error", OVERLAPPING_SERIALS, lambda r: (
        f"serials {r['serial_start']}–{r['serial_end']} of {r['project_id']} overlap an earlier "
        f"block ending at {r['prev_end']}",
        f"项目 {r['project_id']} 序列号 {r['serial_start']}–{r['serial_end']} 与此前截至 "
        f"{r['prev_end']} 的序列号段重叠")),
    Check("pledge-release-exceeds-pledge", "pledge", "error", PLEDGE_OVER_RELEASED, lambda r: (
        f"released {r['released_quantity']} t + enforced {r['enforced_quantity']} t exceed the "
        f"{r['quantity']} t pledged",
        f"已解押 {r['released_quantity']} 吨与已处置 {r['enforced_quantity']} 吨之和超过质押数量 "
        f"{r['quantity']} 吨")),
    Check("pledge-event-unknown-pledge", "pledge_event", "warning", PLEDGE_EVENT_ORPHAN,
          lambda r: (f"release or enforcement of pledge {r['pledge_id']}, which is not registered",
                     f"解押或处置事件所涉质押 {r['pledge_id']} 未登记")),
    Check("surrender-unit-not-listed", "surrender", "warning", SURRENDER_UNLISTED, lambda r: (
        f"{r['uscc']} surrendered for {r['compliance_year']} but is not in that year's list of "
        "key emitting units",
        f"{r['uscc']} 为 {r['compliance_year']} 年度清缴，但不在该年度重点排放单位名录中")),
    Check("report-unit-not-listed", "emission_report", "warning", REPORT_UNLISTED, lambda r: (
        f"{r['uscc']} has a {r['year']} report but is not in that year's list of key emitting "
        "units", f"{r['uscc']} 有 {r['year']} 年度排放报告，但不在该年度重点排放单位名录中")),
    Check("trade-price-out-of-band", "trade", "error", PRICE_BAND, lambda r: (
        f"method {r['trade_method']} trade at {r['price']} is {r['deviation_pct']}% from the "
        f"previous close {r['prev_close']} (limit ±10% listing, ±30% block)",
        f"交易方式 {r['trade_method']} 成交价 {r['price']} 偏离前收盘价 {r['prev_close']} "
        f"{r['deviation_pct']}%（挂牌协议限±10%，大宗协议限±30%）")),
    Check("trade-size-wrong-method", "trade", "warning", BLOCK_SIZE, lambda r: (
        f"{r['quantity']} t is not allowed for method {r['trade_method']} (block ≥ 100,000 t, "
        "listing < 100,000 t)",
        f"交易方式 {r['trade_method']} 不允许 {r['quantity']} 吨（大宗协议 ≥ 100,000 吨，挂牌协议 "
        "< 100,000 吨）")),
)


def run_checks(store: Store, run_id: int | None, since_seq: int = 0) -> dict[str, int]:
    """Run every check (trade checks only on trades logged from ``since_seq`` on)."""
    counts: dict[str, int] = {}
    with store.transaction():
        for check in CHECKS:
            incremental = ":since_seq" in check.sql
            args = {"since_seq": since_seq} if incremental else {}
            now = utc_now()
            found = [_finding(check, row) for row in store.query(check.sql, args)]
            store.record_findings(run_id, found, now)
            store.resolve_findings(run_id, check.check_id, now,
                                   INCREMENTAL_SCOPE if incremental else "", args)
            counts[check.check_id] = len(found)
    return counts


# An incremental check only looked at the trades logged since ``since_seq``.
INCREMENTAL_SCOPE = "AND key IN (SELECT key FROM log WHERE kind = 'trade' AND seq >= :since_seq)"


def _finding(check: Check, row: dict[str, Any]) -> dict[str, Any]:
    en, zh = check.message(row)
    return {"check_id": check.check_id, "severity": check.severity, "kind": check.kind,
            "key": row["key"], "message_en": en, "message_zh": zh, "detail": row}
