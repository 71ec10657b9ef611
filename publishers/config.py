"""Build a connector from a ``[publishers.NAME]`` settings table.

Example (TOML)::

    [publishers.registry]
    system = "registry"
    url = "http://127.0.0.1:9101"
    token = "..."            # optional
    read_timeout = 60        # optional client options, see ClientOptions
    page_size = 500          # optional connector options, see each connector

Client options: ``connect_timeout``, ``read_timeout``, ``max_attempts``, ``backoff_base``,
``backoff_cap``, ``max_retry_after``. Connector options: ``streams`` and those of the
system's connector class (``page_size``; ``window_days``, ``refetch_days`` for the exchange;
``years``, ``first_month`` for the platform).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from publishers.exchange import ExchangeConnector
from publishers.http import ClientOptions, HttpConnector
from publishers.platform import PlatformConnector
from publishers.registry import RegistryConnector

SYSTEMS: dict[str, type[HttpConnector]] = {
    "registry": RegistryConnector,
    "exchange": ExchangeConnector,
    "platform": PlatformConnector,
}
_CLIENT_KEYS = frozenset(f.name for f in fields(ClientOptions))
_TABLE_KEYS = frozenset({"system", "url", "token"})
# Options only code can pass (functions, sessions), never a settings file.
_CODE_ONLY = frozenset({"self", "name", "url", "token", "options", "session", "sleep", "today"})


def connector_options(system: str) -> frozenset[str]:
    """The settings a ``[publishers.NAME]`` table may hold for ``system``."""
    params = inspect.signature(SYSTEMS[system].__init__).parameters
    return _TABLE_KEYS | _CLIENT_KEYS | (frozenset(params) - _CODE_ONLY)


def build_connector(name: str, settings: Mapping[str, Any], **code_options: Any) -> HttpConnector:
    """The connector ``[publishers.NAME]`` describes.

    ``code_options`` pass what a file cannot hold (``sleep``, ``session``, ``today``).
    Raises ValueError naming the table and the bad key when the settings are wrong.
    """
    where = f"[publishers.{name}]"
    system = settings.get("system")
    if system not in SYSTEMS:
        raise ValueError(f"{where}: system must be one of {sorted(SYSTEMS)}, not {system!r}")
    url = settings.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"{where}: url must be an http(s) URL, not {url!r}")
    unknown = sorted(set(settings) - connector_options(system))
    if unknown:
        allowed = ", ".join(sorted(connector_options(system)))
        raise ValueError(f"{where}: unknown setting(s) {unknown}; allowed: {allowed}")
    client = {k: v for k, v in settings.items() if k in _CLIENT_KEYS}
    extra = {k: v for k, v in settings.items() if k not in _CLIENT_KEYS | _TABLE_KEYS}
    return SYSTEMS[system](
        name,
        url,
        settings.get("token") or None,
        options=ClientOptions(**client),
        **extra,
        **code_options,
    )
