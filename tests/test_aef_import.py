"""read_aef_xlsx on every real Party submission in shared/reference/article6/submissions."""

from __future__ import annotations

import pytest

from mappings.aef import check_aef, read_aef_xlsx
from mappings.aef.findings import SEVERITIES, Finding
from mappings.aef.reference import submissions_dir

SUBMISSIONS = sorted(submissions_dir().glob("*.xlsx"))


def test_submissions_are_present():
    assert len(SUBMISSIONS) >= 6


@pytest.mark.parametrize("path", SUBMISSIONS, ids=lambda p: p.name)
def test_every_submission_imports_and_checks(path):
    aef = read_aef_xlsx(path)
    assert aef.metadata["format"].startswith("AEF V")
    assert aef.party
    for note in aef.notes:
        assert note["code"] and note["message_en"] and note["message_zh"]
    findings = check_aef(aef)
    assert all(isinstance(f, Finding) and f.severity in SEVERITIES for f in findings)


def test_thailand_first_transfers():
    aef = read_aef_xlsx(submissions_dir() / "Thailand_AEF_2023.xlsx")
    assert (aef.party, aef.reported_year) == ("THA", 2023)
    assert [r["First ID"] for r in aef.actions] == ["CA0003-THA01-THA-16829005-2022", "CA0003-THA01-THA-16829924-2022"]
    assert aef.actions[0]["Action date"] == "01/12/2023"
    assert aef.actions[0]["Quantity (t\u00a0CO2\u00a0eq)"] == 919
    assert not [f for f in check_aef(aef) if f.check_id == "SYN05"]  # 16829923 - 16829005 + 1 = 919
    assert len(aef.authorized_entities) == 2


def test_guyana_comma_serials_and_labels_moved_between_rows():
    aef = read_aef_xlsx(submissions_dir() / "AEF_CMA6_second_iteration_-_Guyana_2022.xlsx")
    action = aef.actions[0]
    assert action["Cooperative approach ID"] == "CA0005"  # label sits on row 8 here, row 4 in the template
    assert action["Last ID"] == "CA0005-GUY01-GUY-8,732,929-2022"
    assert not [f for f in check_aef(aef) if f.check_id == "SYN05"]
    assert aef.holdings[0]["Vintage"] == 2022  # data starts one row lower in this file


def test_vanuatu_placeholders_and_notes_are_reported():
    aef = read_aef_xlsx(submissions_dir() / "Vanuatu_Annual_Report_for_review.xlsx")
    codes = {n["code"] for n in aef.notes}
    assert {"skipped_placeholder_row", "skipped_note_row"} <= codes
    assert aef.actions == []
    ids = {f.check_id for f in check_aef(aef)}
    assert "SYN02" in ids  # 'VU' is not an alpha-3 Party code


def test_v1_draft_format_is_mapped():
    aef = read_aef_xlsx(submissions_dir() / "AEF_Guyana_2024_Revised_4_Final.xlsx")
    assert aef.metadata["format"].startswith("AEF V1")
    assert (aef.party, aef.reported_year) == ("GUY", 2024)
    assert [r["Authorization ID"] for r in aef.authorizations] == ["GUY 2024-CA1", "GUY 2024-CA2"]
    assert aef.actions[0]["Action type"] == "Authorization"
    assert len(aef.holdings) == 2


def test_unreadable_file_is_a_note_not_an_exception(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    aef = read_aef_xlsx(bad)
    assert aef.notes[0]["code"] == "unreadable"
