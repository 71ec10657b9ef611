"""``gateway browse``: serve the published public site with Datasette."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8001


def register(cli: click.Group) -> None:
    cli.add_command(browse)


def site_dir(data_dir: Path) -> Path:
    """Where ``gateway publish`` writes the Datasette site (see gateway.publish.public_db)."""
    from ..publish.public_db import SITE_DIR

    return data_dir / "publish" / SITE_DIR


def datasette_command(site: Path, host: str, port: int) -> list[str]:
    """The command that serves a published site (immutable, with its inspect file)."""
    return [sys.executable, "-m", "datasette", "serve", str(site), "--host", host,
            "--port", str(port)]


def start(site: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          wait: float = 30.0, **popen: object) -> subprocess.Popen:
    """Start Datasette on a published site and wait until it answers (for ``demo``)."""
    check_site(site)
    process = subprocess.Popen(datasette_command(site, host, port), **popen)  # type: ignore[call-overload]
    url = f"http://{host}:{port}/-/versions.json"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException(f"datasette exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise click.ClickException(f"datasette did not answer at {url} within {wait:.0f} s")


def check_site(site: Path) -> None:
    from ..publish.public_db import DB_NAME

    if not (site / DB_NAME).exists():
        raise click.ClickException(
            f"no public site at {site}: run `gateway publish` first (it writes {DB_NAME}, "
            "the inspect file and the Datasette configuration there)")


@click.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int,
              help="Port to listen on.")
@click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path),
              help="Published site directory (default: DATA_DIR/publish/datasette).")
@click.pass_obj
def browse(obj, host: str, port: int, site: Path | None) -> None:
    """Serve the public data (public.db) in Datasette for browsing and download.

    浏览与下载公开数据：用 Datasette 提供 public.db。
    """
    site = site or site_dir(obj.settings.data_dir)
    check_site(site)
    click.echo(f"public data: http://{host}:{port}/  (Ctrl-C to stop)", err=True)
    command = datasette_command(site, host, port)
    os.execv(command[0], command)   # Datasette takes over this process (and Ctrl-C)
