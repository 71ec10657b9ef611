"""Locating the shared reference files; the template is read from shared/, not shipped."""

from __future__ import annotations

from pathlib import Path

import mappings.aef
from mappings.aef.reference import reference_dir, template_path


def test_default_reference_dir_is_next_to_the_repo(monkeypatch):
    monkeypatch.delenv("GATEWAY_REFERENCE_DIR", raising=False)
    repo = Path(mappings.aef.__file__).resolve().parents[2]
    assert reference_dir() == repo.parent / "shared" / "reference"
    assert template_path().is_file()


def test_env_override(monkeypatch, tmp_path):
    monkeypatch.setenv("GATEWAY_REFERENCE_DIR", str(tmp_path))
    assert reference_dir() == tmp_path
    assert template_path() == tmp_path / "article6" / "AEF_CMA6_second_iteration.xlsx"


def test_template_is_not_shipped_in_the_package():
    package = Path(mappings.aef.__file__).resolve().parent
    assert not list(package.glob("templates/*.xlsx"))
