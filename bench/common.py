"""Shared helpers for the benchmarks: timing, peak memory, output."""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident memory of the largest finished child process (e.g. a worker), MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def remove_db(path: Path) -> None:
    """Remove an SQLite file and its WAL files (none need exist)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _child(target: Callable[..., dict[str, Any]], args: tuple[Any, ...], queue: Any) -> None:
    result = target(*args)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["children_peak_rss_mb"] = round(children_peak_rss_mb(), 1)
    queue.put(result)


def in_child(target: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``target(*args)`` in a fresh forked process; its result gains its peak RSS
    and that of its largest child (its worker processes, if any)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=_child, args=(target, args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def emit(figures: dict[str, Any], as_json: bool) -> None:
    """Print the figures; with --json the last line is one JSON object."""
    for name, value in figures.items():
        print(f"{name:>24}: {value}")
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
