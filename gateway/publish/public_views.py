"""Friendly views over ``public.db``, and aggregate tables computed from the store.

Views read only tables of ``public.db`` (so they can never show more than those
tables do). Aggregate tables are computed at publish time from the store, because
their inputs (single trades, per-unit allocations, rejected records) never enter
``public.db``; each of their columns is declared as an ``aggregate`` or ``quality``
:class:`~.public_tables.Source`, and small cells are suppressed where a total could
reveal one unit's restricted figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import schemas

from .public_tables import Source, TableSpec

MIN_CELL = 3  # fewer contributing units than this: the total is suppressed


def _label_pair(scheme: str, code: Any) -> tuple[str | None, str | None]:
    entry = schemas.codelist(scheme).get(code) if code is not None else None
    return (entry["zh"], entry["en"]) if entry else (None, None)


def _code_columns(name: str, kind: str, field_: str) -> dict[str, Source]:
    """A grouping code of an aggregate, with its labels (aggregates of ``kind``)."""
    inputs = (f"{kind}.{field_}",)
    return {name: Source("aggregate", kind, field_, inputs, en="grouping code", zh="分组代码"),
            f"{name}_zh": Source("aggregate", kind, field_, inputs,
                                 en="label of the code in Chinese", zh="中文名称"),
            f"{name}_en": Source("aggregate", kind, field_, inputs,
                                 en="label of the code in English", zh="英文名称")}


# Aggregate tables (computed from the store) ---------------------------------------

def trade_counts_spec() -> TableSpec:
    columns = {"trade_date": Source("aggregate", "trade", "trade_date",
                                    inputs=("trade.trade_date",), en="trading day",
                                    zh="交易日期"),
               **_code_columns("subject_code", "trade", "subject_code"),
               **_code_columns("trade_method", "trade", "trade_method"),
               "trades": Source("aggregate", "trade", inputs=("trade.trade_id",),
                                en="number of trades", zh="成交笔数")}
    types = {c: str for c in columns} | {"trades": int}
    return TableSpec("trade_counts", columns, types,
                     pk=("trade_date", "subject_code", "trade_method"),
                     label={"zh": "每日成交笔数", "en": "Trades per day"},
                     description={
                         "en": "Number of trades per day, subject and trading method. Single "
                               "trades are not public; prices and volumes per day are in "
                               "market_days and market_day_methods.",
                         "zh": "按交易日、交易标的和交易方式统计的成交笔数。单笔成交不公开；"
                               "每日价格与成交量见 market_days 与 market_day_methods。"})


def trade_count_rows(conn: Any) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT trade_date, subject_code, trade_method, COUNT(*) FROM current_trade "
        "WHERE _retracted = 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
    for day, subject, method, trades in cursor:
        subject_zh, subject_en = _label_pair("subject", subject)
        method_zh, method_en = _label_pair("trade_method", method)
        yield {"trade_date": day, "subject_code": subject, "subject_code_zh": subject_zh,
               "subject_code_en": subject_en, "trade_method": method,
               "trade_method_zh": method_zh, "trade_method_en": method_en, "trades": trades}


def allocation_totals_spec() -> TableSpec:
    columns = {**_code_columns("vintage", "allocation", "vintage"),
               **_code_columns("stage", "allocation", "stage"),
               "units": Source("aggregate", "allocation", inputs=("allocation.uscc",),
                               en="number of units allocated", zh="获分配单位数"),
               "quantity": Source("aggregate", "allocation", inputs=("allocation.quantity",),
                                  en="total allocated (empty when suppressed)",
                                  zh="分配总量（被抑制时为空）", unit="t"),
               "suppressed": Source("aggregate", "allocation", inputs=("allocation.uscc",),
                                    en=f"why quantity is empty: fewer than {MIN_CELL} units",
                                    zh=f"数量为空的原因：单位数少于{MIN_CELL}家")}
    types = {c: str for c in columns} | {"units": int, "quantity": int}
    return TableSpec("allocation_totals", columns, types, pk=("vintage", "stage"),
                     label={"zh": "配额分配总量", "en": "Allocation totals"},
                     description={
                         "en": "Allowances allocated per vintage and stage, over all units. "
                               "Allocation per unit is notified to the unit only and is not "
                               f"public; totals over fewer than {MIN_CELL} units are withheld.",
                         "zh": "按配额年度和分配阶段汇总的配额分配量。单个单位的分配量仅书面"
                               f"通知本单位，不公开；少于{MIN_CELL}家单位的汇总不予公布。"})


def allocation_total_rows(conn: Any) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT vintage, stage, COUNT(DISTINCT uscc), SUM(quantity) FROM current_allocation "
        "WHERE _retracted = 0 GROUP BY 1, 2 ORDER BY 1, 2")
    for vintage, stage, units, quantity in cursor:
        small = units < MIN_CELL
        v_zh, v_en = _label_pair("registry_unit", vintage)
        s_zh, s_en = _label_pair("allocation_stage", stage)
        yield {"vintage": vintage, "vintage_zh": v_zh, "vintage_en": v_en, "stage": stage,
               "stage_zh": s_zh, "stage_en": s_en, "units": units,
               "quantity": None if small else quantity,
               "suppressed": (f"少于{MIN_CELL}家单位 fewer than {MIN_CELL} units"
                              if small else None)}


def data_quality_spec() -> TableSpec:
    def q(en: str, zh: str) -> Source:
        return Source("quality", en=en, zh=zh)
    columns = {"publisher": q("internal system that sent the records", "数据来源系统"),
               "kind": q("disclosure kind", "披露类型"),
               "error_type": q("why the records were rejected (a stable slug)", "拒收原因"),
               "records": q("rejected records", "拒收记录数"),
               "times_seen": q("deliveries of those records, counting re-sends", "收到次数"),
               "first_seen_at": q("first rejected (UTC)", "首次拒收时间"),
               "last_seen_at": q("last rejected (UTC)", "最近拒收时间")}
    types = {c: str for c in columns} | {"records": int, "times_seen": int}
    return TableSpec("data_quality", columns, types, pk=("publisher", "kind", "error_type"),
                     label={"zh": "数据质量：拒收记录", "en": "Data quality: rejected records"},
                     description={
                         "en": "Records the gateway rejected, per source system and reason. "
                               "The rejected records themselves are not published.",
                         "zh": "网关拒收的记录，按来源系统和原因统计；被拒收的记录本身不公开。"})


def data_quality_rows(conn: Any) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT publisher, kind, error_type, COUNT(*), SUM(times_seen), MIN(first_seen_at), "
        "MAX(last_seen_at) FROM quarantine GROUP BY 1, 2, 3 ORDER BY 1, 4 DESC")
    names = list(data_quality_spec().columns)
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def check_findings_spec() -> TableSpec:
    def q(en: str, zh: str) -> Source:
        return Source("quality", en=en, zh=zh)
    columns = {"check_id": q("the check or warning", "检查项"),
               "severity": q("warning or error", "严重程度"),
               "kind": q("disclosure kind", "披露类型"),
               "findings": q("records it flagged", "发现数")}
    types = {c: str for c in columns} | {"findings": int}
    return TableSpec("check_findings", columns, types, pk=("check_id", "severity", "kind"),
                     label={"zh": "数据质量：检查发现", "en": "Data quality: check findings"},
                     description={
                         "en": "Warnings of validation and cross-record checks, counted per "
                               "check and kind (records stay published).",
                         "zh": "校验与跨记录检查发现的问题，按检查项和类型计数（相关记录仍公开）。"})


def check_findings_rows(conn: Any) -> Iterator[dict[str, Any]]:
    cursor = conn.execute("SELECT check_id, severity, kind, COUNT(*) FROM findings "
                          "GROUP BY 1, 2, 3 ORDER BY 4 DESC")
    for check_id, severity, kind, n in cursor:
        yield {"check_id": check_id, "severity": severity, "kind": kind, "findings": n}


def codes_spec() -> TableSpec:
    def r(en: str, zh: str) -> Source:
        return Source("reference", en=en, zh=zh)
    columns = {"scheme": r("code list", "代码表"), "scheme_zh": r("code list (Chinese)", "代码表名称"),
               "scheme_en": r("code list (English)", "代码表英文名称"),
               "notation": r("code", "代码"), "zh": r("label in Chinese", "中文名称"),
               "en": r("label in English", "英文名称"), "source": r("where the list comes from", "来源")}
    return TableSpec("codes", columns, {c: str for c in columns}, pk=("scheme", "notation"),
                     label={"zh": "代码表", "en": "Code lists"},
                     description={"en": "Every code used in these tables, with its Chinese and "
                                        "English label.",
                                  "zh": "本库各表所用代码及其中英文名称。"})


def codes_rows() -> Iterator[dict[str, Any]]:
    for scheme, codelist in schemas.all_codelists().items():
        for code in codelist.codes:
            yield {"scheme": scheme, "scheme_zh": codelist.label.get("zh"),
                   "scheme_en": codelist.label.get("en"), "notation": code["notation"],
                   "zh": code["zh"], "en": code["en"], "source": codelist.source}


def release_spec() -> TableSpec:
    columns = {"name": Source("release", en="fact", zh="项目"),
               "value": Source("release", en="value", zh="值")}
    return TableSpec("release", columns, {"name": str, "value": str}, pk=("name",),
                     label={"zh": "本次发布", "en": "This release"},
                     description={"en": "When and from what this database was built.",
                                  "zh": "本数据库的发布日期与来源。"})


def aggregate_specs() -> list[TableSpec]:
    return [trade_counts_spec(), allocation_totals_spec(), data_quality_spec(),
            check_findings_spec(), codes_spec(), release_spec()]


# Views -----------------------------------------------------------------------------

@dataclass
class ViewSpec:
    name: str
    sql: str
    columns: dict[str, Source]
    label: dict[str, str]
    description: dict[str, str]
    facets: list[str] = field(default_factory=list)


def _same(table: TableSpec, *names: str) -> dict[str, Source]:
    return {n: table.columns[n] for n in names}


def _derived(inputs: tuple[str, ...], en: str, zh: str, unit: str | None = None) -> Source:
    return Source("derived", inputs=inputs, en=en, zh=zh, unit=unit)


def view_specs(tables: dict[str, TableSpec]) -> list[ViewSpec]:
    """The friendly views; ``tables`` are the specs of the tables they read."""
    return [_emissions_view(tables), _compliance_view(tables), *_pledge_views(tables),
            _ccer_view(tables), _a6_view(tables)]


def _emissions_view(t: dict[str, TableSpec]) -> ViewSpec:
    r, u = t["emission_reports"], t["units"]
    columns = {**_same(r, "uscc", "name"), **_same(u, "name_en"), **_same(r, "year"),
               **_same(u, "sector", "sector_zh", "sector_en"),
               **_same(r, "province_code", "province_code_zh", "province_code_en",
                       "industry_code", "industry_code_zh", "industry_code_en",
                       "reported_emissions", "verified_emissions", "withheld", "withheld_zh",
                       "withheld_en", "verifier_name", "uri")}
    sql = ("SELECT r.uscc, r.name, u.name_en, r.year, u.sector, u.sector_zh, u.sector_en, "
           "r.province_code, r.province_code_zh, r.province_code_en, r.industry_code, "
           "r.industry_code_zh, r.industry_code_en, r.reported_emissions, "
           "r.verified_emissions, r.withheld, r.withheld_zh, r.withheld_en, r.verifier_name, "
           "r.uri FROM emission_reports r LEFT JOIN units u ON u.uscc = r.uscc")
    return ViewSpec("emissions_by_unit_year", sql, columns,
                    {"zh": "各单位年度排放", "en": "Emissions by unit and year"},
                    {"en": "Verified emissions of each key emitting unit per year, with its "
                           "sector and province. Empty figures listed in 'withheld' were "
                           "withheld as secrets (涉密), not zero.",
                     "zh": "各重点排放单位逐年核查排放量及其行业、省份。withheld 列出的字段"
                           "为涉密未公开，不是零。"},
                    facets=["year", "sector_zh", "province_code_zh"])


def _compliance_view(t: dict[str, TableSpec]) -> ViewSpec:
    c, u = t["compliance"], t["units"]
    columns = {**_same(u, "province_code", "province_code_zh", "province_code_en"),
               **_same(c, "compliance_year", "status", "status_zh", "status_en"),
               "units": _derived(("compliance.uscc",), "number of units", "单位数"),
               "obligation": _derived(("compliance.obligation",), "total obligation",
                                      "应清缴总量", "t"),
               "surrendered_cea": _derived(("compliance.surrendered_cea",),
                                           "total CEA surrendered", "已清缴配额总量", "t"),
               "surrendered_ccer": _derived(("compliance.surrendered_ccer",),
                                            "total CCER surrendered", "抵销CCER总量", "t")}
    sql = ("SELECT u.province_code, u.province_code_zh, u.province_code_en, c.compliance_year, "
           "c.status, c.status_zh, c.status_en, COUNT(*) AS units, "
           "SUM(c.obligation) AS obligation, SUM(c.surrendered_cea) AS surrendered_cea, "
           "SUM(c.surrendered_ccer) AS surrendered_ccer FROM compliance c "
           "LEFT JOIN units u ON u.uscc = c.uscc GROUP BY u.province_code, c.compliance_year, "
           "c.status ORDER BY c.compliance_year DESC, u.province_code, c.status")
    return ViewSpec("compliance_by_province_year", sql, columns,
                    {"zh": "各省份年度履约情况", "en": "Compliance by province and year"},
                    {"en": "How many units in each province met their obligation each "
                           "compliance year.",
                     "zh": "各省份每个履约年度的履约单位数与清缴量。"},
                    facets=["compliance_year", "status_zh"])


def _pledge_columns(p: TableSpec) -> dict[str, Source]:
    return {"pledges": _derived(("pledge.pledge_id",), "number of pledges", "质押笔数"),
            "quantity": _derived(("pledge.quantity",), "quantity pledged", "质押数量", "t"),
            "released": _derived(("pledge.released_quantity",), "quantity released",
                                 "已解押数量", "t"),
            "enforced": _derived(("pledge.enforced_quantity",), "quantity enforced",
                                 "已处置数量", "t"),
            "outstanding": _derived(("pledge.quantity", "pledge.released_quantity",
                                     "pledge.enforced_quantity"),
                                    "still pledged: pledged − released − enforced",
                                    "仍在质押：质押−解押−处置", "t")}


_PLEDGE_SUMS = ("COUNT(*) AS pledges, SUM(p.quantity) AS quantity, "
                "SUM(p.released_quantity) AS released, SUM(p.enforced_quantity) AS enforced, "
                "SUM(p.quantity - COALESCE(p.released_quantity, 0) "
                "- COALESCE(p.enforced_quantity, 0)) AS outstanding")


def _pledge_views(t: dict[str, TableSpec]) -> list[ViewSpec]:
    p, u = t["pledges"], t["units"]
    year = _derived(("pledge.term_start",), "year the pledge started", "质押起始年度")
    totals = ViewSpec(
        "pledge_totals",
        "SELECT substr(p.term_start, 1, 4) AS year, p.unit, p.unit_zh, p.unit_en, p.status, "
        f"p.status_zh, p.status_en, {_PLEDGE_SUMS} FROM pledges p GROUP BY 1, 2, 5 "
        "ORDER BY 1 DESC, 2, 5",
        {"year": year, **_same(p, "unit", "unit_zh", "unit_en", "status", "status_zh",
                               "status_en"), **_pledge_columns(p)},
        {"zh": "质押汇总", "en": "Pledges in aggregate"},
        {"en": "Pledges of allowances and credits per year, unit and status. Secured "
               "amounts are not public.",
         "zh": "按年度、登记单位类型和状态汇总的配额与CCER质押。担保金额不公开。"},
        facets=["year", "status_zh"])
    by_pledgor = ViewSpec(
        "pledges_by_pledgor",
        "SELECT p.pledgor_uscc, u.name AS pledgor_name, u.name_en AS pledgor_name_en, "
        f"{_PLEDGE_SUMS} FROM pledges p LEFT JOIN units u ON u.uscc = p.pledgor_uscc "
        "GROUP BY p.pledgor_uscc ORDER BY quantity DESC",
        {**_same(p, "pledgor_uscc"), "pledgor_name": u.columns["name"],
         "pledgor_name_en": u.columns["name_en"], **_pledge_columns(p)},
        {"zh": "按出质人统计的质押", "en": "Pledges by pledgor"},
        {"en": "Each pledgor's pledges, quantities pledged, released and outstanding.",
         "zh": "各出质人的质押笔数、质押量、解押量与在押量。"})
    by_pledgee = ViewSpec(
        "pledges_by_pledgee",
        "SELECT p.pledgee_uscc, p.pledgee_name, COUNT(DISTINCT p.pledgor_uscc) AS pledgors, "
        f"{_PLEDGE_SUMS} FROM pledges p GROUP BY p.pledgee_uscc ORDER BY quantity DESC",
        {**_same(p, "pledgee_uscc", "pledgee_name"),
         "pledgors": _derived(("pledge.pledgor_uscc",), "number of pledgors", "出质人数"),
         **_pledge_columns(p)},
        {"zh": "按质权人（银行）统计的质押", "en": "Pledges by pledgee (bank)"},
        {"en": "Pledges held by each pledgee, usually a bank.",
         "zh": "各质权人（通常为银行）持有的质押。"})
    return [totals, by_pledgor, by_pledgee]


def _ccer_view(t: dict[str, TableSpec]) -> ViewSpec:
    p = t["ccer_projects"]
    columns = {**_same(p, "project_id", "project_name", "owner_name", "project_type",
                       "project_type_zh", "project_type_en", "province_code",
                       "province_code_zh", "province_code_en", "status", "status_zh",
                       "status_en"),
               "issued": _derived(("ccer_issuance.quantity",), "credits issued", "已签发", "t"),
               "cancelled": _derived(("ccer_cancellation.quantity",), "credits cancelled",
                                     "已注销", "t"),
               "transferred_a6": _derived(("a6_transfer.quantity",),
                                          "transferred under Article 6", "第六条转让", "tCO2e"),
               "uri": p.columns["uri"]}
    sql = ("SELECT p.project_id, p.project_name, p.owner_name, p.project_type, "
           "p.project_type_zh, p.project_type_en, p.province_code, p.province_code_zh, "
           "p.province_code_en, p.status, p.status_zh, p.status_en, "
           "(SELECT COALESCE(SUM(quantity), 0) FROM ccer_issuances i "
           "WHERE i.project_id = p.project_id) AS issued, "
           "(SELECT COALESCE(SUM(quantity), 0) FROM ccer_cancellations c "
           "WHERE c.project_id = p.project_id) AS cancelled, "
           "(SELECT COALESCE(SUM(quantity), 0) FROM a6_transfers a "
           "WHERE a.project_id = p.project_id) AS transferred_a6, p.uri FROM ccer_projects p")
    return ViewSpec("ccer_credits_by_project", sql, columns,
                    {"zh": "CCER项目减排量", "en": "CCER credits by project"},
                    {"en": "Each CCER project with the credits issued, cancelled and "
                           "transferred under Article 6.",
                     "zh": "各CCER项目的签发、注销及第六条转让量。"},
                    facets=["status_zh", "project_type_zh"])


def _a6_view(t: dict[str, TableSpec]) -> ViewSpec:
    a = t["a6_transfers"]
    columns = {**_same(a, "acquiring_party", "acquiring_party_zh", "acquiring_party_en",
                       "vintage"),
               "transfers": _derived(("a6_transfer.serial_start",), "number of transfers",
                                     "转让笔数"),
               "quantity": _derived(("a6_transfer.quantity",), "quantity transferred",
                                    "转让数量", "tCO2e"),
               "first_transfers": _derived(("a6_transfer.first",), "of which first transfers",
                                           "其中首次转让笔数")}
    sql = ("SELECT acquiring_party, acquiring_party_zh, acquiring_party_en, vintage, "
           "COUNT(*) AS transfers, SUM(quantity) AS quantity, SUM(first) AS first_transfers "
           "FROM a6_transfers GROUP BY 1, 4 ORDER BY 1, 4")
    return ViewSpec("a6_transfers_by_party", sql, columns,
                    {"zh": "按获取缔约方统计的第六条转让", "en": "Article 6 transfers by party"},
                    {"en": "Internationally transferred mitigation outcomes per acquiring "
                           "Party and vintage.",
                     "zh": "按获取缔约方和年份统计的国际转让减缓成果。"})
