"""Article 6.2 Agreed Electronic Format (AEF) mapping: pure functions, no I/O beyond files asked for.

Public API:

- ``build_aef(year, authorizations, transfers, projects, issuances, *, submission_info)``
- ``write_xlsx(aef, template_path=None, out_path=...)``, ``write_csv(aef, out_dir, *, bom=False)``,
  ``to_json(aef)``, ``to_json_text(aef)``
- ``check_aef(aef, *, previous=None) -> list[Finding]``
- ``read_aef_xlsx(path) -> AefWorkbook``
- ``reconcile_first_transfers(ours, theirs, party) -> Reconciliation``
- ``reference_dir()``, ``template_path()``
"""

from mappings.aef.build import build_aef
from mappings.aef.checks import Finding, check_aef
from mappings.aef.csvjson import from_json, to_json, to_json_text, write_csv
from mappings.aef.importer import read_aef_xlsx
from mappings.aef.model import AefWorkbook
from mappings.aef.reconcile import Reconciliation, reconcile_first_transfers
from mappings.aef.reference import reference_dir, template_path
from mappings.aef.xlsx import write_xlsx

__all__ = [
    "AefWorkbook",
    "Finding",
    "Reconciliation",
    "build_aef",
    "check_aef",
    "from_json",
    "read_aef_xlsx",
    "reconcile_first_transfers",
    "reference_dir",
    "template_path",
    "to_json",
    "to_json_text",
    "write_csv",
    "write_xlsx",
]
