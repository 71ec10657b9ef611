"""build_aef on synthetic CHN records; JSON twin and CSV renderings."""

from __future__ import annotations

import csv
import json
import re

import openpyxl
import pytest

from mappings.aef import build_aef, from_json, template_path, to_json, to_json_text, write_csv
from mappings.aef.codelists import field_spec
from mappings.aef.itmo import parse_itmo_id
from mappings.aef.model import table_specs
from tests.test_aef_data import AUTHORIZATIONS, ISSUANCES, PROJECTS, SUBMISSION_INFO, TRANSFERS

QTY = "Quantity (t\u00a0CO2\u00a0eq)"


@pytest.fixture(scope="module")
def aef():
    return build_aef(2025, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=SUBMISSION_INFO)


def test_submission_table(aef):
    row = aef.submission_row
    assert row["Party"] == "CHN" and row["Reported year"] == 2025 and row["Version"] == "1.0"
    assert row["Date of submission"] == "10/04/2026"
    assert row["Review status of the initial report"] == "{Information in this field is populated by the CARP}"
    assert row["Reference to the Article 6 technical expert review report of the initial report"] == "{Link to be produced by the CARP}"


def test_actions_are_first_transfers_of_the_year_only(aef):
    assert len(aef.actions) == 3  # 2026 transfers excluded
    assert {r["Acquiring participating Party ID"] for r in aef.actions} == {"CHE", "SGP", "GHA"}
    for row in aef.actions:
        assert row["Action type"] == "First transfer"
        assert row["Action subtype"] == "First international transfer"
        assert re.fullmatch(r"\d{2}/\d{2}/2025", row["Action date"])
        assert row["Transferring participating Party ID"] == "NA"
        assert row["Result of the consistency checks"] is None  # CARP fills it


def test_itmo_ids_and_quantity(aef):
    row = aef.actions[0]
    assert row["First ID"] == "CA0042-CHN01-CHN-100000001-2024"
    assert row["Last ID"] == "CA0042-CHN01-CHN-100050000-2024"
    for row in aef.actions + aef.holdings:
        first, last = parse_itmo_id(row["First ID"]), parse_itmo_id(row["Last ID"])
        assert row[QTY] == last.serial - first.serial + 1
        assert row["Vintage"] == first.vintage


def test_non_first_transfers_are_not_actions():
    extra = {**TRANSFERS[0], "first": False, "registry_seq": 99999, "serial_start": 100200001,
             "serial_end": 100200010, "event_time": "2025-12-01T10:00:00+08:00"}
    aef = build_aef(2025, AUTHORIZATIONS, [*TRANSFERS, extra], PROJECTS, ISSUANCES, submission_info=SUBMISSION_INFO)
    assert len(aef.actions) == 3
    assert any(n["code"] == "skipped_transfer" for n in aef.notes)


def test_authorizations_and_sector_crosswalk(aef):
    by_id = {r["Authorization ID"]: r for r in aef.authorizations}
    assert set(by_id) == {"CHN-A6-2025-001", "CHN-A6-2025-002"}
    wind, forest = by_id["CHN-A6-2025-001"], by_id["CHN-A6-2025-002"]
    assert (wind["Sector(s)"], wind["Activity type(s)"]) == ("Energy generation", "Wind")
    assert (forest["Sector(s)"], forest["Activity type(s)"]) == ("Forestry and land use", "Afforestation")
    assert wind["First transfer definition for OIMP"] == "Authorization"
    assert forest["First transfer definition for OIMP"] == "NA"  # NDC only
    assert wind["Authorized Party(ies) ID"] == "CHE, SGP"
    assert wind["Date of authorization"] == "01/05/2025"
    assert aef.actions[2]["Mitigation type"] == "Removals"


def test_holdings_at_year_end(aef):
    quantities = {r["Authorization ID"]: r[QTY] for r in aef.holdings}
    assert quantities == {"CHN-A6-2025-001": 250000 - 80000, "CHN-A6-2025-002": 80000 - 20000}


def test_authorized_entities_from_project_owners(aef):
    assert [r["Identification number"] for r in aef.authorized_entities] == ["91420100MA4K00010R", "914403001922038216"]


def test_rows_follow_template_label_order(aef):
    for key, rows in aef.tables().items():
        for row in rows:
            assert list(row) == table_specs()[key].labels


def test_json_twin_uses_cad_trust_keys(aef):
    doc = to_json(aef)
    expected_tables = ["aef_t1_submission", "aef_t2_authorizations", "aef_t3_actions", "aef_t4_holdings",
                       "aef_t5_authorized_entities"]
    assert [k for k in doc if k != "x-gateway"] == expected_tables
    for spec in field_spec()["tables"]:
        keys = [f["cadt_key"] for f in spec["fields"]]
        for n, row in enumerate(doc[spec["cadt_table"]]):
            assert [k for k in row if k != "x-gateway"] == keys
            assert all(re.fullmatch(rf"aefT{spec['number']}[A-Z][A-Za-z0-9]+", k) for k in keys)
            if spec["key"] == "actions":
                assert row["x-gateway"]["registry_seq"] == TRANSFERS[n]["registry_seq"]
    t3 = doc["aef_t3_actions"][0]
    assert t3["aefT3ActionsDate"] == "2025-05-10" and t3["aefT3ActionsQuantityTCo2"] == 50000
    assert "aefT2AuthorizationsAuthoziedEntityId" in doc["aef_t2_authorizations"][0]  # CAD Trust spelling
    assert doc["aef_t1_submission"][0]["aefT1SubmissionReviewStatus"] is None
    assert json.loads(to_json_text(aef)) == doc
    assert from_json(doc).tables() == aef.tables()


def _template_labels(ws, spec) -> list[str]:
    """Label of each field column = the lowest non-empty header cell of that column in the template."""
    labels = []
    for f in spec.fields:
        col = openpyxl.utils.column_index_from_string(f.column)
        cells = [ws.cell(r, col).value for r in range(1, spec.header_row + 1)]
        labels.append([v for v in cells if v is not None][-1])
    return labels


@pytest.mark.parametrize("bom", [False, True])
def test_csv_headers_are_template_labels(aef, tmp_path, bom):
    paths = write_csv(aef, tmp_path, bom=bom)
    template = openpyxl.load_workbook(template_path())
    for spec, path in zip(table_specs().values(), paths, strict=True):
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") is bom
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        ws = template[spec.sheet]
        expected = ([ws[f"B{f.row}"].value for f in spec.fields] if spec.layout == "vertical"
                    else _template_labels(ws, spec))
        assert header == expected
        assert len(rows) == len(aef.table(spec.key))
    assert "Quantity (t\u00a0CO2\u00a0eq)" in (tmp_path / "table3_actions.csv").read_text(encoding="utf-8-sig")


def test_template_header_has_no_unmapped_label():
    """Every label the template prints in a table's header row is one of our fields, same column."""
    template = openpyxl.load_workbook(template_path())
    for spec in table_specs().values():
        if spec.layout != "rows":
            continue
        ws = template[spec.sheet]
        printed = {c.column_letter: c.value for c in ws[spec.header_row] if c.value is not None}
        ours = {f.column: f.label for f in spec.fields}
        assert printed.items() <= ours.items()
