"""Disclosures read from the management platform (全国碳市场管理平台)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .base import DisclosureSchema
from .fields import (
    Code,
    DecimalValue,
    LocalDateTime,
    OptionalText,
    Quantity,
    StrictDate,
    Uscc,
    Withholdable,
    Year,
    YearMonth,
    meta,
)


class FacilitySchema(Schema):
    facility_id = fields.String(required=True, data_key="facilityId",
                                metadata=meta("设施编号", "Facility id"))
    kind = Code("facility_kind", required=True, metadata=meta("设施类型", "Facility kind"))
    capacity = DecimalValue(required=True, metadata=meta("装机容量/产能", "Capacity"))
    capacity_unit = fields.String(required=True, data_key="capacityUnit",
                                  metadata=meta("容量单位", "Capacity unit"))


class EntitySchema(DisclosureSchema):
    """A key emitting unit as listed for one year (重点排放单位名录)."""

    kind = "entity"
    key_fields = ("uscc", "list_year")
    label = {"zh": "重点排放单位", "en": "Key emitting unit"}
    source = "platform /units?year="

    list_year = Year(required=True, data_key="listYear", metadata=meta("名录年度", "List year"))
    uscc = Uscc(required=True, metadata=meta("统一社会信用代码", "Unified social credit code"))
    name = fields.String(required=True, metadata=meta("单位名称", "Name (Chinese)"))
    name_en = OptionalText(data_key="nameEn", metadata=meta("英文名称", "Name (English)"))
    province_code = Code("province", required=True, data_key="provinceCode",
                         metadata=meta("省份代码", "Province code (GB/T 2260)"))
    industry_code = Code("industry", required=True, data_key="industryCode",
                         metadata=meta("行业代码", "Industry code (GB/T 4754)"))
    sector = Code("sector", required=True, metadata=meta("行业", "Sector"))
    facilities = fields.List(fields.Nested(FacilitySchema), load_default=list,
                             metadata=meta("排放设施", "Facilities"))


def _amount(zh: str, en: str, header: str, unit: str = "tCO2e") -> Withholdable:
    return Withholdable(Quantity(), data_key=header, load_default=None, allow_none=True,
                        metadata=meta(zh, en, unit=unit))


class EmissionReportSchema(DisclosureSchema):
    """A unit's annual emission report with its verification result (年度排放报告)."""

    kind = "emission_report"
    key_fields = ("uscc", "year")
    label = {"zh": "年度排放报告", "en": "Annual emission report"}
    source = "platform /reports/{year}.csv (GB18030)"

    uscc = Uscc(required=True, data_key="统一社会信用代码",
                metadata=meta("统一社会信用代码", "Unified social credit code"))
    name = fields.String(required=True, data_key="单位名称", metadata=meta("单位名称", "Name"))
    province_code = Code("province", required=True, data_key="省份代码",
                         metadata=meta("省份代码", "Province code"))
    industry_code = Code("industry", required=True, data_key="行业代码",
                         metadata=meta("行业代码", "Industry code"))
    year = Year(required=True, data_key="核算年度", metadata=meta("核算年度", "Reporting year"))
    reported_emissions = _amount("排放量", "Reported emissions", "排放量(tCO2e)")
    verified_emissions = _amount("核查排放量", "Verified emissions", "核查排放量(tCO2e)")
    verifier_name = OptionalText(data_key="核查机构", metadata=meta("核查机构", "Verification body"))
    verifier_uscc = Withholdable(Uscc(), data_key="核查机构统一社会信用代码", load_default=None,
                                 allow_none=True,
                                 metadata=meta("核查机构统一社会信用代码", "Verifier USCC"))
    electricity_supplied = Withholdable(DecimalValue(), data_key="供电量(MWh)",
                                        load_default=None, allow_none=True,
                                        metadata=meta("供电量", "Electricity supplied", unit="MWh"))
    heat_supplied = Withholdable(DecimalValue(), data_key="供热量(GJ)", load_default=None,
                                 allow_none=True, metadata=meta("供热量", "Heat supplied", unit="GJ"))
    output_quantity = Withholdable(DecimalValue(), data_key="产品产量", load_default=None,
                                   allow_none=True, metadata=meta("产品产量", "Product output"))
    output_unit = OptionalText(data_key="产品产量单位", metadata=meta("产品产量单位", "Output unit"))
    published_on = Withholdable(StrictDate(), data_key="公开日期", load_default=None,
                                allow_none=True, metadata=meta("公开日期", "Published on"))
    withheld = fields.List(fields.String(), dump_only=True,
                           metadata=meta("涉密未公开字段", "Fields withheld as secrets"))


class ComplianceSchema(DisclosureSchema):
    """A unit's compliance for one year (清缴履约情况)."""

    kind = "compliance"
    key_fields = ("uscc", "compliance_year")
    label = {"zh": "履约情况", "en": "Compliance"}
    source = "platform /compliance?year="

    uscc = Uscc(required=True, metadata=meta("统一社会信用代码", "Unified social credit code"))
    compliance_year = Year(required=True, data_key="complianceYear",
                           metadata=meta("履约年度", "Compliance year"))
    obligation = Quantity(required=True, metadata=meta("应清缴量", "Obligation", unit="t"))
    surrendered_cea = Quantity(required=True, data_key="surrenderedCea",
                               metadata=meta("已清缴配额", "CEA surrendered", unit="t"))
    surrendered_ccer = Quantity(required=True, data_key="surrenderedCcer",
                                metadata=meta("抵销CCER", "CCER surrendered", unit="t"))
    status = Code("compliance_status", required=True, metadata=meta("履约状态", "Status"))
    deadline = StrictDate(required=True, metadata=meta("履约截止日期", "Deadline"))
    published_on = StrictDate(required=True, data_key="publishedOn",
                              metadata=meta("公布日期", "Published on"))


AGENCY = "agency"


class KeyParameterSchema(DisclosureSchema):
    """A monthly key-parameter deposit (月度信息化存证); never public."""

    kind = "key_parameter"
    key_fields = ("id",)
    label = {"zh": "月度关键参数存证", "en": "Monthly key-parameter deposit"}
    source = "platform /parameters?month="

    id = fields.String(required=True, metadata=meta("存证编号", "Deposit id", AGENCY))
    uscc = Uscc(required=True, metadata=meta("统一社会信用代码", "USCC", AGENCY))
    facility_id = fields.String(required=True, data_key="facilityId",
                                metadata=meta("设施编号", "Facility id", AGENCY))
    month = YearMonth(required=True, metadata=meta("月份", "Month", AGENCY))
    parameter = Code("key_parameter", required=True, metadata=meta("参数", "Parameter", AGENCY))
    value = DecimalValue(required=True, signed=True, metadata=meta("数值", "Value", AGENCY))
    unit = fields.String(required=True, metadata=meta("单位", "Unit", AGENCY))
    method = Code("parameter_method", required=True,
                  metadata=meta("获取方式", "Acquisition method", AGENCY))
    lab_report_no = OptionalText(data_key="labReportNo",
                                 metadata=meta("检测报告编号", "Lab report number", AGENCY))
    evidence_sha256 = fields.String(required=True, data_key="evidenceSha256",
                                    metadata=meta("证据哈希", "Evidence SHA-256", AGENCY))
    deposited_at = LocalDateTime(required=True, data_key="depositedAt",
                                 metadata=meta("存证时间", "Deposited at", AGENCY))
