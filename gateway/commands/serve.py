"""``gateway serve`` (the partner API) and ``gateway token new|hash``."""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any

import click

DEFAULT_WORKERS = min(8, os.cpu_count() or 1)  # gunicorn processes
DEFAULT_THREADS = 4                            # threads per process

TIERS = ("partner", "agency")


def register(cli: click.Group) -> None:
    cli.add_command(serve_command)
    cli.add_command(token_group)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to bind.")
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True, type=click.IntRange(1),
              help="Server processes (gunicorn; default: one per core, at most 8).")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, type=click.IntRange(1),
              help="Threads per server process.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="Store to serve (default: DATA_DIR/gateway.db).")
@click.option("--no-rate-limit", is_flag=True, help="Turn rate limits off (benchmarks).")
@click.pass_obj
def serve_command(obj: Any, host: str, port: int, workers: int, threads: int,
                  db_path: str | None, no_rate_limit: bool) -> None:
    """Serve the partner API, OpenAPI docs and linked-data URIs (gunicorn).

    提供合作方接口、OpenAPI 文档与关联数据 URI。
    """
    from ..web.server import serve

    settings = _settings(obj.settings, no_rate_limit)
    click.echo(f"serving {db_path or settings.db_path} on http://{host}:{port}/api/v1/ "
               f"({workers} processes × {threads} threads; docs at /api/v1/docs); Ctrl-C to stop",
               err=True)
    serve(settings, host, port, threads, db_path, workers)


def _settings(settings: Any, no_rate_limit: bool) -> Any:
    if not no_rate_limit:
        return settings
    return dataclasses.replace(settings, api=dataclasses.replace(settings.api,
                                                                 rate_limit=False))


@click.group("token")
def token_group() -> None:
    """Make API tokens and the hashes the settings store."""


@token_group.command("new")
@click.option("--name", required=True, help="Who holds the token (e.g. unfccc-secretariat).")
@click.option("--tier", type=click.Choice(TIERS), required=True, help="Access tier.")
def token_new(name: str, tier: str) -> None:
    """Print a fresh token (give it to its holder) and the [[tokens]] entry to configure."""
    from ..web.auth import hash_token, new_token

    token = new_token()
    click.echo(f"token (give this to {name}; it is not stored anywhere): {token}", err=True)
    click.echo(f'[[tokens]]\nname = "{name}"\ntier = "{tier}"\nsha256 = "{hash_token(token)}"')


@token_group.command("hash")
@click.argument("token", required=False)
def token_hash(token: str | None) -> None:
    """Print the SHA-256 of TOKEN (or of the first line of stdin) for the settings."""
    from ..web.auth import hash_token

    if token is None:
        token = sys.stdin.readline().strip()
    if not token:
        raise click.UsageError("give a token as argument or on stdin")
    click.echo(hash_token(token))
