"""IPC01 reconciliation against a real Party workbook and against a template-filled partner file."""

from __future__ import annotations

import pytest

from mappings.aef import build_aef, read_aef_xlsx, reconcile_first_transfers, write_xlsx
from mappings.aef.model import AefWorkbook, empty_row
from mappings.aef.reference import submissions_dir
from tests.test_aef_data import AUTHORIZATIONS, ISSUANCES, PROJECTS, SUBMISSION_INFO, TRANSFERS

QTY = "Quantity (t\u00a0CO2\u00a0eq)"


@pytest.fixture(scope="module")
def ours():
    return build_aef(2025, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=SUBMISSION_INFO)


def _acquisition(action: dict, **changes) -> dict:
    """The partner's mirror row of one of our first transfers."""
    row = empty_row("actions")
    row.update({k: action[k] for k in ("Action date", "Cooperative approach ID", "Authorization ID",
                                        "First transferring participating Party ID", "First ID", "Last ID",
                                        "Metric", QTY, "Mitigation type", "Vintage")})
    row.update({"Action type": "Acquisition", "Action subtype": "NA", "Party ITMO registry ID": "GHA01",
                "Transferring participating Party ID": "CHN", "Acquiring participating Party ID": "NA"})
    row.update(changes)
    return row


def test_real_ghana_workbook_with_injected_quantity_mismatch(ours):
    theirs = read_aef_xlsx(submissions_dir() / "AEF_CMA6_gh_1542025.xlsx")
    assert theirs.party == "GHA"
    gha = next(a for a in ours.actions if a["Acquiring participating Party ID"] == "GHA")
    theirs.actions.append(_acquisition(gha, **{QTY: gha[QTY] - 1}))
    result = reconcile_first_transfers(ours, theirs, "GHA")
    assert not result.matches and len(result.mismatches) == 1
    mismatch = result.mismatches[0]
    assert mismatch.kind == "differs" and [r.code for r in mismatch.reasons] == ["quantity"]
    assert {f.check_id for f in result.findings} == {"IPC01", "DR03"}
    assert not result.ok


def test_real_ghana_workbook_without_acquisitions(ours):
    theirs = read_aef_xlsx(submissions_dir() / "AEF_CMA6_gh_1542025.xlsx")
    result = reconcile_first_transfers(ours, theirs, "GHA")
    assert [m.kind for m in result.mismatches] == ["missing_in_theirs"]


def test_partner_workbook_filled_from_the_template(ours, tmp_path):
    che = [a for a in ours.actions if a["Acquiring participating Party ID"] == "CHE"]
    partner = AefWorkbook(submission=[{**empty_row("submission"), "Party": "CHE", "Reported year": 2025}])
    partner.actions = [_acquisition(a, **{"Party ITMO registry ID": "CHE01"}) for a in che]
    partner.actions.append(_acquisition(che[0], **{"First ID": "CA0042-CHN01-CHN-999-2024",
                                                   "Last ID": "CA0042-CHN01-CHN-1000-2024", QTY: 2}))
    path = write_xlsx(partner, None, tmp_path / "che.xlsx")
    result = reconcile_first_transfers(ours, read_aef_xlsx(path), "CHE")
    assert len(result.matches) == 1
    assert [m.kind for m in result.mismatches] == ["missing_in_ours"]


def test_date_and_vintage_differences_are_reasons(ours):
    gha = next(a for a in ours.actions if a["Acquiring participating Party ID"] == "GHA")
    theirs = AefWorkbook(actions=[_acquisition(gha, **{"Action date": "25/11/2025", "Vintage": 2023})])
    result = reconcile_first_transfers(ours, theirs, "GHA")
    assert {r.code for r in result.mismatches[0].reasons} == {"date", "vintage"}
    assert reconcile_first_transfers(ours, AefWorkbook(actions=[_acquisition(gha, **{"Action date": "25/11/2025"})]),
                                     "GHA", date_tolerance_days=7).ok
