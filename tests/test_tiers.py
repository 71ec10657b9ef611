"""No response ever holds a field above the caller's tier: the whole URL map, every tier.

The store holds one record per kind in which every restricted field (tier partner or
agency, by schema metadata) carries a distinctive sentinel value. The test walks every
GET rule of the app's URL map — with no token and with the partner and agency tokens,
in JSON, CSV, HTML, JSON-LD, Turtle and N-Triples — and checks that
(1) no sentinel of a field above the caller's tier appears in any body, and
(2) JSON records and CSV headers name only fields visible at the caller's tier.
A new rule with parameters fails the walk until the test learns how to fill it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

import schemas
from gateway.web import create_app
from gateway.web.uris import SERIES

from .samples import KINDS, raw
from .test_api_data import TOKENS, _apply, accepted
from .test_api_data import settings as app_settings

# raw-record overrides giving every restricted field a value found nowhere else
SENTINELS: dict[str, dict[str, object]] = {
    "key_parameter": {"id": "KPSECRET0001", "uscc": "91500000777700001A",
                      "facilityId": "FAC-SECRET-KP", "labReportNo": "LAB-SECRET-KP",
                      "evidenceSha256": "7" * 64, "value": "77.7771"},
    "allocation": {"Uscc": "91330000777700002B", "Quantity": "7777003"},
    "trade": {"tradeId": "TSECRET0001", "dealPric": "77.71", "dealQty": 7777,
              "dealAmt": "604350.67", "buyAcct": "ACCT-SECRET-BUY",
              "sellAcct": "ACCT-SECRET-SELL", "buyUscc": "BUYUSCC-SECRET",
              "sellUscc": "SELLUSCC-SECRET"},
    "pledge": {"SecuredAmount": "7777004.00"},
}
# the stored form of each sentinel, by (kind, field) -> text to search for
STORED = {("key_parameter", "id"): "KPSECRET0001",
          ("key_parameter", "uscc"): "91500000777700001A",
          ("key_parameter", "facility_id"): "FAC-SECRET-KP",
          ("key_parameter", "lab_report_no"): "LAB-SECRET-KP",
          ("key_parameter", "evidence_sha256"): "7" * 64,
          ("key_parameter", "value"): "77.7771",
          ("allocation", "uscc"): "91330000777700002B",
          ("allocation", "quantity"): "7777003",
          ("trade", "trade_id"): "TSECRET0001", ("trade", "price"): "77.71",
          ("trade", "quantity"): "7777", ("trade", "amount"): "604350.67",
          ("trade", "buy_account"): "ACCT-SECRET-BUY",
          ("trade", "sell_account"): "ACCT-SECRET-SELL",
          ("trade", "buy_uscc"): "BUYUSCC-SECRET", ("trade", "sell_uscc"): "SELLUSCC-SECRET",
          ("pledge", "secured_amount"): "7777004"}
CALLERS = {"public": {}, **{t: {"Authorization": f"Bearer {v}"} for t, v in TOKENS.items()}}
LINKED_FORMATS = ("html", "json", "jsonld", "ttl", "nt")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from gateway.store import Store

    data_dir = tmp_path_factory.mktemp("tiers")
    store = Store(data_dir / "gateway.db")
    _apply(store, [accepted(k, raw(k, **SENTINELS.get(k, {}))) for k in KINDS])
    keys = {k: [r[0] for r in store.conn.execute(f'SELECT _key FROM "current_{k}"')]
            for k in schemas.KINDS}
    store.close()
    app = create_app(app_settings(data_dir))
    return app, app.test_client(), keys


def test_sentinels_cover_every_restricted_field():
    restricted = {(k, f["name"]) for k in schemas.KINDS for f in schemas.field_specs(k)
                  if f["tier"] != "public"}
    loose = {("key_parameter", n) for n in ("month", "parameter", "unit", "method",
                                            "deposited_at")}
    loose |= {("allocation", "vintage"), ("allocation", "stage"),
              ("pledge", "secured_currency")}
    loose |= {("trade", n) for n in ("trade_date", "trade_time", "subject_code",
                                     "trade_method")}
    assert restricted - loose == set(STORED)  # the rest are checked by name only


def _forbidden(tier: str) -> list[str]:
    rank = schemas.TIER_RANK[tier]
    return [text for (kind, name), text in STORED.items()
            if schemas.TIER_RANK[next(f["tier"] for f in schemas.field_specs(kind)
                                      if f["name"] == name)] > rank]


def _urls(app, keys: dict[str, list[str]]) -> Iterator[tuple[str, str | None]]:
    """(url, kind whose records it returns) for every GET rule, filled with real values."""
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        yield from _fill(rule, keys)


def _fill(rule, keys: dict[str, list[str]]) -> Iterator[tuple[str, str | None]]:
    endpoint, args = rule.endpoint, set(rule.arguments)
    if endpoint.startswith("records."):
        kind, _, what = endpoint.removeprefix("records.").rpartition("_")
        for key in keys[kind] if args else [None]:
            base = f"/api/v1/{kind}" + (f"/{key}" if key else "")
            if what == "list":
                yield base, kind
                yield base + "?format=csv&bom=true", kind
            else:
                yield base + ("/history" if what == "history" else ""), kind
    elif endpoint == "linked.thing":
        for kind, found in keys.items():
            for key in found:
                for fmt in LINKED_FORMATS:
                    yield f"/id/{kind}/{key}?format={fmt}", kind
    elif endpoint == "linked.organisation":
        yield f"/id/org/uscc/{raw('entity')['uscc']}", None
    elif endpoint == "linked.dataset":
        for series in [*SERIES, *schemas.KINDS]:
            for fmt in LINKED_FORMATS:
                yield f"/dataset/{series}/2025?format={fmt}", None
    elif endpoint in ("linked.code_scheme", "linked.code", "codelists.scheme"):
        scheme = "sector"
        path = {"linked.code_scheme": f"/code/{scheme}", "linked.code": f"/code/{scheme}/POWER",
                "codelists.scheme": f"/api/v1/codelists/{scheme}"}[endpoint]
        yield path, None
    elif endpoint == "article6.aef":
        # xlsx and csv (zip) carry the same public fields, compressed: walk the JSON
        yield "/api/v1/article6/aef?year=2025&format=json", None
    elif endpoint in ("catalog.catalog", "catalog.vocabulary") and args:
        for fmt in LINKED_FORMATS:
            yield rule.rule.replace("<ext>", fmt), None
    elif not args:
        yield rule.rule, None
    else:
        pytest.fail(f"teach test_tiers how to fill {rule.rule} ({endpoint})")


def _record_objects(kind: str, body: dict) -> list[dict]:
    if "data" in body:
        return body["data"]
    if "versions" in body:
        return [v["record"] for v in body["versions"]]
    return [body["record"]] if "record" in body else []


def _check_names(kind: str, tier: str, response) -> None:
    visible = set(schemas.visible_fields(kind, tier))
    if response.mimetype == "text/csv":
        header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert set(header) <= visible, (kind, tier, set(header) - visible)
    elif response.mimetype == "application/json":
        for record in _record_objects(kind, json.loads(response.get_data(as_text=True))):
            assert set(record) <= visible, (kind, tier, set(record) - visible)


@pytest.mark.parametrize("tier", list(CALLERS))
def test_no_field_above_the_callers_tier_anywhere(client, tier):
    app, http, keys = client
    forbidden = _forbidden(tier)
    seen = 0
    for url, kind in _urls(app, keys):
        response = http.get(url, headers=CALLERS[tier])
        assert response.status_code in (200, 302, 303, 403, 404, 410), (url, response.status_code)
        body = response.get_data(as_text=True)
        # a value the caller put in the URL (echoed in a problem's instance) is no leak
        leaked = [text for text in forbidden if text in body and text not in url]
        assert not leaked, f"{tier} sees {leaked} at {url}"
        if kind and response.status_code == 200:
            _check_names(kind, tier, response)
            seen += 1
    assert seen > 50


@pytest.mark.parametrize(("tier", "kind", "status"), [
    ("public", "trade", 403), ("public", "allocation", 403), ("public", "key_parameter", 403),
    ("partner", "key_parameter", 403), ("partner", "trade", 200), ("agency", "key_parameter", 200),
    ("public", "pledge", 200)])
def test_kinds_below_the_callers_tier_answer_403(client, tier, kind, status):
    _, http, keys = client
    for url in (f"/api/v1/{kind}", f"/api/v1/{kind}/{keys[kind][0]}",
                f"/api/v1/{kind}/{keys[kind][0]}/history", f"/id/{kind}/{keys[kind][0]}"):
        response = http.get(url, headers=CALLERS[tier])
        assert response.status_code == status, url
        if status == 403:
            assert response.mimetype == "application/problem+json"


def test_public_pledge_has_no_secured_amount_but_partner_does(client):
    _, http, keys = client
    url = f"/api/v1/pledge/{keys['pledge'][0]}"
    assert "secured_amount" not in http.get(url).get_json()["record"]
    partner = http.get(url, headers=CALLERS["partner"]).get_json()["record"]
    assert partner["secured_amount"] == "7777004.00"


def test_history_hash_only_for_callers_who_see_every_field(client):
    _, http, keys = client
    url = f"/api/v1/trade/{keys['trade'][0]}/history"
    partner = http.get(url, headers=CALLERS["partner"]).get_json()["versions"][0]
    agency = http.get(url, headers=CALLERS["agency"]).get_json()["versions"][0]
    assert "sha256" not in partner and len(agency["sha256"]) == 64


def test_filter_or_sort_on_a_hidden_field_is_403(client):
    _, http, _ = client
    for query in ("buy_uscc=BUYUSCC-SECRET", "sort=buy_uscc", "sort=-sell_uscc"):
        response = http.get(f"/api/v1/trade?{query}", headers=CALLERS["partner"])
        assert response.status_code == 403, query
    assert http.get("/api/v1/trade?buy_uscc=BUYUSCC-SECRET",
                    headers=CALLERS["agency"]).get_json()["meta"]["count"] == 1
