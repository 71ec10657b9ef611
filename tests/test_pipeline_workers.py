"""Validation in a worker process: same results, and safe from a plain script."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from gateway import pipeline

from .samples import raw


def test_the_worker_validates_exactly_as_in_process():
    records = [("trade", raw("trade", tradeId=f"T{i}", dealPric="97.505" if i % 7 == 0
                             else "97.50", **({"remark": "x"} if i % 11 == 0 else {})))
               for i in range(pipeline.PARALLEL_MIN)] + [("correction", {}), ("nonsense", {})]
    worker = pipeline.Prevalidator()
    try:
        remote = worker.result(worker.submit(records))
    finally:
        worker.close()
    assert worker.pool is not None, "the batch was large enough for the worker"
    assert remote == pipeline.prevalidate(records)
    assert {len(c[3]) > 0 for c in remote[:-2]} == {True, False}, "some rejected, some not"
    assert {len(c[4]) > 0 for c in remote[:-2]} == {True, False}, "some warned, some not"
    assert remote[-2:] == [None, None], "corrections and unknown kinds wait for the store"


def test_the_worker_count_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GATEWAY_VALIDATION_WORKERS", "3")
    assert pipeline.validation_workers() == 3
    monkeypatch.setenv("GATEWAY_VALIDATION_WORKERS", "")
    assert 1 <= pipeline.validation_workers() <= 4
    monkeypatch.setenv("GATEWAY_VALIDATION_WORKERS", "many")
    with pytest.raises(ValueError, match="whole number"):
        pipeline.validation_workers()


def test_a_plain_script_without_a_main_guard_runs_once(tmp_path):
    script = tmp_path / "pull.py"
    script.write_text(textwrap.dedent(f"""
        from pathlib import Path
        from gateway.pulls import pull
        from gateway.settings import PublisherSettings
        from gateway.store import Store
        from publishers.simulated import SimulatedSystems
        print("body")
        with SimulatedSystems(seed=5, trades=6000) as sim, Store(Path({str(tmp_path)!r}) / "g.db") as s:
            settings = PublisherSettings("exchange", "exchange", sim.urls["exchange"],
                                         options={{"streams": ["trades"]}})
            print(pull(s, settings).status)
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["body", "ok"]
