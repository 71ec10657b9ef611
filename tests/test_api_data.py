"""A small store for the API tests, built through the store's own writer.

One sample record of every kind (tests/samples.py), 25 extra trades for paging, a
corrected entity (two versions with a reason), a retracted cancellation, one reject in
quarantine and one finding. No tests here: the other test_api*/test_tiers modules
import :func:`build_store` and :func:`tokens`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import schemas
from gateway import derive
from gateway.settings import Settings, TokenSettings
from gateway.store import Accepted, Store

from .samples import KINDS, raw

TOKENS = {"partner": "partner-secret-token", "agency": "agency-secret-token"}
CORRECTION_REASON = "the platform corrected the English name"


def tokens() -> tuple[TokenSettings, ...]:
    return tuple(TokenSettings(f"test-{tier}", tier, hashlib.sha256(t.encode()).hexdigest())
                 for tier, t in TOKENS.items())


def settings(data_dir: Path, rate_limit: bool = False) -> Settings:
    from gateway.settings import ApiSettings
    return Settings(data_dir, "http://data.example.cn", tokens=tokens(),
                    api=ApiSettings(rate_limit=rate_limit, public_per_minute=5,
                                    token_per_minute=1000))


def accepted(kind: str, data: dict, reason: str | None = None,
             retract: bool = False) -> Accepted:
    result = schemas.validate(kind, data)
    assert result.ok, (kind, result.errors)
    return Accepted(kind, result.key or "", result.record or {}, f"test:{kind}:{result.key}",
                    reason=reason, retract=retract)


def _trade(i: int) -> dict:
    price = f"{90 + i % 10}.50"
    qty = 100 * (i + 1)
    day = f"2025-01-{1 + i % 5:02d}"
    return raw("trade", tradeId=f"T2025{i:06d}", tradeDate=day, dealPric=price, dealQty=qty,
               dealAmt=f"{float(price) * qty:.2f}", subjectCode="CEA24" if i % 2 else "CEA23")


def _apply(store: Store, items: list[Accepted]) -> None:
    run = store.start_run("test", "registry", {})
    with store.transaction():
        outcome = store.apply(run, items)
        derive.after_apply(store, outcome.changed)
    store.finish_run(run, "ok")


def build_store(path: Path) -> Store:
    store = Store(path)
    _apply(store, [accepted(kind, raw(kind)) for kind in KINDS])
    _apply(store, [accepted("trade", _trade(i)) for i in range(25)])
    _apply(store, [accepted("entity", raw("entity", nameEn="Some Power Co., Ltd."),
                            reason=CORRECTION_REASON),
                   accepted("cancellation", raw("cancellation"), retract=True)])
    run = store.start_run("exchange", "exchange", {})
    with store.transaction():
        store.quarantine(run, "exchange", "trade", "exchange:trade:BAD", {"tradeId": "BAD"},
                         [{"type": "invalid-number", "field": "dealPric",
                           "message_en": "bad price", "message_zh": "价格无效"}], None)
        store.record_findings(run, [{"check_id": "price-band", "kind": "trade",
                                     "key": "T2025000001", "message_en": "x",
                                     "message_zh": "x"}])
    store.finish_run(run, "ok")
    return store
