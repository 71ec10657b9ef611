"""Load the versioned AEF code lists and field definitions shipped as JSON data files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CODELIST_DIR = Path(__file__).resolve().parent / "codelists"


@cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed JSON data file ``codelists/<name>.json``."""
    with (CODELIST_DIR / f"{name}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def notations(name: str, *, with_alt: bool = False) -> set[str]:
    """Return the set of codes of a code list (optionally with known alternative spellings)."""
    out: set[str] = set()
    for code in load(name)["codes"]:
        out.add(code["notation"])
        if with_alt:
            out.update(code.get("alt", []))
    return out


def label(name: str, notation: str, lang: str = "en") -> str | None:
    """Return the label of ``notation`` in ``lang`` (``zh`` or ``en``), or None if unknown."""
    for code in load(name)["codes"]:
        if code["notation"] == notation or notation in code.get("alt", []):
            return code.get(lang)
    return None


def version(name: str) -> str:
    """Return the version string of a code list."""
    return load(name)["version"]


def field_spec() -> dict[str, Any]:
    """Return the AEF template structure and CAD Trust crosswalk (``aef_fields.json``)."""
    return load("aef_fields")


def crosswalk() -> dict[str, Any]:
    """Return the CCER methodology/project type to AEF sector/activity crosswalk."""
    return load("ccer_aef_crosswalk")


def check_catalogue() -> dict[str, dict[str, Any]]:
    """Return the check catalogue keyed by check id."""
    return {c["id"]: c for c in load("checks")["checks"]}
