"""Settings: a TOML file (``--config`` or ``GATEWAY_CONFIG``) and ``GATEWAY_*`` variables.

```toml
data_dir = "./var"                 # or GATEWAY_DATA_DIR; holds gateway.db
base_uri = "http://127.0.0.1:8000" # or GATEWAY_BASE_URI; the root of every URI minted

[publishers.registry]
system = "registry"                # registry | exchange | platform
url = "http://127.0.0.1:9101"
token = "…"                        # optional; or GATEWAY_TOKEN_REGISTRY
schedule = "*/15 * * * *"          # optional, for an external scheduler
page_size = 500                    # optional connector options

[[tokens]]                         # partner/agency API tokens, stored hashed
name = "unfccc-secretariat"
tier = "partner"                   # partner | agency
sha256 = "…"                       # from `gateway token hash` (never the token itself)

[api]                              # the partner API (`gateway serve`)
rate_limit = true                  # or GATEWAY_RATE_LIMIT=0 (e.g. for benchmarks)
public_per_minute = 600            # per client IP, without a token
token_per_minute = 6000            # per token
cors_origin = "*"

[webhooks.nbs]                     # push the change feed to an agency (`gateway feeds deliver`)
url = "https://sync.example.gov.cn/hooks/gateway"
kinds = ["emission_report", "compliance"]   # optional; default every kind
secret_env = "NBS_WEBHOOK_SECRET"  # or secret = "…" (HMAC-SHA256 key)
tier = "agency"                    # public | partner | agency (fields the receiver gets)
```
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYSTEMS = ("registry", "exchange", "platform")
CONNECTOR_OPTIONS = {
    "registry": {"streams", "page_size"},
    "exchange": {"streams", "page_size", "window_days", "refetch_days"},
    "platform": {"streams", "page_size", "years", "first_month"},
}
CLIENT_OPTIONS = {"connect_timeout", "read_timeout", "max_attempts", "backoff_base",
                  "backoff_cap", "max_retry_after"}


class SettingsError(ValueError):
    """The settings are wrong; the message says where and how to fix them."""


@dataclass(frozen=True)
class PublisherSettings:
    name: str
    system: str
    url: str
    token: str | None = None
    schedule: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenSettings:
    """An API token: who holds it, its tier, and the SHA-256 (hex) of the token."""

    name: str
    tier: str
    sha256: str


@dataclass(frozen=True)
class ApiSettings:
    """Options of the partner API (``[api]``)."""

    rate_limit: bool = True
    public_per_minute: int = 600
    token_per_minute: int = 6000
    cors_origin: str = "*"
    # Hosts a webhook registered through the API may call (none by default): the gateway
    # POSTs to what agencies register, so the operator decides where that may go.
    webhook_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebhookSettings:
    """A webhook subscription configured in ``[webhooks.NAME]`` (see gateway/feeds)."""

    name: str
    url: str
    kinds: tuple[str, ...] = ()
    secret: str | None = None
    secret_env: str | None = None
    tier: str = "agency"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    base_uri: str = "http://127.0.0.1:8000"
    publishers: dict[str, PublisherSettings] = field(default_factory=dict)
    source: str = "defaults"
    tokens: tuple[TokenSettings, ...] = ()
    api: ApiSettings = field(default_factory=ApiSettings)
    webhooks: dict[str, WebhookSettings] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "gateway.db"


def load_settings(config: str | Path | None = None,
                  env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``config`` (or ``GATEWAY_CONFIG``) and the environment."""
    env = os.environ if env is None else env
    path = config or env.get("GATEWAY_CONFIG")
    doc = _read_toml(Path(path)) if path else {}
    data_dir = Path(env.get("GATEWAY_DATA_DIR") or doc.get("data_dir") or "./var")
    base_uri = (env.get("GATEWAY_BASE_URI") or doc.get("base_uri")
                or "http://127.0.0.1:8000").rstrip("/")
    publishers = {name: _publisher(name, section, env)
                  for name, section in (doc.get("publishers") or {}).items()}
    webhooks = {name: _webhook(name, section)
                for name, section in (doc.get("webhooks") or {}).items()}
    return Settings(data_dir, base_uri, publishers, str(path) if path else "defaults",
                    _tokens(doc.get("tokens") or []), _api(doc.get("api") or {}, env),
                    webhooks)


