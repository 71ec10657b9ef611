"""Bulk snapshots: public-only files, a valid data package, a manifest, release diffs."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import schemas
from gateway.publish import PublishContext, publish

from .samples import raw
from .test_api_data import _apply, accepted, build_store, settings

FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def frictionless_errors(package: Path) -> str | None:
    """``frictionless validate datapackage.json``: None when valid, else its report."""
    done = subprocess.run([str(FRICTIONLESS), "validate", "--json", package.name],
                          cwd=package.parent, capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    return None if report["valid"] else json.dumps(report, ensure_ascii=False)[:3000]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """Two releases: the API test store, then a correction, a withdrawal and an addition."""
    data_dir = tmp_path_factory.mktemp("snapshots")
    store = build_store(data_dir / "gateway.db")
    out = data_dir / "publish"

    def release(day: str) -> dict:
        return publish(PublishContext(settings(data_dir), store, out, day),
                       ["snapshots"])["snapshots"]

    first = release("2026-01-01")
    _apply(store, [accepted("compliance", raw("compliance", obligation=1849901),
                            reason="the platform corrected the obligation"),
                   accepted("pledge", raw("pledge"), retract=True),
                   accepted("compliance", raw("compliance", complianceYear=2025))])
    second = release("2026-01-02")
    store.close()
    return out / "snapshots", first, second


def test_public_files_only_and_a_valid_data_package(released):
    root, first, _ = released
    folder = root / "2026-01-01"
    public = {k for k in schemas.KINDS
              if set(schemas.KINDS[k].key_fields) <= set(schemas.visible_fields(k, "public"))}
    assert {p.stem for p in folder.glob("*.csv")} == public
    assert not (folder / "trade.csv").exists() and not (folder / "key_parameter.jsonl").exists()
    for kind in public:
        with open(folder / f"{kind}.csv", encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        assert header == schemas.visible_fields(kind, "public")
        lines = (folder / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == first["rows"][kind]
    pledge = json.loads((folder / "pledge.jsonl").read_text(encoding="utf-8"))
    assert "secured_amount" not in pledge and pledge["status"]       # derived, public
    assert "7777004" not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"] and all(r["sources"] for r in package["resources"])
    fields = {f["name"]: f for r in package["resources"] if r["path"] == "emission_report.csv"
              for f in r["schema"]["fields"]}
    assert fields["verified_emissions"]["unit"] == "tCO2e"
    assert fields["verified_emissions"]["type"] == "integer"
    assert "核查" in fields["verified_emissions"]["title"]
    assert frictionless_errors(folder / "datapackage.json") is None


def test_the_manifest_hashes_every_file(released):
    root, first, _ = released
    folder = root / first["release"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in folder.iterdir()} - {"manifest.json", "SHA256SUMS"}
    for name, entry in listed.items():
        data = (folder / name).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"], entry["sha256"])
    assert manifest["log_seq"] == first["log_seq"] > 0
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(listed)


def test_releases_side_by_side_with_a_diff_and_reasons(released):
    root, first, second = released
    assert [r["release"] for r in json.loads((root / "releases.json").read_text())] == [
        "2026-01-01", "2026-01-02"]
    assert second["diff"]["summary"] == {
        "compliance": {"added": 1, "changed": 1, "withdrawn": 0},
        "pledge": {"added": 0, "changed": 0, "withdrawn": 1}}
    diff = json.loads((root / "2026-01-02" / "diff-from-2026-01-01.json").read_text())
    assert (diff["from_log_seq"], diff["to_log_seq"]) == (first["log_seq"], second["log_seq"])
    by_change = {c["change"]: c for c in diff["changes"]}
    assert by_change["changed"]["reasons"][0]["reason"] == "the platform corrected the obligation"
    assert by_change["withdrawn"]["key"] == "ZY2025000123"
    assert by_change["withdrawn"]["reasons"][0]["op"] == "retract"
    assert by_change["added"]["key"].endswith("/2025")
    assert frictionless_errors(root / "2026-01-02" / "datapackage.json") is None


def test_a_bom_release_is_still_a_valid_package(tmp_path, monkeypatch):
    store = build_store(tmp_path / "gateway.db")
    monkeypatch.setenv("GATEWAY_SNAPSHOT_BOM", "1")
    publish(PublishContext(settings(tmp_path), store, tmp_path / "out", "2026-02-01"),
            ["snapshots"])
    store.close()
    folder = tmp_path / "out" / "snapshots" / "2026-02-01"
    assert (folder / "entity.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert frictionless_errors(folder / "datapackage.json") is None
