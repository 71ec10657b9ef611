"""PROV-O for ingest runs and the gateway software agent.

Each record's own provenance (``prov:wasGeneratedBy`` its run, version, time) is added
by :func:`mappings.rdf.records.record_triples` when the caller passes ``meta``.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph

from . import terms as t
from .values import RDF_TYPE, RDFS_LABEL, expand

AGENT_LABEL = ("碳市场信息公开网关", "Carbon market disclosure gateway")


def agent_uri(base: str, version: str) -> str:
    return f"{t.root(base)}/id/agent/gateway/{t.segment(version)}"


def agent_triples(base: str, version: str, publisher: str | None = None) -> list[t.Triple]:
    """The gateway as a ``prov:SoftwareAgent`` acting on behalf of the publisher."""
    agent = agent_uri(base, version)
    out: list[t.Triple] = [
        (agent, RDF_TYPE, expand("prov:SoftwareAgent", base)),
        (agent, RDFS_LABEL, t.Lit(AGENT_LABEL[0], lang="zh")),
        (agent, RDFS_LABEL, t.Lit(AGENT_LABEL[1], lang="en")),
        (agent, expand("owl:versionInfo", base), t.Lit(version)),
    ]
    if publisher:
        out.append((agent, expand("prov:actedOnBehalfOf", base), publisher))
    return out


def run_triples(run: dict[str, Any], base: str, version: str) -> list[t.Triple]:
    """One ingest run (a row of the store's ``runs`` table) as a ``prov:Activity``.

    Only the run's id, source system, status and times are published; counts and
    cursors stay internal.
    """
    run_iri = t.run_uri(base, run["id"])
    out: list[t.Triple] = [
        (run_iri, RDF_TYPE, expand("prov:Activity", base)),
        (run_iri, RDF_TYPE, expand("cm:IngestRun", base)),
        (run_iri, RDFS_LABEL, t.Lit(f"数据采集运行 {run['id']}", lang="zh")),
        (run_iri, RDFS_LABEL, t.Lit(f"Ingest run {run['id']}", lang="en")),
        (run_iri, expand("prov:wasAssociatedWith", base), agent_uri(base, version)),
        (run_iri, expand("cm:publisherSystem", base), t.Lit(str(run["system"]))),
        (run_iri, expand("cm:runStatus", base), t.Lit(str(run["status"]))),
    ]
    for column, prop in (("started_at", "prov:startedAtTime"), ("finished_at", "prov:endedAtTime")):
        if run.get(column):
            out.append((run_iri, expand(prop, base), t.Lit(str(run[column]), t.XSD_DATETIME)))
    return out


def provenance_graph(runs: list[dict[str, Any]], base: str, version: str,
                     publisher: str | None = None) -> Graph:
    """The agent and every run given, as an rdflib Graph."""
    triples = agent_triples(base, version, publisher)
    for run in runs:
        triples += run_triples(run, base, version)
    return t.graph_of(triples, base)
