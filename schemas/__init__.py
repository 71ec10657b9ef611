"""The contract: one marshmallow schema per disclosure kind, code lists, field metadata.

This package imports nothing else of the project. Everything downstream (the store,
the API, feeds, ``public.db``, RDF) reads field tiers, units and labels from here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .base import DisclosureSchema, RecordValidator, Validation
from .codelists import CodeList, all_codelists, codelist
from .exchange import MarketDaySchema, TradeSchema
from .fields import TIERS, WITHHELD
from .issues import Issue
from .platform import ComplianceSchema, EmissionReportSchema, EntitySchema, KeyParameterSchema
from .registry import (
    A6AuthorizationSchema,
    A6TransferSchema,
    AllocationSchema,
    CancellationSchema,
    CcerCancellationSchema,
    CcerIssuanceSchema,
    CcerProjectSchema,
    PledgeEventSchema,
    PledgeSchema,
    SurrenderSchema,
)

_SCHEMAS: tuple[type[DisclosureSchema], ...] = (
    EntitySchema, EmissionReportSchema, KeyParameterSchema, AllocationSchema, SurrenderSchema,
    ComplianceSchema, TradeSchema, MarketDaySchema, PledgeSchema, PledgeEventSchema,
    CancellationSchema, CcerProjectSchema, CcerIssuanceSchema, CcerCancellationSchema,
    A6AuthorizationSchema, A6TransferSchema,
)

KINDS: dict[str, type[DisclosureSchema]] = {s.kind: s for s in _SCHEMAS}


@cache
def validator(kind: str) -> RecordValidator:
    """The (reusable) validator for one kind; KeyError for an unknown kind."""
    return RecordValidator(KINDS[kind])


def validate(kind: str, data: dict[str, Any]) -> Validation:
    """Validate one raw record of a kind and return the report."""
    return validator(kind).validate(data)


TIER_RANK = {tier: rank for rank, tier in enumerate(TIERS)}


def field_specs(kind: str) -> list[dict[str, Any]]:
    """Every field of a kind with its tier, unit, labels and code list, in order."""
    schema = KINDS[kind]()
    return [{"name": name, "tier": f.metadata.get("tier", "public"),
             "unit": f.metadata.get("unit"), "label": f.metadata.get("label", {}),
             "codelist": f.metadata.get("codelist"), "type": type(f).__name__}
            for name, f in schema.fields.items()]


def visible_fields(kind: str, tier: str) -> list[str]:
    """The names of a kind's fields that a caller of ``tier`` may see."""
    rank = TIER_RANK[tier]
    return [f["name"] for f in field_specs(kind) if TIER_RANK[f["tier"]] <= rank]


__all__ = [
    "KINDS", "TIERS", "TIER_RANK", "WITHHELD", "CodeList", "DisclosureSchema", "Issue",
    "Validation", "all_codelists", "codelist", "field_specs", "validate", "validator",
    "visible_fields",
]
