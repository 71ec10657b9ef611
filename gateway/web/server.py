"""Serving the app with waitress (a production WSGI server, threads, no fork)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from gateway.settings import Settings

DEFAULT_HOST, DEFAULT_PORT, DEFAULT_THREADS = "127.0.0.1", 8000, 8


def make_server(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                threads: int = DEFAULT_THREADS, store_path: str | Path | None = None):
    """A waitress server for the app (not yet running); ``port=0`` picks a free port."""
    from waitress.server import create_server

    from . import create_app

    app = create_app(settings, store_path)
    return create_server(app, host=host, port=port, threads=threads,
                         ident="carbon-gateway", channel_timeout=30,
                         connection_limit=1000, clear_untrusted_proxy_headers=True)


def serve(settings: Settings, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          threads: int = DEFAULT_THREADS, store_path: str | Path | None = None) -> None:
    """Serve until interrupted."""
    server = make_server(settings, host, port, threads, store_path)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


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
