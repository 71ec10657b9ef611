"""Our SHACL shapes (``*.ttl`` here), written for the default base and rebased on load."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from ..namespaces import DEFAULT_BASE

SHAPES_DIR = Path(__file__).parent
NAMES = ("observations", "pledges", "trades")


def shapes_text(name: str, base: str = DEFAULT_BASE) -> str:
    """One shapes file as Turtle, with the default base replaced by ``base``."""
    text = (SHAPES_DIR / f"{name}.ttl").read_text(encoding="utf-8")
    return text.replace(DEFAULT_BASE, base.rstrip("/"))


def shapes_graph(base: str = DEFAULT_BASE, names: tuple[str, ...] = NAMES) -> Graph:
    """Our shapes (all files, or ``names``) as one rdflib Graph."""
    graph = Graph()
    for name in names:
        graph.parse(data=shapes_text(name, base), format="turtle")
    return graph
