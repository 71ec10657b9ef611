"""CLI commands beyond the core ones, one module each.

Every module in this package that defines ``register(cli: click.Group)`` is loaded, in
name order, by :func:`register_all` — the way Datasette loads its default plugins — so
a feature adds its commands by adding a module, without editing ``gateway/cli.py``.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register_all(cli: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(cli)
