"""Linked data for the gateway: records, code lists, vocabulary, catalogue, dumps.

Pure functions (no database, no Flask). The API calls :func:`record_graph`,
:func:`codelist_graph`, :func:`catalog_graph`, :func:`vocabulary_graph` and
:func:`jsonld_context`; ``gateway publish`` calls the streaming writers.
See ``docs/linked-data.md``.
"""

from __future__ import annotations

from .catalog import CatalogInfo, catalog_graph
from .codelists import codelist_graph, codelist_triples, schemes
from .context import jsonld_context, kind_context
from .cube import CUBES, dataset_triples, structure_triples
from .namespaces import DEFAULT_BASE, bind, cm_ns, prefixes
from .provenance import agent_triples, provenance_graph, run_triples
from .records import NotPublishable, publishable, record_graph, record_triples, record_uri
from .streaming import FORMATS, DumpWriter, nt_lines
from .tables import PERIOD_FIELDS, TABLES, period_of
from .terms import Lit, code_uri, dataset_uri, graph_of, org_uri, thing_uri
from .vocabulary import vocabulary_graph, vocabulary_triples

__all__ = [
    "CUBES", "DEFAULT_BASE", "FORMATS", "PERIOD_FIELDS", "TABLES", "CatalogInfo", "DumpWriter",
    "Lit", "NotPublishable", "agent_triples", "bind", "catalog_graph", "cm_ns", "code_uri",
    "codelist_graph", "codelist_triples", "dataset_triples", "dataset_uri", "graph_of",
    "jsonld_context", "kind_context", "nt_lines", "org_uri", "period_of", "prefixes",
    "provenance_graph", "publishable", "record_graph", "record_triples", "record_uri",
    "run_triples", "schemes", "structure_triples", "thing_uri", "vocabulary_graph",
    "vocabulary_triples",
]
