"""``gateway publish``: build every published artefact from the store.

Each module in this package that defines ``STEP = "name"``, ``ORDER = n`` and
``run(ctx: PublishContext) -> dict`` is one step (``public.db``, RDF dumps, bulk
snapshots…); :func:`publish` runs them in ``ORDER`` and returns their summaries.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..settings import Settings
from ..store import Store


@dataclass
class PublishContext:
    settings: Settings
    store: Store
    out_dir: Path
    release: str                      # the release date, YYYY-MM-DD
    progress: Callable[[str], None] = field(default=lambda message: None)


def steps() -> list[ModuleType]:
    """The publish steps, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "STEP") and callable(getattr(module, "run", None)):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.STEP))


def publish(ctx: PublishContext, only: list[str] | None = None) -> dict[str, Any]:
    """Run every step (or ``only`` the named ones); returns {step: summary}."""
    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for module in steps():
        if only and module.STEP not in only:
            continue
        ctx.progress(f"publish: {module.STEP}")
        results[module.STEP] = module.run(ctx)
    return results
