"""The partner API's behaviour: lists, paging, CSV, items, history, as-of, errors, headers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gateway.web import create_app
from gateway.web.server import serve_in_background

from .samples import raw
from .test_api_data import CORRECTION_REASON, TOKENS, accepted, build_store, settings

REPO = Path(__file__).resolve().parents[1]
PARTNER = {"Authorization": f"Bearer {TOKENS['partner']}"}
AGENCY = {"Authorization": f"Bearer {TOKENS['agency']}"}
ENTITY = "/api/v1/entity/91420100MA4K00010R/2024"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("api")
    build_store(path / "gateway.db").close()
    return path


@pytest.fixture(scope="module")
def client(data_dir):
    return create_app(settings(data_dir)).test_client()


def test_keyset_pages_cover_every_trade_once(client):
    seen, url = [], "/api/v1/trade?limit=7&sort=-trade_date"
    while url:
        page = client.get(url, headers=PARTNER).get_json()
        seen += [t["trade_id"] for t in page["data"]]
        url = page["links"]["next"]
    assert len(seen) == len(set(seen)) == 26
    dates = [client.get(f"/api/v1/trade/{t}", headers=PARTNER).get_json()["record"]["trade_date"]
             for t in seen[:8]]
    assert dates == sorted(dates, reverse=True)


def test_filters_total_and_decimals_as_strings(client):
    page = client.get("/api/v1/trade?subject_code=CEA24&trade_date_from=2025-01-02"
                      "&trade_date_to=2025-01-03&total=true", headers=PARTNER).get_json()
    assert page["meta"]["total"] == len(page["data"]) > 0
    for trade in page["data"]:
        assert trade["subject_code"] == "CEA24" and trade["trade_date"] >= "2025-01-02"
        assert isinstance(trade["price"], str) and trade["price"].endswith("0")
    assert "total" not in client.get("/api/v1/trade", headers=PARTNER).get_json()["meta"]


def test_csv_with_bom_and_link_header(client):
    response = client.get("/api/v1/trade?format=csv&bom=true&limit=5", headers=PARTNER)
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufefftrade_id,") and len(text.strip().splitlines()) == 6
    assert 'rel="next"' in response.headers["Link"]
    by_accept = client.get("/api/v1/entity", headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv" and by_accept.get_data(as_text=True)[0] != "\ufeff"


def test_item_history_with_reason_and_as_of(client):
    item = client.get(ENTITY).get_json()
    assert item["version"] == 2 and item["record"]["name_en"] == "Some Power Co., Ltd."
    history = client.get(ENTITY + "/history").get_json()["versions"]
    assert [v["op"] for v in history] == ["add", "correct"]
    assert history[1]["reason"] == CORRECTION_REASON and history[1]["supersedes"] == 1
    first = client.get(ENTITY, query_string={"as_of": history[0]["recorded_at"]}).get_json()
    assert first["version"] == 1 and first["record"]["name_en"] is None


def test_retracted_record_is_410_with_history(client):
    response = client.get("/api/v1/cancellation/10006")
    assert response.status_code == 410 and "version-history" in response.headers["Link"]
    ops = [v["op"] for v in client.get("/api/v1/cancellation/10006/history")
           .get_json()["versions"]]
    assert ops == ["add", "retract"]


@pytest.mark.parametrize(("url", "status", "headers"), [
    ("/api/v1/nothing-here", 404, {}), ("/api/v1/entity?limit=0", 400, {}),
    ("/api/v1/entity?list_year=abc", 400, {}), ("/api/v1/entity?after=%%%", 400, {}),
    ("/api/v1/entity/91420100MA4K00010R/2024?as_of=yesterday", 400, {}),
    ("/api/v1/entity/NOPE/2024", 404, {}), ("/api/v1/entity", 401,
                                             {"Authorization": "Bearer wrong"}),
    ("/api/v1/trade", 403, {}), ("/api/v1/entity", 406, {"Accept": "image/png"})])
def test_errors_are_problem_json(client, url, status, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["title_zh"]


def test_405_keeps_allow_header(client):
    response = client.post("/api/v1/entity")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.mimetype == "application/problem+json"


def test_etag_last_modified_and_cors(client):
    first = client.get("/api/v1/entity")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Cache-Control"].startswith("public")
    assert client.get("/api/v1/entity", headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(ENTITY, headers=since).status_code == 304
    assert client.get(ENTITY, headers=AGENCY).headers["Cache-Control"].startswith("private")


def test_rate_limit_headers_and_429(data_dir):
    limited = create_app(settings(data_dir, rate_limit=True)).test_client()
    answers = [limited.get("/api/v1/codelists") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[0].headers["RateLimit-Limit"] == "5"
    assert answers[4].headers["RateLimit-Remaining"] == "0"
    assert int(answers[5].headers["Retry-After"]) >= 1
    assert answers[5].mimetype == "application/problem+json"
    assert limited.get("/api/v1/codelists", headers=PARTNER).status_code == 200


def test_codelists_runs_quality_and_index(client):
    sector = client.get("/api/v1/codelists/sector").get_json()
    assert sector["label"]["zh"] and sector["codes"][0]["zh"] and sector["codes"][0]["en"]
    assert client.get("/api/v1/runs?limit=1").get_json()["links"]["next"]
    assert "error" not in client.get("/api/v1/runs").get_json()["data"][0]
    assert "error" in client.get("/api/v1/runs", headers=AGENCY).get_json()["data"][0]
    quality = client.get("/api/v1/quality").get_json()
    assert quality["rejects"][0]["error_type"] == "invalid-number"
    kinds = {k["kind"]: k for k in client.get("/api/v1/").get_json()["kinds"]}
    assert not kinds["trade"]["readable"] and kinds["entity"]["readable"]


def test_linked_data_negotiation(client):
    uri = "/id/entity/91420100MA4K00010R/2024"
    assert client.get(uri).mimetype == "text/html"
    assert client.get(uri, headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    assert client.get(uri + ".nt").mimetype == "application/n-triples"
    jsonld = client.get(uri + "?format=jsonld")
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.data)
    assert "Accept" in client.get(uri).headers["Vary"]
    org = client.get("/id/org/uscc/91420100MA4K00010R")
    assert org.status_code == 303 and org.headers["Location"].endswith(uri)
    assert client.get("/code/sector/POWER", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/dataset/emissions/2024?format=json").get_json()["records"] == 1


def test_docs_page_renders_offline(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "访问级别" in page and "/api/v1/trade" in page and "<script" not in page
    assert "http://" not in page.split("<main>")[0].replace("http://data.example.cn", "")


def test_serves_a_store_another_process_writes(tmp_path):
    """WAL: a served store keeps answering, and shows new commits, while a writer works."""
    from gateway.store import Store

    store = build_store(tmp_path / "gateway.db")
    server = serve_in_background(settings(tmp_path), port=0, threads=2)
    port = server.effective_port
    try:
        url = f"http://127.0.0.1:{port}/api/v1/trade?total=true&limit=1"
        request = urllib.request.Request(url, headers=PARTNER)

        def total() -> int:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)["meta"]["total"]

        before = total()
        writer = Store(tmp_path / "gateway.db")
        run = writer.start_run("test", "exchange", {})
        with writer.transaction():  # a write transaction in progress: readers are not blocked
            writer.apply(run, [accepted("trade", raw("trade", tradeId="TWAL0001"))])
            assert total() == before
        assert total() == before + 1
        writer.close()
        store.close()
    finally:
        server.close()


def test_gateway_serve_and_token_commands(tmp_path):
    hashed = subprocess.run([sys.executable, "-m", "gateway.cli", "token", "hash", "abc"],
                            capture_output=True, text=True, cwd=REPO, check=True)
    assert hashed.stdout.strip() == ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61"
                                     "f20015ad")
    made = subprocess.run([sys.executable, "-m", "gateway.cli", "token", "new", "--name", "x",
                           "--tier", "agency"], capture_output=True, text=True, cwd=REPO,
                          check=True)
    assert 'tier = "agency"' in made.stdout and "sha256" in made.stdout
    helped = subprocess.run([sys.executable, "-m", "gateway.cli", "serve", "--help"],
                            capture_output=True, text=True, cwd=REPO, check=True)
    assert "--port" in helped.stdout and "--workers" in helped.stdout
    assert "gunicorn" in helped.stdout


def test_gateway_serve_runs_worker_processes_and_stops_cleanly(tmp_path):
    build_store(tmp_path / "gateway.db").close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gateway.cli", "serve", "--port", str(port),
                               "--workers", "2", "--threads", "2"], cwd=REPO,
                              env={**os.environ, "GATEWAY_DATA_DIR": str(tmp_path)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/api/v1/entity?limit=5", server)
        assert len(page["data"]) == 1 and page["meta"]["tier"] == "public"
        workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(workers) == 2, "two pre-forked worker processes"
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr[-2000:]
    assert f"on http://127.0.0.1:{port}/api/v1/ (2 processes × 2 threads" in stderr


def _get_when_up(url: str, server: subprocess.Popen, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except urllib.error.HTTPError:
            raise
        except OSError:  # not listening yet
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("load", [
    "python",
    pytest.param("wrk", marks=pytest.mark.skipif(shutil.which("wrk") is None,
                                                 reason="wrk is not installed (.ci/run installs it)")),
])
def test_bench_runs_and_prints_its_json_line(tmp_path, load):
    done = subprocess.run([sys.executable, str(REPO / "bench" / "api.py"), "--rows", "2000",
                           "--requests", "50", "--connections", "4", "--workers", "1",
                           "--threads", "2", "--rounds", "2", "--round-seconds", "1",
                           "--load", load, "--scale-rows", "4000",
                           "--db", str(tmp_path / "bench.db"), "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["bench"] == "api" and line["rows"] == 2000 and line["load"] == load
    assert {"api_rps", "datasette_rps", "flask_rps", "ratio_to_datasette", "ratio_to_flask",
            "api_p99_ms"} <= set(line)
    assert line["api_rps"] > 0 and line["api_p99_ms"] >= line["api_p50_ms"] > 0
    assert line["scale_rows"] == 4000 and line["scale_latency_ratio_p50"] > 0


@pytest.mark.parametrize("kind, params", [
    ("trade", {"subject_code": ["CEA"], "trade_date": "2024-03-15"}),
    ("trade", {"trade_date": "2024-03-15"}),
    ("entity", {"province_code": ["42"]}),
    ("pledge", {"pledgor_uscc": None}),
])
def test_a_filtered_list_in_key_order_walks_an_index_without_sorting(pulled_store, kind,
                                                                      params):
    """The page query of a filtered list (the default key order) is answered from an
    index in key order, so it stops at the page limit instead of sorting every match
    (when the filters cover an index's columns)."""
    from gateway.web.kinds import spec
    from gateway.web.query import ListQuery

    kind_spec = spec(kind)
    by_param = {f.param: f for f in kind_spec.filters}
    filters = []
    for param, value in params.items():
        if value is None:  # a real value from the pulled store
            value = pulled_store.conn.execute(
                f'SELECT "{param}" FROM current_{kind} LIMIT 1').fetchone()[0]
        filters.append((by_param[param], value))
    sql, args = ListQuery(kind_spec, filters).page_sql("_key, _record")
    plan = " | ".join(r[3] for r in pulled_store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
    assert "USING INDEX" in plan and "TEMP B-TREE" not in plan, plan
