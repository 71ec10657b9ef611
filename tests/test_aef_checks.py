"""check_aef catches injected defects and passes our own clean output."""

from __future__ import annotations

import copy

import pytest

from mappings.aef import build_aef, check_aef
from mappings.aef.codelists import check_catalogue
from tests.test_aef_data import AUTHORIZATIONS, ISSUANCES, PROJECTS, SUBMISSION_INFO, TRANSFERS

QTY = "Quantity (t\u00a0CO2\u00a0eq)"


@pytest.fixture(scope="module")
def clean():
    return build_aef(2025, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=SUBMISSION_INFO)


@pytest.fixture()
def aef(clean):
    return copy.deepcopy(clean)


def _errors(aef, **kw):
    return [f for f in check_aef(aef, **kw) if f.severity == "error"]


def _ids(aef, **kw):
    return {f.check_id for f in _errors(aef, **kw)}


def test_clean_output_has_no_errors(clean):
    assert _errors(clean) == []


def test_two_years_roll_forward_cleanly(clean):
    info = {**SUBMISSION_INFO, "submission_date": "2027-04-01"}
    next_year = build_aef(2026, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=info)
    assert _errors(next_year, previous=clean) == []


def test_catalogue_ids_match_the_reference_workbook():
    import openpyxl

    from mappings.aef.reference import check_catalogue_path
    ws = openpyxl.load_workbook(check_catalogue_path()).active
    reference = {c.value for c in ws["B"] if c.value and c.value != "Code"}
    ours = {i for i in check_catalogue() if not i.startswith("SYN")}
    assert ours <= reference
    assert {"STC01", "STC02", "STC03", "STC04", "ISC01", "ISC02", "ISC03", "ISC04",
            "DR01", "DR02", "DR03", "DR04"} <= ours


def test_quantity_not_matching_ids(aef):
    aef.actions[0][QTY] = 49999
    found = [f for f in _errors(aef) if f.check_id == "SYN05"]
    assert found and found[0].table == "actions" and found[0].row == 1 and found[0].field == QTY
    assert found[0].message_zh


def test_bad_date_format(aef):
    aef.actions[1]["Action date"] = "2025-09-02"
    aef.authorizations[0]["Date of authorization"] = "31/02/2025"
    found = {(f.table, f.field) for f in _errors(aef) if f.check_id == "SYN04"}
    assert found == {("actions", "Action date"), ("authorizations", "Date of authorization")}


def test_bad_itmo_id_syntax(aef):
    aef.actions[0]["First ID"] = "CA42-CHN01-CHN-100000001-2024"
    aef.holdings[0]["Last ID"] = "CA0042-CHN1-CHN-100250000-2024"
    found = {(f.table, f.field) for f in _errors(aef) if f.check_id == "SYN02"}
    assert {("actions", "First ID"), ("holdings", "Last ID")} <= found


def test_bad_party_codes(aef):
    aef.submission[0]["Party"] = "CN"
    aef.actions[0]["Acquiring participating Party ID"] = "XYZ"
    aef.authorizations[0]["Authorized Party(ies) ID"] = "CHE, ZZZ"
    errors = _errors(aef)
    assert any(f.check_id == "SYN02" and f.field == "Party" for f in errors)
    assert any(f.check_id == "SYN03" and f.field == "Acquiring participating Party ID" for f in errors)
    assert any(f.check_id == "SYN03" and f.field == "Authorized Party(ies) ID" for f in errors)


def test_required_field_missing_and_na_rules(aef):
    aef.actions[0]["Vintage"] = None
    aef.actions[1]["Transferring participating Party ID"] = "CHN"  # only for acquisitions
    errors = _errors(aef)
    assert any(f.check_id == "SYN01" and f.field == "Vintage" for f in errors)
    assert any(f.check_id == "SYN07" and f.field == "Transferring participating Party ID" for f in errors)


def test_carp_fields_left_alone(aef):
    aef.submission[0]["Review status of the initial report"] = "Reviewed"
    assert any(f.check_id == "SYN06" for f in check_aef(aef))


