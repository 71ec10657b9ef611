"""Map a CCER project (type code, methodology) to AEF sector, activity type and mitigation type."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mappings.aef.codelists import crosswalk

METHODOLOGY_RE = re.compile(r"CCER\s*[-—–]\s*(\d{2})\s*[-—–]\s*(\d{3})(?:\s*[-—–]\s*V(\d{2}))?", re.I)


@dataclass(frozen=True)
class SectorMapping:
    """AEF sector/activity/mitigation type for one project, and how it was found."""

    sector: str | None
    activity_type: str | None
    mitigation_type: str
    basis: str  # "methodology", "project_type", "scope" or "unmapped"


def normalise_methodology(value: str | None) -> str | None:
    """Return ``CCER-ss-nnn-Vnn`` with ASCII hyphens (official texts use em dashes)."""
    if not value:
        return None
    match = METHODOLOGY_RE.search(value)
    if not match:
        return value.strip()
    scope, number, ver = match.groups()
    return f"CCER-{scope}-{number}-V{ver or '01'}"


def _by_key(key: str, value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    for entry in crosswalk()["by_methodology"]:
        if entry.get(key) == value:
            return entry
    return None


def map_project(project: dict[str, Any] | None) -> SectorMapping:
    """Return the AEF sector mapping of a CCER project record (None → unmapped)."""
    default_mt = crosswalk()["default_mitigation_type"]
    if not project:
        return SectorMapping(None, None, default_mt, "unmapped")
    methodology = normalise_methodology(project.get("methodology"))
    entry = _by_key("methodology", methodology)
    basis = "methodology"
    if entry is None:
        entry, basis = _by_key("project_type", project.get("project_type")), "project_type"
    if entry is not None:
        return SectorMapping(entry["sector"], entry["activity_type"], entry["mitigation_type"], basis)
    return _map_by_scope(methodology, default_mt)


def _map_by_scope(methodology: str | None, default_mt: str) -> SectorMapping:
    match = METHODOLOGY_RE.search(methodology or "")
    scope = crosswalk()["by_scope"].get(match.group(1)) if match else None
    if not scope:
        return SectorMapping(None, None, default_mt, "unmapped")
    return SectorMapping(
        scope["sector"], scope.get("activity_type"), scope.get("mitigation_type", default_mt), "scope"
    )
