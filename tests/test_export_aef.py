"""``gateway export aef`` on data pulled from the simulated registry."""

from __future__ import annotations

import csv
import json

import openpyxl
from click.testing import CliRunner

from gateway.cli import cli
from mappings.aef import template_path

from .conftest import REFERENCE


def export(pulled_store, *args: str):
    env = {"GATEWAY_DATA_DIR": str(pulled_store.path.parent)}
    return CliRunner().invoke(cli, ["export", "aef", *args], env=env, catch_exceptions=False)


def transfer_years(pulled_store) -> list[int]:
    rows = pulled_store.query("SELECT DISTINCT substr(event_time, 1, 4) AS y "
                              "FROM current_a6_transfer WHERE first = 1")
    return sorted(int(r["y"]) for r in rows)


def test_xlsx_fills_the_official_template(pulled_store, tmp_path):
    year = transfer_years(pulled_store)[-1]
    out = tmp_path / "aef.xlsx"
    result = export(pulled_store, "--year", str(year), "--out", str(out))
    assert result.exit_code == 0, result.output
    ours, official = openpyxl.load_workbook(out), openpyxl.load_workbook(template_path())
    assert ours.sheetnames == official.sheetnames
    actions = ours["Table 3 Actions"]
    ids = [c.value for row in actions.iter_rows() for c in row
           if isinstance(c.value, str) and "-CHN01-CHN-" in c.value]
    assert ids, "first transfers carry full ITMO identifiers"
    assert all(i.startswith("CA") and i.endswith(tuple("0123456789")) for i in ids)


def test_csv_has_the_template_labels_and_json_the_cad_trust_keys(pulled_store, tmp_path):
    year = transfer_years(pulled_store)[-1]
    assert export(pulled_store, "--year", str(year), "--out", str(tmp_path / "csv"),
                  "--format", "csv", "--bom").exit_code == 0
    with open(tmp_path / "csv" / "table3_actions.csv", encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    official = openpyxl.load_workbook(REFERENCE / "article6" / "AEF_CMA6_second_iteration.xlsx")
    labels = {str(c.value).strip() for row in official["Table 3 Actions"].iter_rows()
              for c in row if c.value}
    assert header and all(h.strip() in labels for h in header)
    assert export(pulled_store, "--year", str(year), "--out", str(tmp_path / "aef.json"),
                  "--json").exit_code == 0
    doc = json.loads((tmp_path / "aef.json").read_text(encoding="utf-8"))
    assert "aefT3ActionsDate" in json.dumps(doc)


def test_findings_are_reported_as_json(pulled_store, tmp_path):
    result = export(pulled_store, "--year", "2025", "--out", str(tmp_path / "a.json"), "--json")
    report = json.loads(result.output)
    assert report["written"] and all({"check_id", "severity", "message_en", "message_zh"}
                                     <= set(f) for f in report["findings"])


def test_the_api_serves_the_same_aef(pulled_store):
    import io
    import zipfile

    from gateway.settings import load_settings
    from gateway.web import create_app

    app = create_app(load_settings(env={"GATEWAY_RATE_LIMIT": "0"}), pulled_store.path)
    client = app.test_client()
    year = transfer_years(pulled_store)[-1]
    doc = client.get(f"/api/v1/article6/aef?year={year}").get_json()
    assert "aefT3ActionsDate" in json.dumps(doc["aef"]) and isinstance(doc["findings"], list)
    xlsx = client.get(f"/api/v1/article6/aef?year={year}&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert workbook.sheetnames == openpyxl.load_workbook(template_path()).sheetnames
    archive = zipfile.ZipFile(io.BytesIO(client.get(
        f"/api/v1/article6/aef?year={year}&format=csv").data))
    assert "table3_actions.csv" in archive.namelist()
    bad = client.get("/api/v1/article6/aef?year=1999")
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
