"""Validation in a worker process: same results, and safe from a plain script."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from gateway import pipeline
from publishers.base import RawRecord

from .samples import raw


def test_the_worker_validates_exactly_as_in_process():
    records = [RawRecord("trade", raw("trade", tradeId=f"T{i}", dealPric="97.505" if i % 7 == 0
                                      else "97.50"), f"exchange:trade:T{i}", "x")
               for i in range(pipeline.PARALLEL_MIN)]
    worker = pipeline.Prevalidator()
    try:
        remote = worker.result(worker.submit(records))
    finally:
        worker.close()
    assert worker.pool is not None, "the batch was large enough for the worker"
    local = pipeline.prevalidate(records)
    assert [(c.validation.key, c.validation.record, c.validation.errors, c.sha256)
            for c in remote] == [(c.validation.key, c.validation.record,
                                  c.validation.errors, c.sha256) for c in local]


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
