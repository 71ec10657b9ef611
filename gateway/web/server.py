"""Serving the app: gunicorn (pre-forked processes × threads) for ``gateway serve``,
waitress (threads in this process) for serving in the background of another command."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.settings import Settings

DEFAULT_HOST, DEFAULT_PORT, DEFAULT_THREADS = "127.0.0.1", 8000, 4


def make_server(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                threads: int = DEFAULT_THREADS, store_path: str | Path | None = None):
    """A waitress server for the app (not yet running); ``port=0`` picks a free port."""
    from waitress.server import create_server

    from . import create_app

    app = create_app(settings, store_path)
    return create_server(app, host=host, port=port, threads=threads,
                         ident="carbon-gateway", channel_timeout=30,
                         connection_limit=1000, clear_untrusted_proxy_headers=True)


def serve(settings: Settings, host: str, port: int, threads: int,
          store_path: str | Path | None, workers: int) -> None:
    """Serve until interrupted: gunicorn, ``workers`` processes of ``threads`` threads."""
    from . import create_app

    run_gunicorn(lambda: create_app(settings, store_path), host, port, workers, threads)


def run_gunicorn(app_factory: Callable[[], Any], host: str, port: int, workers: int,
                 threads: int) -> None:
    """Run gunicorn in the foreground. Each worker process builds its own app after the
    fork (so no SQLite connection crosses a fork); SIGINT/SIGTERM stop it gracefully."""
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                       "worker_class": "gthread", "timeout": 60, "graceful_timeout": 10,
                       "keepalive": 5, "proc_name": "carbon-gateway",
                       "forwarded_allow_ips": "127.0.0.1"}
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return app_factory()

    Gunicorn().run()


def serve_in_background(settings: Settings, host: str = DEFAULT_HOST,
                        port: int = DEFAULT_PORT, threads: int = DEFAULT_THREADS,
                        store_path: str | Path | None = None):
    """Start serving on a daemon thread; returns the server (``.close()`` to stop)."""
    server = make_server(settings, host, port, threads, store_path)
    threading.Thread(target=_run_until_closed, args=(server,), name="gateway-api",
                     daemon=True).start()
    return server


def _run_until_closed(server) -> None:
    """Run a server; closing it from another thread ends the loop with EBADF: that is fine."""
    with contextlib.suppress(OSError, ValueError):
        server.run()
