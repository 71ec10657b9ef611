"""Field → predicate tables, one per disclosure kind (the ckanext-dcat style).

Each row is ``(field, predicate, convert)``: the record field (snake_case, as in the
store's canonical JSON), the predicate as a CURIE, and how the value becomes RDF
(see :mod:`mappings.rdf.values`). Every field of every schema has exactly one row; a
test checks that. Which rows are used depends on the caller's tier: fields above it
are dropped before any row is looked at.
"""

from __future__ import annotations

from typing import NamedTuple


class Row(NamedTuple):
    field: str
    predicate: str
    convert: str           # a converter name in values.CONVERTERS
    target: str = ""       # for "ref": the kind referred to


_EVENT = (Row("registry_seq", "cm:registrySequence", "integer"),
          Row("event_time", "cm:eventTime", "datetime"),
          Row("event_type", "cm:eventType", "text"))

_BLOCK = (Row("serial_start", "cm:serialStart", "integer"),
          Row("serial_end", "cm:serialEnd", "integer"),
          Row("quantity", "cm:quantity", "decimal"))

_PROJECT_REF = Row("project_id", "cm:project", "ref", "ccer_project")

TABLES: dict[str, tuple[Row, ...]] = {
    "entity": (
        Row("list_year", "cm:listYear", "gyear"),
        Row("uscc", "cm:emitter", "org"),
        Row("name", "cm:unitName", "zh"),
        Row("name_en", "cm:unitName", "en"),
        Row("province_code", "cm:province", "code"),
        Row("industry_code", "cm:industry", "code"),
        Row("sector", "cm:sector", "code"),
        Row("facilities", "cm:facility", "facilities"),
    ),
    "emission_report": (
        Row("uscc", "cm:emitter", "org"),
        Row("name", "cm:unitName", "zh"),
        Row("province_code", "cm:province", "code"),
        Row("industry_code", "cm:industry", "code"),
        Row("year", "cm:reportingYear", "gyear"),
        Row("reported_emissions", "cm:reportedEmissions", "decimal"),
        Row("verified_emissions", "cm:verifiedEmissions", "decimal"),
        Row("verifier_name", "cm:verifierName", "zh"),
        Row("verifier_uscc", "cm:verifier", "org"),
        Row("electricity_supplied", "cm:electricitySupplied", "decimal"),
        Row("heat_supplied", "cm:heatSupplied", "decimal"),
        Row("output_quantity", "cm:outputQuantity", "decimal"),
        Row("output_unit", "cm:outputUnit", "text"),
        Row("published_on", "dct:issued", "date"),
        Row("withheld", "cm:withheldField", "text"),
    ),
    "key_parameter": (
        Row("id", "dct:identifier", "text"),
        Row("uscc", "cm:emitter", "org"),
        Row("facility_id", "cm:facilityId", "text"),
        Row("month", "cm:month", "gyearmonth"),
        Row("parameter", "cm:keyParameter", "code"),
        Row("value", "cm:parameterValue", "decimal"),
        Row("unit", "cm:unitText", "text"),
        Row("method", "cm:acquisitionMethod", "code"),
        Row("lab_report_no", "cm:labReportNumber", "text"),
        Row("evidence_sha256", "cm:evidenceSha256", "text"),
        Row("deposited_at", "cm:depositedAt", "datetime"),
    ),
    "allocation": (
        *_EVENT,
        Row("uscc", "cm:emitter", "org"),
        Row("vintage", "cm:unitType", "code"),
        Row("quantity", "cm:quantity", "decimal"),
        Row("stage", "cm:allocationStage", "code"),
    ),
    "surrender": (
        *_EVENT,
        Row("uscc", "cm:emitter", "org"),
        Row("compliance_year", "cm:complianceYear", "gyear"),
        Row("unit", "cm:unitType", "code"),
        Row("quantity", "cm:quantity", "decimal"),
    ),
    "compliance": (
        Row("uscc", "cm:emitter", "org"),
        Row("compliance_year", "cm:complianceYear", "gyear"),
        Row("obligation", "cm:obligation", "decimal"),
        Row("surrendered_cea", "cm:allowancesSurrendered", "decimal"),
        Row("surrendered_ccer", "cm:offsetsSurrendered", "decimal"),
        Row("status", "cm:complianceStatus", "code"),
        Row("deadline", "cm:deadline", "date"),
        Row("published_on", "dct:issued", "date"),
    ),
    "trade": (
        Row("trade_id", "dct:identifier", "text"),
        Row("trade_date", "cm:tradeDate", "date"),
        Row("trade_time", "cm:tradeTime", "time"),
        Row("subject_code", "cm:product", "code"),
        Row("trade_method", "cm:tradingMethod", "code"),
        Row("price", "cm:unitPrice", "decimal"),
        Row("quantity", "cm:quantity", "decimal"),
        Row("amount", "cm:turnover", "decimal"),
        Row("buy_account", "cm:buyerAccount", "text"),
        Row("sell_account", "cm:sellerAccount", "text"),
        Row("buy_uscc", "cm:buyer", "org"),
        Row("sell_uscc", "cm:seller", "org"),
    ),
    "market_day": (
        Row("trade_date", "cm:tradeDate", "date"),
        Row("subject_code", "cm:product", "code"),
        Row("open", "cm:openPrice", "decimal"),
        Row("high", "cm:highPrice", "decimal"),
        Row("low", "cm:lowPrice", "decimal"),
        Row("close", "cm:closePrice", "decimal"),
        Row("prev_close", "cm:previousClosePrice", "decimal"),
        Row("change_pct", "cm:changePercent", "decimal"),
        Row("volume", "cm:volume", "decimal"),
        Row("amount", "cm:turnover", "decimal"),
        Row("methods", "cm:methodTotal", "methods"),
    ),
    "pledge": (
        *_EVENT,
        Row("pledge_id", "dct:identifier", "text"),
        Row("pledgor_uscc", "cm:pledgor", "org"),
        Row("pledgee_uscc", "cm:pledgee", "org"),
        Row("pledgee_name", "cm:pledgeeName", "zh"),
        Row("unit", "cm:unitType", "code"),
        Row("quantity", "cm:quantity", "decimal"),
        Row("secured_amount", "cm:securedAmount", "decimal"),
        Row("secured_currency", "cm:currency", "text"),
        Row("term_start", "cm:termStart", "date"),
        Row("term_end", "cm:termEnd", "date"),
        Row("status", "cm:pledgeStatus", "code"),
        Row("released_quantity", "cm:releasedQuantity", "decimal"),
        Row("enforced_quantity", "cm:enforcedQuantity", "decimal"),
    ),
    "pledge_event": (
        *_EVENT,
        Row("pledge_id", "cm:pledge", "ref", "pledge"),
        Row("quantity", "cm:quantity", "decimal"),
    ),
    "cancellation": (
        *_EVENT,
        Row("uscc", "cm:emitter", "org"),
        Row("unit", "cm:unitType", "code"),
        Row("quantity", "cm:quantity", "decimal"),
        Row("purpose", "cm:cancellationPurpose", "code"),
    ),
    "ccer_project": (
        Row("project_id", "dct:identifier", "text"),
        Row("project_name", "cm:projectName", "zh"),
        Row("owner_uscc", "cm:projectOwner", "org"),
        Row("owner_name", "cm:ownerName", "zh"),
        Row("project_type", "cm:projectType", "code"),
        Row("methodology", "cm:methodology", "code"),
        Row("province_code", "cm:province", "code"),
        Row("expected_annual_reductions", "cm:expectedAnnualReductions", "decimal"),
        Row("status", "cm:projectStatus", "code"),
        Row("validation_body_uscc", "cm:validationBody", "org"),
        Row("crediting_start", "cm:creditingStart", "date"),
        Row("crediting_end", "cm:creditingEnd", "date"),
        Row("updated_at", "dct:modified", "datetime"),
    ),
    "ccer_issuance": (
        *_EVENT,
        _PROJECT_REF,
        Row("vintage", "cm:vintageYear", "gyear"),
        *_BLOCK,
    ),
    "ccer_cancellation": (
        *_EVENT,
        _PROJECT_REF,
        *_BLOCK,
        Row("holder_uscc", "cm:holder", "org"),
        Row("purpose", "cm:cancellationPurpose", "code"),
        Row("beneficiary", "cm:beneficiary", "zh"),
    ),
    "a6_authorization": (
        *_EVENT,
        Row("authorization_id", "dct:identifier", "text"),
        Row("cooperative_approach_id", "cm:cooperativeApproach", "text"),
        Row("authorized_parties", "cm:authorizedParty", "code"),
        Row("purposes", "cm:authorizedUse", "code"),
        Row("first_transfer_definition", "cm:firstTransferDefinition", "code"),
        _PROJECT_REF,
        Row("max_quantity", "cm:maxQuantity", "decimal"),
        Row("version", "cm:authorizationVersion", "integer"),
    ),
    "a6_transfer": (
        *_EVENT,
        Row("authorization_id", "cm:authorization", "ref", "a6_authorization"),
        _PROJECT_REF,
        Row("vintage", "cm:vintageYear", "gyear"),
        *_BLOCK,
        Row("acquiring_party", "cm:acquiringParty", "code"),
        Row("first", "cm:firstTransfer", "boolean"),
    ),
}