def test_stc01_action_outside_reporting_year(aef):
    aef.actions[0]["Action date"] = "31/12/2024"
    assert "STC01" in _ids(aef)


def test_stc02_acquirer_not_authorized(aef):
    aef.actions[2]["Acquiring participating Party ID"] = "CHE"  # CHN-A6-2025-002 authorizes GHA only
    assert "STC02" in _ids(aef)


def test_stc02_and_stc03_use(aef):
    use = {**aef.actions[2], "Action type": "Use", "Action subtype": "NA", "Acquiring participating Party ID": "NA",
           "Calendar year for which the ITMOs are used towards the Party's NDC": 2031,
           "Purpose for which the ITMO has been used towards or cancelled for OIMP": "NA"}
    aef.actions.append(use)
    aef.authorizations[1]["Purposes for authorization"] = "OIMP"
    aef.authorizations[1]["First transfer definition for OIMP"] = "Issuance"
    ids = _ids(aef)
    assert {"STC02", "STC03"} <= ids


def test_stc04_subtype_against_first_transfer_definition(aef):
    aef.actions[0]["Action subtype"] = "Issuance"  # authorization says "Authorization"
    assert "STC04" in _ids(aef)
    aef.actions[0]["Action subtype"] = "Authorization"
    assert "STC04" not in _ids(aef)


def test_isc01_acquired_units_missing_from_holdings(aef):
    aef.actions.append({**aef.actions[0], "Action type": "Acquisition", "Action subtype": "NA",
                        "First transferring participating Party ID": "CHE", "Party ITMO registry ID": "CHN01",
                        "First ID": "CA0042-CHE01-CHE-1-2024", "Last ID": "CA0042-CHE01-CHE-100-2024", QTY: 100,
                        "Transferring participating Party ID": "CHE", "Acquiring participating Party ID": "NA",
                        "Action date": "01/12/2025"})
    assert "ISC01" in _ids(aef)


def test_isc03_holding_already_transferred(aef):
    aef.holdings[0]["First ID"] = "CA0042-CHN01-CHN-100040001-2024"
    aef.holdings[0][QTY] = 210000
    assert "ISC03" in _ids(aef)


def test_isc02_previous_holdings_vanish(clean):
    info = {**SUBMISSION_INFO, "submission_date": "2027-04-01"}
    next_year = build_aef(2026, AUTHORIZATIONS, TRANSFERS, PROJECTS, ISSUANCES, submission_info=info)
    next_year.holdings = [h for h in next_year.holdings if h["Cooperative approach ID"] != "CA0043"]
    assert "ISC02" in _ids(next_year, previous=clean)


def test_isc04_transfer_of_units_never_held(aef):
    aef.actions.append({**aef.actions[0], "Action type": "Transfer", "Action subtype": "NA",
                        "First transferring participating Party ID": "SGP",
                        "First ID": "CA0042-SGP01-SGP-1-2024", "Last ID": "CA0042-SGP01-SGP-10-2024", QTY: 10})
    found = [f for f in check_aef(aef) if f.check_id == "ISC04"]
    assert found and found[0].severity == "warning"  # no previous report given


def test_dr01_dr02_authorized_quantity_exceeded(aef):
    aef.authorizations[1]["Authorized quantity"] = 30000  # 20000 transferred + 60000 held
    assert {"DR01", "DR02"} <= _ids(aef)


def test_dr04_use_exceeds_first_transfers(aef):
    aef.actions.append({**aef.actions[2], "Action type": "Use", "Acquiring participating Party ID": "NA",
                        "Action subtype": "NA", QTY: 999999,
                        "First ID": "CA0043-CHN01-CHN-200020001-2024", "Last ID": "CA0043-CHN01-CHN-201019999-2024"})
    assert any(f.check_id == "DR04" for f in check_aef(aef))


def test_bad_data_never_raises(aef):
    for row in aef.actions:
        for key in row:
            row[key] = object() if key == "Vintage" else 3.5
    aef.submission[0] = {"Party": None}
    assert isinstance(check_aef(aef), list)