def _webhook(name: str, section: Any) -> WebhookSettings:
    where = f"[webhooks.{name}]"
    if not isinstance(section, dict):
        raise SettingsError(f"{where} must be a table")
    known = {"url", "kinds", "secret", "secret_env", "tier"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s) {unknown}; known: {sorted(known)}")
    url, kinds = section.get("url"), section.get("kinds", [])
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SettingsError(f"{where}: url must be an http(s) URL, not {url!r}")
    if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
        raise SettingsError(f"{where}: kinds must be a list of kind names")
    if bool(section.get("secret")) == bool(section.get("secret_env")):
        raise SettingsError(f"{where}: give exactly one of secret or secret_env")
    tier = section.get("tier", "agency")
    if tier not in ("public", *TOKEN_TIERS):
        raise SettingsError(f"{where}: tier must be public, partner or agency, not {tier!r}")
    return WebhookSettings(name, url, tuple(kinds), section.get("secret"),
                           section.get("secret_env"), tier)


TOKEN_TIERS = ("partner", "agency")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _tokens(entries: Any) -> tuple[TokenSettings, ...]:
    if not isinstance(entries, list):
        raise SettingsError("tokens must be an array of tables: [[tokens]] name, tier, sha256")
    found: list[TokenSettings] = []
    for i, entry in enumerate(entries):
        where = f"[[tokens]] #{i + 1}"
        if not isinstance(entry, dict) or set(entry) != {"name", "tier", "sha256"}:
            raise SettingsError(f"{where}: give exactly name, tier and sha256")
        if entry["tier"] not in TOKEN_TIERS:
            raise SettingsError(f"{where}: tier must be one of {TOKEN_TIERS}, "
                                f"not {entry['tier']!r}")
        digest = str(entry["sha256"]).lower()
        if not _SHA256.match(digest):
            raise SettingsError(f"{where}: sha256 must be 64 hex digits; make it with "
                                "`gateway token hash`")
        found.append(TokenSettings(str(entry["name"]), entry["tier"], digest))
    if len({t.name for t in found}) != len(found):
        raise SettingsError("[[tokens]]: token names must be unique")
    return tuple(found)


def _api(section: Any, env: Mapping[str, str]) -> ApiSettings:
    if not isinstance(section, dict):
        raise SettingsError("[api] must be a table")
    known = {"rate_limit", "public_per_minute", "token_per_minute", "cors_origin",
             "webhook_hosts"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise SettingsError(f"[api]: unknown setting(s) {unknown}; known: {sorted(known)}")
    values = {**ApiSettings().__dict__, **section}
    if "GATEWAY_RATE_LIMIT" in env:
        values["rate_limit"] = env["GATEWAY_RATE_LIMIT"].strip().lower() not in {
            "0", "false", "no", "off", ""}
    for name in ("public_per_minute", "token_per_minute"):
        if not isinstance(values[name], int) or values[name] < 1:
            raise SettingsError(f"[api]: {name} must be a positive integer")
    hosts = values["webhook_hosts"]
    if not isinstance(hosts, list | tuple) or not all(isinstance(h, str) and h.strip()
                                                      for h in hosts):
        raise SettingsError("[api]: webhook_hosts must be a list of host names, e.g. "
                            '["feeds.example.gov.cn"]')
    return ApiSettings(bool(values["rate_limit"]), values["public_per_minute"],
                       values["token_per_minute"], str(values["cors_origin"]),
                       tuple(h.strip().lower().rstrip(".") for h in hosts))


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise SettingsError(f"settings file {path} does not exist; pass --config with the path "
                            "of a TOML file or unset GATEWAY_CONFIG")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None


def _publisher(name: str, section: Any, env: Mapping[str, str]) -> PublisherSettings:
    where = f"[publishers.{name}]"
    if not isinstance(section, dict):
        raise SettingsError(f"{where} must be a table")
    system, url = section.get("system"), section.get("url")
    if system not in SYSTEMS:
        raise SettingsError(f"{where}: system must be one of {', '.join(SYSTEMS)}, "
                            f"not {system!r}")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise SettingsError(f"{where}: url must be an http(s) URL, not {url!r}")
    options = CONNECTOR_OPTIONS[system]
    known = {"system", "url", "token", "schedule"} | options | CLIENT_OPTIONS
    unknown = sorted(set(section) - known)
    if unknown:
        raise SettingsError(f"{where}: unknown setting(s) {unknown} for a {system} publisher; "
                            f"known: {sorted(known)}")
    token = env.get(f"GATEWAY_TOKEN_{name.upper()}") or section.get("token")
    return PublisherSettings(
        name, system, url, token, section.get("schedule"),
        {k: v for k, v in section.items() if k in options},
        {k: v for k, v in section.items() if k in CLIENT_OPTIONS})


def simulated_publishers(urls: Mapping[str, str],
                         tokens: Mapping[str, str] | None = None) -> dict[str, PublisherSettings]:
    """Publisher settings for the simulated systems (``{system: url}``), one per system."""
    tokens = tokens or {}
    return {system: PublisherSettings(system, system, url, tokens.get(system))
            for system, url in urls.items()}