# The classes of each kind's records (CURIEs); cube kinds add qb:Observation themselves.
CLASSES: dict[str, tuple[str, ...]] = {
    "entity": ("cm:Listing",),
    "emission_report": ("cm:EmissionReport",),
    "key_parameter": ("cm:KeyParameterDeposit",),
    "allocation": ("cm:Allocation",),
    "surrender": ("cm:Surrender",),
    "compliance": ("cm:ComplianceRecord",),
    "trade": ("cm:Trade",),
    "market_day": ("cm:MarketDay",),
    "pledge": ("cm:Pledge",),
    "pledge_event": ("cm:PledgeEvent",),
    "cancellation": ("cm:Cancellation",),
    "ccer_project": ("cm:MitigationProject",),
    "ccer_issuance": ("cm:CreditIssuance", "cm:CreditBlock"),
    "ccer_cancellation": ("cm:CreditCancellation", "cm:CreditBlock"),
    "a6_authorization": ("cm:Article6Authorization",),
    "a6_transfer": ("cm:Article6Transfer", "cm:CreditBlock"),
}

# The field whose first four characters name a record's dataset period (a year).
PERIOD_FIELDS: dict[str, str] = {
    "entity": "list_year", "emission_report": "year", "key_parameter": "month",
    "allocation": "event_time", "surrender": "compliance_year",
    "compliance": "compliance_year", "trade": "trade_date", "market_day": "trade_date",
    "pledge": "event_time", "pledge_event": "event_time", "cancellation": "event_time",
    "ccer_project": "crediting_start", "ccer_issuance": "vintage",
    "ccer_cancellation": "event_time", "a6_authorization": "event_time",
    "a6_transfer": "vintage",
}

# Fields of nested objects (facilities of a unit, per-method totals of a market day).
FACILITY_ROWS = (
    Row("facility_id", "dct:identifier", "text"),
    Row("kind", "cm:facilityKind", "code"),
    Row("capacity", "cm:capacity", "decimal"),
    Row("capacity_unit", "cm:capacityUnit", "text"),
)
METHOD_ROWS = (
    Row("trade_method", "cm:tradingMethod", "code"),
    Row("volume", "cm:volume", "decimal"),
    Row("amount", "cm:turnover", "decimal"),
)
NESTED_SCHEMES = {("facilities", "kind"): "facility_kind",
                  ("methods", "trade_method"): "trade_method"}


def period_of(kind: str, record: dict) -> str | None:
    """The dataset period (a year, ``YYYY``) of a record, or None if it has none."""
    value = record.get(PERIOD_FIELDS[kind])
    return None if value is None else str(value)[:4]
