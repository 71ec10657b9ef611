"""Data flows one way: publishers → schemas → store → mappings → serving.

Each project package may import only the packages this table allows; the test reads
every module's imports with ``ast`` (nothing is executed) and lists each violation.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = {"schemas", "publishers", "mappings", "gateway", "datasette_config"}

# module prefix -> project modules it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "publishers": set(),
    "mappings": {"schemas"},
    "gateway.store": {"schemas"},
    "gateway": {"schemas", "publishers", "mappings", "gateway", "datasette_config"},
    "datasette_config": {"schemas", "mappings"},
}
# Within gateway, the store and the pipeline never reach up into serving code.
FORBIDDEN_INSIDE_GATEWAY = {
    "gateway.store": {"gateway.pipeline", "gateway.pulls", "gateway.cli", "gateway.api",
                      "gateway.feeds", "gateway.web", "gateway.publish"},
    "gateway.pipeline": {"gateway.api", "gateway.feeds", "gateway.web", "gateway.cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return {m for m in found if m.split(".")[0] in PROJECT}


def rule_for(module: str) -> set[str]:
    best = max((prefix for prefix in ALLOWED
                if module == prefix or module.startswith(prefix + ".")), key=len)
    return ALLOWED[best]


def violations() -> list[str]:
    found = []
    for top in sorted(PROJECT):
        for path in sorted((REPO / top).rglob("*.py")):
            module = module_name(path)
            allowed = rule_for(module) | {module.split(".")[0] if module.split(".")[0] !=
                                          "gateway" else "gateway.store"}
            for target in sorted(imported_modules(path)):
                if target.split(".")[0] == module.split(".")[0] and top != "gateway":
                    continue
                ok = any(target == a or target.startswith(a + ".") for a in allowed)
                if module.startswith("gateway.store") and target.startswith("gateway.store"):
                    ok = True
                for prefix, banned in FORBIDDEN_INSIDE_GATEWAY.items():
                    if module.startswith(prefix) and any(
                            target == b or target.startswith(b + ".") for b in banned):
                        ok = False
                if not ok:
                    found.append(f"{path.relative_to(REPO)}: {module} imports {target}")
    return found


def test_imports_follow_the_one_way_data_flow():
    assert violations() == []


def test_the_checker_sees_relative_and_absolute_imports(tmp_path):
    source = REPO / "gateway" / "pipeline.py"
    targets = imported_modules(source)
    assert "gateway.store" in targets and "publishers.base" in targets and "schemas" in targets
