"""Connectors to the internal systems of the national carbon market.

The layer knows the internal systems (``/work/shared/internal-systems.md``) and nothing of
the store: a connector yields the items of :mod:`publishers.base`. Modules:

* :mod:`publishers.http` — the shared HTTP client (timeouts, retries, auth) and its errors;
* :mod:`publishers.safexml` — a hardened XML parser and the registry event reader;
* :mod:`publishers.csvio` — the platform's report CSV reader and number normalisation;
* :mod:`publishers.registry`, :mod:`publishers.exchange`, :mod:`publishers.platform` — the
  connectors, each built as ``Connector(name, url, token, *, options=ClientOptions(...),
  **connector_options)`` (``gateway.pulls`` does it from ``[publishers.NAME]``).

This package imports nothing from ``gateway``, ``schemas`` or ``mappings``.


Note: the package must stay importable as a namespace package too (an editable install made
before this file existed maps it so), hence nothing is defined here.
"""
