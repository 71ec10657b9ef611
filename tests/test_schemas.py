"""Schemas: every kind loads its sample; bad input gives typed, bilingual issues."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import schemas
from schemas.normalize import number_text, to_halfwidth
from schemas.uscc import ALPHABET, check_character, has_valid_check

from .samples import KINDS, raw


def test_every_kind_has_a_sample_and_a_schema():
    assert set(KINDS) == set(schemas.KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_sample_loads_with_a_natural_key(kind):
    result = schemas.validate(kind, raw(kind))
    assert result.ok, result.errors
    assert result.key and "None" not in result.key
    assert result.warnings == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_declares_tier_unit_and_bilingual_labels(kind):
    for spec in schemas.field_specs(kind):
        assert spec["tier"] in schemas.TIERS, spec
        assert spec["label"].get("zh") and spec["label"].get("en"), spec
        assert any("\u4e00" <= ch <= "\u9fff" for ch in spec["label"]["zh"]), spec


@pytest.mark.parametrize("code", ["91420100MA4K00010R", "91110000100000008J",
                                  "914403001922038216"])
def test_uscc_vectors_from_the_spec_pass(code):
    assert has_valid_check(code)


def test_wrong_check_character_is_kept_with_a_warning():
    result = schemas.validate("compliance", raw("compliance", uscc="91420100MA4K00010X"))
    assert result.ok
    assert [w.type for w in result.warnings] == ["uscc-check-character"]
    assert result.record["uscc"] == "91420100MA4K00010X"


def test_malformed_uscc_is_an_error_in_both_languages():
    result = schemas.validate("compliance", raw("compliance", uscc="9142010OMA4K00010R"))
    assert not result.ok
    (issue,) = result.errors
    assert issue.type == "invalid-uscc" and issue.field == "uscc"
    assert "18" in issue.message_en and "统一社会信用代码" in issue.message_zh


def test_full_width_digits_and_thousands_separators_are_read():
    report = raw("emission_report", **{"排放量(tCO2e)": "１，８５０，３２１", "核算年度": "２０２４"})
    result = schemas.validate("emission_report", report)
    assert result.ok, result.errors
    assert result.record["reported_emissions"] == 1850321
    assert result.record["year"] == 2024


def test_withheld_cells_are_kept_as_withheld_not_zero():
    report = raw("emission_report", **{"核查排放量(tCO2e)": "涉密", "供电量(MWh)": "涉密"})
    result = schemas.validate("emission_report", report)
    assert result.ok
    assert result.record["verified_emissions"] is None
    assert result.record["withheld"] == ["electricity_supplied", "verified_emissions"]


def test_money_keeps_two_decimals_and_rejects_three():
    ok = schemas.validate("trade", raw("trade", dealPric="97.500", dealAmt="97,500.00"))
    assert ok.ok and ok.record["price"] == Decimal("97.50")
    bad = schemas.validate("trade", raw("trade", dealPric="97.505"))
    assert [i.type for i in bad.errors] == ["too-many-decimals"]


def test_dates_are_strict_iso():
    for text in ("2025-1-02", "20250102", "2025-W01-4", "2025-02-30"):
        result = schemas.validate("trade", raw("trade", tradeDate=text))
        assert [i.type for i in result.errors] == ["invalid-date"], text


def test_naive_times_are_china_time():
    result = schemas.validate("allocation", raw("allocation", time="2025-08-20T10:00:00"))
    assert result.record["event_time"].utcoffset().total_seconds() == 8 * 3600


def test_unknown_codes_are_kept_and_reported():
    result = schemas.validate("entity", raw("entity", sector="CHEMICALS"))
    assert result.ok and result.record["sector"] == "CHEMICALS"
    assert [(w.type, w.field) for w in result.warnings] == [("unknown-code", "sector")]


def test_known_alternative_spellings_become_the_notation():
    result = schemas.validate("compliance", raw("compliance", status="部分履约"))
    assert result.record["status"] == "PARTIAL"


def test_missing_field_and_unexpected_field():
    data = raw("trade", extraField="x")
    del data["dealQty"]
    result = schemas.validate("trade", data)
    assert [(i.type, i.field) for i in result.errors] == [("missing-field", "dealQty")]
    ok = schemas.validate("trade", raw("trade", extraField="x"))
    assert [(w.type, w.field) for w in ok.warnings] == [("unexpected-field", "extraField")]


def test_market_day_zero_prices_mean_no_listing_trade():
    day = raw("market_day", openPric="0.00", highPric="0.00", lowPric="0.00", closPric="0.00")
    record = schemas.validate("market_day", day).record
    assert record["open"] is None and record["close"] is None
    assert record["prev_close"] == Decimal("101.67")


def test_serial_block_quantity_is_inclusive_and_ordered():
    record = schemas.validate("ccer_issuance", raw("ccer_issuance")).record
    assert record["quantity"] == 250000
    bad = schemas.validate("ccer_issuance", raw("ccer_issuance", SerialEnd="100000000"))
    assert [i.type for i in bad.errors] == ["invalid-serial-block"]


def test_key_parameters_are_agency_only():
    assert schemas.visible_fields("key_parameter", "public") == []
    assert schemas.visible_fields("key_parameter", "partner") == []
    assert "value" in schemas.visible_fields("key_parameter", "agency")


def test_trade_counterparties_are_agency_only():
    partner = schemas.visible_fields("trade", "partner")
    assert "price" in partner and "buy_uscc" not in partner


def test_code_lists_are_bilingual_with_sector_ipcc_categories():
    lists = schemas.all_codelists()
    assert {"sector", "province", "trade_method", "subject", "gas", "compliance_status",
            "pledge_status", "ccer_methodology", "ccer_project_type", "cancellation_purpose",
            "a6_purpose", "a6_action_type", "a6_metric"} <= set(lists)
    for scheme in lists.values():
        assert scheme.version and scheme.label["zh"] and scheme.label["en"]
        for code in scheme.codes:
            assert code["zh"] and code["en"], (scheme.scheme, code)
    assert all(c.get("ipcc2006") for c in lists["sector"].codes)
    assert lists["province"].normalise("湖北") == "420000"


# property-based ------------------------------------------------------------------

@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_character_always_validates(first17):
    assert has_valid_check(first17 + check_character(first17))


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17),
       st.sampled_from(ALPHABET))
def test_any_other_check_character_fails(first17, wrong):
    if wrong != check_character(first17):
        assert not has_valid_check(first17 + wrong)


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_separated_and_full_width_numbers_round_trip(n):
    grouped = f"{n:,}"
    full_width = grouped.translate({ord(d): ord(d) + 0xFEE0 for d in string.digits + ","})
    assert number_text(grouped)[0] == str(n)
    assert number_text(full_width)[0] == str(n)
    assert to_halfwidth(full_width) == grouped


@given(st.integers(min_value=0, max_value=10**12))
def test_quantities_load_from_int_or_text(n):
    for value in (n, str(n), f"{n:,}"):
        result = schemas.validate("surrender", raw("surrender", Quantity=value))
        assert result.ok and result.record["quantity"] == n


@given(st.text(max_size=12))
def test_arbitrary_text_never_crashes_a_schema(text):
    for kind in ("trade", "compliance", "emission_report"):
        data = raw(kind)
        for name in list(data)[:4]:
            data[name] = text
        result = schemas.validate(kind, data)
        assert result.ok or result.errors
        assert all(i.type and i.message_en and i.message_zh for i in result.errors)
