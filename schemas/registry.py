"""Disclosures read from the registry event feed and CCER project list."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate, validates_schema

from .base import DisclosureSchema
from .fields import (
    Code,
    CodeListText,
    LocalDateTime,
    Money,
    OptionalText,
    Quantity,
    StrictDate,
    Uscc,
    Year,
    meta,
)
from .issues import typed_error

PARTNER = "partner"


class RegistryEventSchema(DisclosureSchema):
    """Fields every registry event carries."""

    registry_seq = Quantity(required=True, data_key="seq",
                            metadata=meta("登记事件序号", "Registry event sequence number"))
    event_time = LocalDateTime(required=True, data_key="time",
                               metadata=meta("事件时间", "Event time"))
    event_type = fields.String(required=True, data_key="type",
                               metadata=meta("事件类型", "Event type"))


class AllocationSchema(RegistryEventSchema):
    kind = "allocation"
    key_fields = ("uscc", "vintage", "stage")
    label = {"zh": "配额分配", "en": "Allowance allocation"}
    source = "registry /events ALLOCATION"

    uscc = Uscc(required=True, data_key="Uscc", metadata=meta("统一社会信用代码", "USCC", PARTNER))
    vintage = Code("registry_unit", required=True, data_key="Vintage",
                   metadata=meta("配额年度", "Vintage", PARTNER))
    quantity = Quantity(required=True, data_key="Quantity",
                        metadata=meta("数量", "Quantity", PARTNER, unit="t"))
    stage = Code("allocation_stage", required=True, data_key="Stage",
                 metadata=meta("分配阶段", "Stage", PARTNER))


class SurrenderSchema(RegistryEventSchema):
    kind = "surrender"
    key_fields = ("registry_seq",)
    label = {"zh": "清缴", "en": "Surrender"}
    source = "registry /events SURRENDER"

    uscc = Uscc(required=True, data_key="Uscc", metadata=meta("统一社会信用代码", "USCC"))
    compliance_year = Year(required=True, data_key="ComplianceYear",
                           metadata=meta("履约年度", "Compliance year"))
    unit = Code("registry_unit", required=True, data_key="Unit",
                metadata=meta("清缴单位类型", "Unit surrendered"))
    quantity = Quantity(required=True, data_key="Quantity",
                        metadata=meta("数量", "Quantity", unit="t"))


class PledgeSchema(RegistryEventSchema):
    """A pledge of allowances or credits (质押登记); its state follows release events."""

    kind = "pledge"
    key_fields = ("pledge_id",)
    label = {"zh": "质押", "en": "Pledge"}
    source = "registry /events PLEDGE_REGISTERED (+ PLEDGE_RELEASED / PLEDGE_ENFORCED)"

    pledge_id = fields.String(required=True, data_key="PledgeId",
                              metadata=meta("质押编号", "Pledge id"))
    pledgor_uscc = Uscc(required=True, data_key="PledgorUscc",
                        metadata=meta("出质人统一社会信用代码", "Pledgor USCC"))
    pledgee_uscc = Uscc(required=True, data_key="PledgeeUscc",
                        metadata=meta("质权人统一社会信用代码", "Pledgee USCC"))
    pledgee_name = fields.String(required=True, data_key="PledgeeName",
                                 metadata=meta("质权人名称", "Pledgee name"))
    unit = Code("registry_unit", required=True, data_key="Unit",
                metadata=meta("质押单位类型", "Unit pledged"))
    quantity = Quantity(required=True, data_key="Quantity",
                        metadata=meta("质押数量", "Quantity pledged", unit="t"))
    secured_amount = Money(required=True, data_key="SecuredAmount",
                           metadata=meta("担保金额", "Secured amount", PARTNER, unit="CNY"))
    secured_currency = fields.String(load_default="CNY", data_key="SecuredAmount@currency",
                                     validate=validate.OneOf(["CNY"]),
                                     metadata=meta("币种", "Currency", PARTNER))
    term_start = StrictDate(required=True, data_key="TermStart",
                            metadata=meta("质押起始日", "Term start"))
    term_end = StrictDate(required=True, data_key="TermEnd",
                          metadata=meta("质押到期日", "Term end"))
    # Derived by the pipeline from release and enforcement events, never sent by the source.
    status = fields.String(dump_only=True, metadata=meta("质押状态", "Status", codelist="pledge_status"))
    released_quantity = fields.Integer(dump_only=True,
                                       metadata=meta("已解押数量", "Released", unit="t"))
    enforced_quantity = fields.Integer(dump_only=True,
                                       metadata=meta("已处置数量", "Enforced", unit="t"))

    @validates_schema
    def _term_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["term_end"] < data["term_start"]:
            raise typed_error("invalid-period", "TermEnd is before TermStart",
                              "质押到期日早于起始日")


class PledgeEventSchema(RegistryEventSchema):
    """A release (解押) or enforcement (处置) of part or all of a pledge."""

    kind = "pledge_event"
    key_fields = ("registry_seq",)
    label = {"zh": "质押解除与处置", "en": "Pledge release or enforcement"}
    source = "registry /events PLEDGE_RELEASED, PLEDGE_ENFORCED"

    pledge_id = fields.String(required=True, data_key="PledgeId",
                              metadata=meta("质押编号", "Pledge id"))
    quantity = Quantity(required=True, data_key="Quantity",
                        metadata=meta("数量", "Quantity", unit="t"))

    @validates_schema
    def _known_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["event_type"] not in ("PLEDGE_RELEASED", "PLEDGE_ENFORCED"):
            raise typed_error("invalid-value", f"{data['event_type']} is not a pledge event",
                              f"{data['event_type']} 不是质押事件")


class CancellationSchema(RegistryEventSchema):
    """A voluntary cancellation of allowances (自愿注销), public by rule."""

    kind = "cancellation"
    key_fields = ("registry_seq",)
    label = {"zh": "配额自愿注销", "en": "Voluntary cancellation of allowances"}
    source = "registry /events CANCELLATION"

    uscc = Uscc(required=True, data_key="Uscc", metadata=meta("统一社会信用代码", "USCC"))
    unit = Code("registry_unit", required=True, data_key="Unit",
                metadata=meta("注销单位类型", "Unit cancelled"))
    quantity = Quantity(required=True, data_key="Quantity",
                        metadata=meta("数量", "Quantity", unit="t"))
    purpose = Code("cancellation_purpose", required=True, data_key="Purpose",
                   metadata=meta("注销用途", "Purpose"))


class SerialBlockMixin:
    """A block of serial numbers, inclusive at both ends."""

    @validates_schema
    def _block_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["serial_end"] < data["serial_start"]:
            raise typed_error("invalid-serial-block", "SerialEnd is below SerialStart",
                              "结束序列号小于起始序列号")

    @post_load
    def _quantity(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["quantity"] = data["serial_end"] - data["serial_start"] + 1
        return data


def _serial(zh: str, en: str, key: str) -> Quantity:
    return Quantity(required=True, data_key=key, metadata=meta(zh, en))


class CcerIssuanceSchema(SerialBlockMixin, RegistryEventSchema):
    kind = "ccer_issuance"
    key_fields = ("project_id", "serial_start", "serial_end")
    label = {"zh": "CCER签发", "en": "CCER issuance"}
    source = "registry /events CCER_ISSUANCE"

    project_id = fields.String(required=True, data_key="ProjectId",
                               metadata=meta("项目编号", "Project id"))
    vintage = Year(required=True, data_key="Vintage", metadata=meta("减排量年份", "Vintage"))
    serial_start = _serial("起始序列号", "First serial", "SerialStart")
    serial_end = _serial("结束序列号", "Last serial", "SerialEnd")
    quantity = fields.Integer(dump_only=True, metadata=meta("数量", "Quantity", unit="t"))


class CcerCancellationSchema(SerialBlockMixin, RegistryEventSchema):
    kind = "ccer_cancellation"
    key_fields = ("project_id", "serial_start", "serial_end")
    label = {"zh": "CCER注销", "en": "CCER cancellation"}
    source = "registry /events CCER_CANCELLATION"

    project_id = fields.String(required=True, data_key="ProjectId",
                               metadata=meta("项目编号", "Project id"))
    serial_start = _serial("起始序列号", "First serial", "SerialStart")
    serial_end = _serial("结束序列号", "Last serial", "SerialEnd")
    holder_uscc = Uscc(required=True, data_key="Holder",
                       metadata=meta("持有人统一社会信用代码", "Holder USCC"))
    purpose = Code("cancellation_purpose", required=True, data_key="Purpose",
                   metadata=meta("注销用途", "Purpose"))
    beneficiary = OptionalText(data_key="Beneficiary", metadata=meta("受益方", "Beneficiary"))
    quantity = fields.Integer(dump_only=True, metadata=meta("数量", "Quantity", unit="t"))


class A6AuthorizationSchema(RegistryEventSchema):
    kind = "a6_authorization"
    key_fields = ("authorization_id",)
    label = {"zh": "第六条授权", "en": "Article 6 authorization"}
    source = "registry /events A6_AUTHORIZATION"

    authorization_id = fields.String(required=True, data_key="AuthorizationId",
                                     metadata=meta("授权编号", "Authorization id"))
    cooperative_approach_id = fields.String(
        required=True, data_key="CooperativeApproachId", validate=validate.Regexp(r"^CA\d{4}$"),
        metadata=meta("合作方法编号", "Cooperative approach id"))
    authorized_parties = CodeListText("party", required=True, data_key="AuthorizedParties",
                                      metadata=meta("授权缔约方", "Authorized parties"))
    purposes = Code("a6_purpose", required=True, data_key="Purposes",
                    metadata=meta("授权用途", "Authorized use"))
    first_transfer_definition = Code("a6_first_transfer", required=True,
                                     data_key="FirstTransferDefinition",
                                     metadata=meta("首次转让定义", "First transfer definition"))
    project_id = fields.String(required=True, data_key="ProjectId",
                               metadata=meta("项目编号", "Project id"))
    max_quantity = Quantity(required=True, data_key="MaxQuantity",
                            metadata=meta("授权最大数量", "Maximum quantity", unit="tCO2e"))
    version = Quantity(required=True, data_key="Version", metadata=meta("版本", "Version"))


class A6TransferSchema(SerialBlockMixin, RegistryEventSchema):
    kind = "a6_transfer"
    key_fields = ("project_id", "serial_start", "serial_end")
    label = {"zh": "第六条转让", "en": "Article 6 transfer"}
    source = "registry /events A6_TRANSFER"

    authorization_id = fields.String(required=True, data_key="AuthorizationId",
                                     metadata=meta("授权编号", "Authorization id"))
    project_id = fields.String(required=True, data_key="ProjectId",
                               metadata=meta("项目编号", "Project id"))
    vintage = Year(required=True, data_key="Vintage", metadata=meta("年份", "Vintage"))
    serial_start = _serial("起始序列号", "First serial", "SerialStart")
    serial_end = _serial("结束序列号", "Last serial", "SerialEnd")
    acquiring_party = Code("party", required=True, data_key="AcquiringParty",
                           metadata=meta("获取缔约方", "Acquiring party"))
    first = fields.Boolean(required=True, data_key="First",
                           metadata=meta("是否首次转让", "First transfer"))
    quantity = fields.Integer(dump_only=True, metadata=meta("数量", "Quantity", unit="tCO2e"))


class CcerProjectSchema(DisclosureSchema):
    kind = "ccer_project"
    key_fields = ("project_id",)
    label = {"zh": "CCER项目", "en": "CCER project"}
    source = "registry /ccer/projects"

    project_id = fields.String(required=True, data_key="projectId",
                               metadata=meta("项目编号", "Project id"))
    project_name = fields.String(required=True, data_key="projectName",
                                 metadata=meta("项目名称", "Project name"))
    owner_uscc = Uscc(required=True, data_key="ownerUscc",
                      metadata=meta("业主统一社会信用代码", "Owner USCC"))
    owner_name = fields.String(required=True, data_key="ownerName",
                               metadata=meta("项目业主", "Owner"))
    project_type = Code("ccer_project_type", required=True, data_key="projectType",
                        metadata=meta("项目类型", "Project type"))
    methodology = Code("ccer_methodology", required=True, data_key="methodologyNum",
                       metadata=meta("方法学", "Methodology"))
    province_code = Code("province", required=True, data_key="provinceCode",
                         metadata=meta("省份代码", "Province code"))
    expected_annual_reductions = Quantity(
        required=True, data_key="expectYearNum",
        metadata=meta("预计年减排量", "Expected annual reductions", unit="tCO2e/yr"))
    status = Code("ccer_status", required=True, metadata=meta("项目状态", "Status"))
    validation_body_uscc = Uscc(required=True, data_key="validationBody",
                                metadata=meta("审定机构统一社会信用代码", "Validation body USCC"))
    crediting_start = StrictDate(required=True, data_key="creditingStart",
                                 metadata=meta("计入期开始", "Crediting period start"))
    crediting_end = StrictDate(required=True, data_key="creditingEnd",
                               metadata=meta("计入期结束", "Crediting period end"))
    updated_at = LocalDateTime(required=True, data_key="updatedAt",
                               metadata=meta("更新时间", "Updated at"))
