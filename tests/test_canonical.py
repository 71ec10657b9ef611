"""The canonical JSON is the text that is hashed and compared: a faster encoder must never
change one byte of it, or every stored record would look changed on the next pull."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import IntEnum

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.store.canonical import _CANONICAL, canonical_json, sha256_text


class Level(IntEnum):
    LOW = 1


class Label(str):
    pass


SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, exclude_categories=())) | st.decimals()
    | st.dates() | st.datetimes(timezones=st.none() | st.timezones())
    | st.sampled_from([Level.LOW, Label("x"), 2**64, -(2**63) - 1, "\ud800", "\x00\x1f\x7f\u2028"])
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=5), inner,
                                                                     max_size=4), max_leaves=12)
RECORDS = st.dictionaries(st.text(st.characters(codec=None, exclude_categories=()), max_size=8),
                          VALUES, max_size=12)


def standard(record: dict) -> str | type[Exception]:
    try:
        return _CANONICAL.encode(record)
    except (TypeError, ValueError) as exc:
        return type(exc)


def fast(record: dict) -> str | type[Exception]:
    try:
        return canonical_json(record)
    except (TypeError, ValueError) as exc:
        return type(exc)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(RECORDS)
def test_canonical_json_is_the_standard_encoders_text_for_any_record(record):
    assert fast(record) == standard(record)


def test_canonical_json_of_a_real_trade_is_sorted_compact_and_exact():
    record = {"trade_id": "T20240102000001", "price": Decimal("61.50"), "quantity": 1000,
              "trade_date": dt.date(2024, 1, 2), "buyer": "湖北某电厂", "flags": [True, None]}
    text = canonical_json(record)
    assert text == ('{"buyer":"湖北某电厂","flags":[true,null],"price":"61.50","quantity":1000,'
                    '"trade_date":"2024-01-02","trade_id":"T20240102000001"}')
    assert sha256_text(text) == sha256_text(_CANONICAL.encode(record))


def test_floats_keep_the_standard_spelling():
    assert canonical_json({"x": 1e-07, "y": [1e16]}) == '{"x":1e-07,"y":[1e+16]}'
