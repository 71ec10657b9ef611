"""Webhooks against a real receiver on 127.0.0.1 that fails, times out and restarts."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import schemas
from gateway.feeds import webhooks
from gateway.settings import WebhookSettings
from gateway.store import Store

from .test_api_data import TOKENS, build_store, settings

SECRET = "test-webhook-secret"
FAST = webhooks.Policy(connect_timeout=0.5, read_timeout=0.3, backoff_base=0.01,
                       backoff_cap=0.05, batch=10)


class Receiver:
    """An agency's endpoint: answers with a script of failures, records every POST."""

    def __init__(self, port: int = 0, script: list[str] | None = None):
        self.script = list(script or [])
        self.got: list[dict] = []
        self.crashed = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                action = outer.script.pop(0) if outer.script else "ok"
                if action == "crash":       # drops the connection and goes away
                    outer.crashed.set()
                    threading.Thread(target=outer.stop).start()
                    raise ConnectionAbortedError("receiver crashed")
                if action == "fail":
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.got.append({"key": self.headers["Idempotency-Key"], "body": body,
                                  "signature": self.headers[webhooks.SIGNATURE_HEADER]})
                if action == "slow":        # processed, but answers after the timeout
                    time.sleep(0.6)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.handle_error = lambda *args: None
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def deliver_until_caught_up(conn, app_settings, name: str, rounds: int = 400) -> None:
    deliverer = webhooks.Deliverer(conn, app_settings, FAST)   # a fresh one: a "restart"
    top = conn.execute("SELECT MAX(seq) FROM log").fetchone()[0]
    for _ in range(rounds):
        deliverer.run_once()
        cursor = conn.execute("SELECT cursor FROM webhook_subscriptions WHERE name=?",
                              (name,)).fetchone()[0]
        if cursor == top:
            return
        time.sleep(0.02)
    pytest.fail(f"{name} did not catch up: cursor {cursor} of {top}")


def with_hooks(data_dir, *hooks: WebhookSettings):
    return dataclasses.replace(settings(data_dir), webhooks={h.name: h for h in hooks})


def test_every_event_exactly_once_through_failures_timeouts_and_restarts(tmp_path):
    store = build_store(tmp_path / "gateway.db")
    top = store.next_seq() - 1
    receiver = Receiver(script=["fail", "fail", "ok", "slow", "ok", "fail", "ok", "crash"])
    app_settings = with_hooks(tmp_path, WebhookSettings("nbs", receiver.url, secret=SECRET))
    first = webhooks.Deliverer(store.conn, app_settings, FAST)
    for _ in range(200):           # failures, a timeout, progress, then a crash
        if receiver.crashed.is_set():
            break
        first.run_once()
        time.sleep(0.02)
    assert receiver.crashed.is_set()
    port = receiver.port
    time.sleep(0.1)
    first.run_once()               # the receiver is gone: refused, and stays queued
    (retry,) = [s["retrying"] for s in webhooks.status(store.conn)]
    assert retry and retry["attempts"] >= 1 and "Connection" in retry["last_error"]
    got_before = receiver.got
    receiver = Receiver(port)      # ...and comes back on the same port
    deliver_until_caught_up(store.conn, app_settings, "nbs")
    receiver.stop()
    got = got_before + receiver.got
    keys = [g["key"] for g in got]
    assert set(keys) == {f"nbs:{seq}" for seq in range(1, top + 1)}   # none lost
    assert len(keys) > len(set(keys))   # the timed-out one came twice: dedupe by key
    seqs = []
    for delivery in got:
        assert webhooks.verify(SECRET, delivery["signature"], delivery["body"])
        payload = json.loads(delivery["body"])
        assert payload["idempotency_key"] == delivery["key"]
        seqs.append(payload["item"]["seq"])
    assert sorted(set(seqs)) == seqs_in_order(seqs)
    store.close()


def seqs_in_order(seqs: list[int]) -> list[int]:
    """First occurrences, in delivery order (retries repeat a seq, never reorder)."""
    return list(dict.fromkeys(seqs))


def test_a_public_subscription_gets_public_fields_of_its_kinds_and_replays(tmp_path):
    store = build_store(tmp_path / "gateway.db")
    receiver = Receiver()
    hook = WebhookSettings("stats", receiver.url, kinds=("pledge", "trade", "entity"),
                           secret=SECRET, tier="public")
    app_settings = with_hooks(tmp_path, hook)
    deliver_until_caught_up(store.conn, app_settings, "stats")
    items = [json.loads(g["body"])["item"] for g in receiver.got]
    assert {i["kind"] for i in items} == {"pledge", "entity"}      # trade is partner-tier
    assert all(set(i["record"]) <= set(schemas.visible_fields(i["kind"], "public"))
               for i in items)
    first_entity = min(i["seq"] for i in items if i["kind"] == "entity")
    webhooks.replay(store.conn, first_entity + 1, "stats")
    deliver_until_caught_up(store.conn, app_settings, "stats")
    again = [json.loads(g["body"])["item"]["seq"] for g in receiver.got[len(items):]]
    assert again == [i["seq"] for i in items if i["seq"] > first_entity]
    receiver.stop()
    store.close()


def test_signatures_reject_tampering_and_old_timestamps():
    body = b'{"item":{}}'
    header = webhooks.sign(SECRET, body, int(time.time()))
    assert webhooks.verify(SECRET, header, body)
    assert not webhooks.verify(SECRET, header, body + b" ")
    assert not webhooks.verify("other", header, body)
    assert not webhooks.verify(SECRET, webhooks.sign(SECRET, body, int(time.time()) - 3600), body)
    assert not webhooks.verify(SECRET, "garbage", body)


