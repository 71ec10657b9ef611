"""Stateful schemathesis against the API served over real HTTP, following the OpenAPI links.

The document links each kind's list (200) to the first item's record and history, and each
record to its history (:func:`gateway.web.openapi.add_links`). For each kind, schemathesis
builds a state machine from those links: it lists the kind (with generated filters, sorts
and page sizes), then reads records and histories with the keys taken from the page,
checking every answer with its default checks (status codes, content types, schemas,
headers, auth). Link inference is switched off, so only the document's own links are
followed, and the test requires that following them reached a record and a history (200),
so it cannot pass without the links working.

One state machine per kind, not one for the whole API: schemathesis only starts scenarios
at "reliable" roots, and it takes a list's optional ``project_id`` or ``authorization_id``
filter for a reference to a resource nothing produces, which would leave the CCER and
Article 6 lists out of a shared machine.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from werkzeug.serving import WSGIRequestHandler, make_server

import schemas
from gateway.web import create_app

from .samples import raw
from .test_api_data import TOKENS, _apply, accepted, build_store
from .test_api_data import settings as app_settings

AGENCY = {"Authorization": f"Bearer {TOKENS['agency']}"}  # every kind is reachable
# As in test_openapi.py: the opaque 'after' cursor and free-text 'as_of' cannot be narrowed
# by a schema to the values we accept, so a schema-valid request may rightly get 400.
EXCLUDED = [positive_data_acceptance]
SCENARIOS = 30  # per kind: 1.5–3 s each, about 30 s for the module
STEPS = 6
KINDS = list(schemas.KINDS)


class _QuietHandler(WSGIRequestHandler):
    """No access log: thousands of requests; schemathesis reports the failing ones."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, served by a thread for this module."""
    data_dir = tmp_path_factory.mktemp("stateful")
    store = build_store(data_dir / "gateway.db")
    # The shared store's only cancellation is retracted, so its list is empty: add one.
    _apply(store, [accepted("cancellation", raw("cancellation", seq="10016"))])
    store.close()
    server = make_server("127.0.0.1", 0, create_app(app_settings(data_dir)), threaded=True,
                         request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def api_schema(base_url):
    loaded = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", timeout=10)
    # Only the links the document declares: none inferred from schemas or Location headers.
    loaded.config.phases.stateful.inference.algorithms = []
    return loaded


def _labels(kind: str) -> tuple[str, str, str]:
    keys = "/".join(f"{{{k}}}" for k in schemas.KINDS[kind].key_fields)
    return (f"GET /api/v1/{kind}", f"GET /api/v1/{kind}/{keys}",
            f"GET /api/v1/{kind}/{keys}/history")


def _kind_schema(api_schema, kind: str):
    return api_schema.include(operation_id_regex=f"^{kind}_(list|item|history)$")


def test_links_become_transitions(api_schema):
    """Every kind: list → record, list → history, record → history; none inferred."""
    machine = api_schema.as_state_machine()
    outgoing = {label: sorted((link.name, link.target.label, link.is_inferred)
                              for link in ops.outgoing)
                for label, ops in machine._transitions.operations.items()}
    for kind in KINDS:
        listing, item, history = _labels(kind)
        assert outgoing[listing] == [("history", history, False), ("item", item, False)]
        assert outgoing[item] == [("history", history, False)]
        assert f"{listing} -> 200" in machine.bundles and f"{item} -> 200" in machine.bundles


@pytest.mark.parametrize("kind", KINDS)
def test_stateful(api_schema, kind):
    """List the kind, follow the links; every answer passes the default checks."""
    followed: Counter[tuple[str, str, int]] = Counter()  # link followed: (source, target, status)
    exact: list[tuple[str, int]] = []  # the whole key from the link, no query: (target, status)
    keys = set(schemas.KINDS[kind].key_fields)

    class Workflow(_kind_schema(api_schema, kind).as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"headers": AGENCY, "timeout": 10}

        def step(self, input):
            output = super().step(input)
            if input.transition is not None and input.is_applied:
                source = self.recorder.cases[input.transition.parent_id].value.operation.label
                target, status = input.case.operation.label, output.response.status_code
                followed[(source, target, status)] += 1
                applied = {name for _, name in input.applied_parameters}
                positive = input.case.meta.generation.mode is GenerationMode.POSITIVE
                if applied == keys and not input.case.query and positive:
                    exact.append((target, status))
            return output

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=EXCLUDED, transport_kwargs=kwargs or None,
                                   recorder=self.recorder)

    listing, item, history = _labels(kind)
    # Most generated filters match nothing, and a link needs a page with a record on it, so
    # a run reaches a record by luck of the draw: the draw shifts with what ran before in the
    # process (30 scenarios were once too few for ccer_issuance after test_feeds). A run that
    # reached no record is followed by one of three times as many scenarios.
    for scenarios in (SCENARIOS, 3 * SCENARIOS):
        Workflow.run(settings=settings(
            max_examples=scenarios, stateful_step_count=STEPS, deadline=None,
            derandomize=True, database=None, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck)))
        if followed[(listing, item, 200)]:
            break
    # The links were followed: a record and a history read with a key from a page answered 200.
    assert followed[(listing, item, 200)], followed
    assert followed[(listing, history, 200)] + followed[(item, history, 200)], followed
    # And a key taken whole from a page (or from a record's own URL) always addresses it:
    # listed records are current and not retracted, so no 404 or 410.
    assert exact and all(status == 200 for _, status in exact), exact
