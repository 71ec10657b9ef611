"""Locate the shared reference files (the official AEF template, the check catalogue, submissions).

The UNFCCC template is read from ``shared/reference/article6/`` and is *not* shipped inside this
package: its SOURCES.md records no licence for the copy we hold, so redistribution is not cleared.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "GATEWAY_REFERENCE_DIR"
TEMPLATE_NAME = "AEF_CMA6_second_iteration.xlsx"


def reference_dir() -> Path:
    """Return the shared reference directory (``GATEWAY_REFERENCE_DIR`` overrides the default).

    The default is computed from the repository root: ``<repo>/../shared/reference``.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def article6_dir() -> Path:
    """Return the Article 6 reference folder."""
    return reference_dir() / "article6"


def template_path() -> Path:
    """Return the path of the official AEF template (CMA.6, second iteration)."""
    return article6_dir() / TEMPLATE_NAME


def check_catalogue_path() -> Path:
    """Return the path of the consistency-check catalogue workbook."""
    return article6_dir() / "consistency-checks.xlsx"


def submissions_dir() -> Path:
    """Return the folder holding real Party AEF submissions."""
    return article6_dir() / "submissions"