def test_agencies_register_list_replay_and_remove_through_the_api(tmp_path):
    from gateway.web import create_app

    build_store(tmp_path / "gateway.db").close()
    client = create_app(allowing(settings(tmp_path), "127.0.0.1")).test_client()
    agency = {"Authorization": f"Bearer {TOKENS['agency']}"}
    partner = {"Authorization": f"Bearer {TOKENS['partner']}"}
    new = {"name": "pboc", "url": "http://127.0.0.1:9/hook", "kinds": ["trade"]}
    assert client.post("/feeds/webhooks", json=new, headers=partner).status_code == 403
    assert client.post("/feeds/webhooks", json=new).status_code == 403
    created = client.post("/feeds/webhooks", json=new, headers=agency)
    assert created.status_code == 201 and len(created.get_json()["secret"]) >= 40
    assert client.post("/feeds/webhooks", json=new, headers=agency).status_code == 409
    bad = {**new, "name": "x", "kinds": ["nope"]}
    assert client.post("/feeds/webhooks", json=bad, headers=agency).status_code == 400
    (listed,) = client.get("/feeds/webhooks", headers=agency).get_json()["data"]
    assert listed["name"] == "pboc" and "secret" not in listed and listed["cursor"] == 0
    replayed = client.post("/feeds/webhooks/pboc/replay", json={"from_seq": 7}, headers=agency)
    assert replayed.get_json()["cursor"] == 6
    assert client.delete("/feeds/webhooks/pboc", headers=agency).status_code == 204
    assert client.get("/feeds/webhooks", headers=agency).get_json()["data"] == []


def test_cli_delivers_once_from_settings(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from gateway.cli import cli

    build_store(tmp_path / "gateway.db").close()
    receiver = Receiver()
    config = tmp_path / "gateway.toml"
    config.write_text(f'data_dir = "{tmp_path}"\n[webhooks.mee]\nurl = "{receiver.url}"\n'
                      'kinds = ["compliance"]\nsecret_env = "MEE_SECRET"\n', encoding="utf-8")
    monkeypatch.setenv("MEE_SECRET", SECRET)
    result = CliRunner().invoke(cli, ["--config", str(config), "feeds", "deliver", "--once",
                                      "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["totals"]["delivered"] == 1 == len(receiver.got)
    assert report["subscriptions"][0]["cursor"] == report["subscriptions"][0]["head"]
    result = CliRunner().invoke(cli, ["--config", str(config), "feeds", "deliver", "--once",
                                      "--replay-from", "1"])
    assert result.exit_code == 0 and len(receiver.got) == 2
    receiver.stop()
    with Store(tmp_path / "gateway.db") as store:
        assert webhooks.status(store.conn)[0]["delivered"] == 1   # one row per seq


def allowing(app_settings, *hosts: str):
    """The settings with ``[api] webhook_hosts`` set to ``hosts``."""
    return dataclasses.replace(app_settings,
                               api=dataclasses.replace(app_settings.api, webhook_hosts=hosts))


class NoCalls:
    """A session that fails the test if the deliverer calls anything."""

    def post(self, url, **kwargs):
        raise AssertionError(f"the deliverer called {url}")


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",   # cloud metadata
    "http://10.0.0.5:8080/hook",                  # a private range
    "http://localhost:8000/feeds/webhooks",       # the gateway itself, by another name
    "http://127.0.0.1.example.net/hook",          # looks like an allowed host, is not
    "http://agency@169.254.169.254/hook",         # user info before the real host
])
def test_api_webhooks_go_only_to_hosts_the_operator_lists(tmp_path, url):
    from gateway.web import create_app

    build_store(tmp_path / "gateway.db").close()
    client = create_app(allowing(settings(tmp_path), "127.0.0.1")).test_client()
    agency = {"Authorization": f"Bearer {TOKENS['agency']}"}
    refused = client.post("/feeds/webhooks", headers=agency,
                          json={"name": "probe", "url": url, "kinds": ["trade"]})
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    problem = refused.get_json()
    assert problem["type"].endswith("webhook-host-not-allowed")
    assert "webhook_hosts" in problem["detail"] and "webhook_hosts" in problem["detail_zh"]
    assert client.get("/feeds/webhooks", headers=agency).get_json()["data"] == []


def test_no_api_webhook_at_all_until_the_operator_lists_a_host(tmp_path):
    from gateway.web import create_app

    build_store(tmp_path / "gateway.db").close()
    client = create_app(settings(tmp_path)).test_client()
    agency = {"Authorization": f"Bearer {TOKENS['agency']}"}
    refused = client.post("/feeds/webhooks", headers=agency, json={
        "name": "pboc", "url": "http://127.0.0.1:9/hook", "kinds": ["trade"]})
    assert refused.status_code == 403


def test_a_host_taken_off_the_list_is_no_longer_called(tmp_path):
    from gateway.web import create_app

    build_store(tmp_path / "gateway.db").close()
    allowed = allowing(settings(tmp_path), "127.0.0.1")
    client = create_app(allowed).test_client()
    agency = {"Authorization": f"Bearer {TOKENS['agency']}"}
    created = client.post("/feeds/webhooks", headers=agency, json={
        "name": "pboc", "url": "http://127.0.0.1:9/hook", "kinds": ["trade"]})
    assert created.status_code == 201
    with Store(tmp_path / "gateway.db") as store:
        totals = webhooks.Deliverer(store.conn, settings(tmp_path), FAST,
                                    session=NoCalls()).run_once()
    assert totals["blocked"] == 1 and totals["delivered"] == totals["failed"] == 0
