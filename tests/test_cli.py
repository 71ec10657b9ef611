"""The ``gateway`` CLI against the simulated systems over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import cli
from gateway.store import Store

REPO = Path(__file__).resolve().parents[1]


def write_config(path: Path, urls: dict[str, str], data_dir: Path) -> Path:
    lines = [f'data_dir = "{data_dir}"']
    for system, url in urls.items():
        lines += [f"[publishers.{system}]", f'system = "{system}"', f'url = "{url}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result


def test_every_command_has_help():
    for command in ("init", "pull", "runs", "quarantine", "demo", "publish"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output, command


def test_init_creates_the_store_in_the_data_dir(tmp_path):
    result = invoke("init", "--json", env={"GATEWAY_DATA_DIR": str(tmp_path / "var")})
    assert result.exit_code == 0
    assert json.loads(result.output)["db"] == str(tmp_path / "var" / "gateway.db")
    assert (tmp_path / "var" / "gateway.db").exists()


def test_pull_json_reports_one_run_per_publisher(sim, tmp_path):
    config = write_config(tmp_path / "gateway.toml", {"exchange": sim.urls["exchange"]},
                          tmp_path / "var")
    result = invoke("--config", str(config), "pull", "--all", "--json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)
    assert set(report) >= {"publisher", "fetched", "accepted", "new_versions", "unchanged",
                           "rejected", "errors", "cursor_before", "cursor_after"}
    assert report["fetched"] == report["accepted"] + report["rejected"] > 0
    assert report["cursor_before"] == {} and report["cursor_after"]["trades"]
    assert {e["type"] for e in report["errors"]} >= {"too-many-decimals"}
    assert all({"type", "field", "key", "message"} <= set(e) for e in report["errors"])
    again = json.loads(invoke("--config", str(config), "pull", "exchange", "--json").output)[0]
    assert again["new_versions"] == 0 and again["cursor_before"] == report["cursor_after"]

    runs = invoke("--config", str(config), "runs", "--json")
    assert [r["status"] for r in json.loads(runs.output)] == ["ok", "ok"]
    quarantine = json.loads(invoke("--config", str(config), "quarantine", "--json").output)
    assert quarantine["summary"] and quarantine["records"][0]["errors"][0]["message_zh"]


def test_pull_of_an_unreachable_system_exits_non_zero_with_one_clear_line(tmp_path):
    config = write_config(tmp_path / "gateway.toml", {"exchange": "http://127.0.0.1:9"},
                          tmp_path / "var")
    env = {**os.environ, "GATEWAY_CONFIG": str(config)}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "pull", "exchange"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "exchange" in errors[0] and "127.0.0.1:9" in errors[0]
    assert "Traceback" not in done.stderr
    with Store(tmp_path / "var" / "gateway.db") as store:
        assert store.runs(1)[0]["status"] == "failed"


def test_bad_settings_are_explained(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[publishers.x]\nsystem = "bank"\nurl = "http://x"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(bad), "pull", "--all"])
    assert result.exit_code != 0 and "system must be one of" in result.output


def keys_and_hashes(db: Path) -> set[tuple[str, str, str]]:
    with Store(db) as store:
        return {(r["kind"], r["key"], r["sha256"]) for r in store.query(
            "SELECT kind, key, sha256 FROM log WHERE op != 'retract'")}


@pytest.mark.slow
def test_a_pull_killed_mid_way_then_rerun_has_no_duplicate_and_no_gap(tmp_path):
    from publishers.simulated import SimulatedSystems

    with SimulatedSystems(seed=11, trades=6_000) as sim:
        config = write_config(tmp_path / "gateway.toml", {"exchange": sim.urls["exchange"]},
                              tmp_path / "var")
        env = {**os.environ, "GATEWAY_CONFIG": str(config)}
        sim.inject("exchange", "slow", times=None, delay=0.3)
        child = subprocess.Popen([sys.executable, "-m", "gateway.cli", "pull", "exchange"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        db = tmp_path / "var" / "gateway.db"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if db.exists() and _trades(db) > 0:
                break
        child.send_signal(signal.SIGKILL)
        child.wait()
        partial = _trades(db)
        sim.clear_faults()
        rerun = subprocess.run([sys.executable, "-m", "gateway.cli", "pull", "exchange"],
                               env=env, capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        clean_config = write_config(tmp_path / "clean.toml",
                                    {"exchange": sim.urls["exchange"]}, tmp_path / "clean")
        subprocess.run([sys.executable, "-m", "gateway.cli", "pull", "exchange"],
                       env={**os.environ, "GATEWAY_CONFIG": str(clean_config)}, check=True,
                       capture_output=True, timeout=300)
    assert partial > 0
    killed_then_rerun = keys_and_hashes(db)
    clean = keys_and_hashes(tmp_path / "clean" / "gateway.db")
    assert killed_then_rerun == clean
    assert partial < sum(1 for kind, _, _ in clean if kind == "trade")  # killed mid-way
    with Store(db) as store:
        duplicates = store.query("SELECT kind, key, sha256, COUNT(*) n FROM log "
                                 "GROUP BY kind, key, sha256 HAVING n > 1")
    assert duplicates == []


def _trades(db: Path) -> int:
    import sqlite3
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM current_trade").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
