"""Running publishers: connector construction, one run per publisher, checks after."""

from __future__ import annotations

from collections.abc import Callable

from publishers.base import Connector
from publishers.exchange import ExchangeConnector
from publishers.http import ClientOptions, SourceUnavailable
from publishers.platform import PlatformConnector
from publishers.registry import RegistryConnector

from .checks import run_checks
from .pipeline import Ingest, RunReport, consume
from .settings import PublisherSettings
from .store import Store

CONNECTORS = {"registry": RegistryConnector, "exchange": ExchangeConnector,
              "platform": PlatformConnector}


def make_connector(settings: PublisherSettings, **overrides: object) -> Connector:
    """Build the connector a publisher's settings describe."""
    options = ClientOptions(**settings.client)
    factory = CONNECTORS[settings.system]
    return factory(settings.name, settings.url, settings.token, options=options,
                   **{**settings.options, **overrides})


def pull(store: Store, settings: PublisherSettings, connector: Connector | None = None,
         progress: Callable[[int], None] | None = None) -> RunReport:
    """Run one publisher: fetch from its cursors, store, check; never raises for bad data.

    When the system cannot be reached the report's ``status`` is ``failed`` and
    ``failure`` says why; everything received before the failure is kept.
    """
    connector = connector or make_connector(settings)
    before = store.cursors(settings.name)
    first_seq = store.next_seq()
    run_id = store.start_run(settings.name, settings.system, before)
    report = RunReport(settings.name, run_id, cursor_before=before)
    status = "interrupted"
    try:
        consume(Ingest(store, settings.name, run_id, report), connector.fetch(before), progress)
        status = "ok"
    except SourceUnavailable as error:
        status, report.failure = "failed", str(error)
        _keep_last_response(store, run_id, error)
    finally:
        store.finish_run(run_id, status, report.failure)
        report.status = status
        report.cursor_after = store.cursors(settings.name)
    run_checks(store, run_id, since_seq=first_seq)
    return report


def _keep_last_response(store: Store, run_id: int, error: SourceUnavailable) -> None:
    """The body of the response that ended a pull is evidence too: keep it."""
    if error.response is None:
        return
    payload = error.response.to_payload()
    with store.transaction():
        store.keep_payload(run_id, payload.url, payload.body, payload.media_type,
                           payload.status, payload.sha256, payload.fetched_at)
