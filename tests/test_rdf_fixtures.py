"""Helpers shared by the RDF, catalogue and SHACL tests (no tests here).

Records are built from ``tests/samples.py`` through the real schemas and canonical
JSON, exactly as the store keeps them; ``pipeline_store`` runs them through the real
pipeline into a SQLite store.
"""

from __future__ import annotations

import json
from typing import Any

import schemas
from gateway.pulls import pull
from gateway.store import Store, canonical_json

from .samples import KINDS, raw
from .test_pipeline import SETTINGS, Scripted

BASE = "http://127.0.0.1:8000"
DERIVED = {"pledge": {"status": "PARTIALLY_RELEASED", "released_quantity": 100000,
                      "enforced_quantity": 0}}


def canonical(kind: str, **changes: Any) -> dict[str, Any]:
    """A sample record of ``kind`` as the store keeps it (canonical JSON, derived columns)."""
    result = schemas.validate(kind, raw(kind, **changes))
    assert result.ok, result.errors
    record = json.loads(canonical_json(result.record))
    record.update(DERIVED.get(kind, {}))
    return record


def all_samples() -> dict[str, dict[str, Any]]:
    return {kind: canonical(kind) for kind in KINDS}


def emission_records(n: int) -> list[dict[str, Any]]:
    """``n`` distinct emission reports (USCC × year) with different amounts."""
    out = []
    for i in range(n):
        uscc = f"91420100MA4K{i:05d}R"[:18]
        out.append(canonical("emission_report", **{
            "统一社会信用代码": uscc, "核算年度": str(2019 + i % 5),
            "核查排放量(tCO2e)": str(1000 + i)}))
    return out


# What ``pipeline_store`` ingests: every sample kind plus a second year and trading day.
STORE_ITEMS: list[tuple[str, dict[str, Any]]] = [
    *[(kind, {}) for kind in KINDS],
    ("emission_report", {"核算年度": "2023"}),
    ("market_day", {"tradeDate": "2025-01-02", "subjectCode": "CEA24"}),
]


def store_records() -> list[tuple[str, dict[str, Any]]]:
    """The records of ``pipeline_store`` as the store keeps them."""
    return [(kind, canonical(kind, **changes)) for kind, changes in STORE_ITEMS]


def pipeline_store(path: Any) -> Store:
    """A store holding every sample kind, run through the real pipeline."""
    store = Store(path)
    report = pull(store, SETTINGS, Scripted([(k, raw(k, **c)) for k, c in STORE_ITEMS]))
    assert report.rejected == 0, report.errors
    return store
