"""Build China's annual AEF (Article 6.2 Agreed Electronic Format) from registry records.

Inputs are plain dicts as the store hands them over (already validated): ``a6_authorization``,
``a6_transfer``, ``ccer_project`` and ``ccer_issuance`` records. Only Article 6 events become AEF
rows: Table 3 holds the first transfers of CCER-based units authorized under Article 6; domestic
surrenders, trades and pledges never appear. The function is pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from mappings.aef import codelists
from mappings.aef.holdings import holding_blocks
from mappings.aef.itmo import format_itmo_id
from mappings.aef.model import NA, AefWorkbook, Row, empty_row, table_spec
from mappings.aef.sectors import SectorMapping, map_project, normalise_methodology
from mappings.aef.values import local_date, to_dmy

PARTY = "CHN"
REGISTRY_ID = "CHN01"
DEFAULT_GWP = "100-year values from 5th assessment report by the IPCC"
FIRST_INTERNATIONAL_TRANSFER = "First international transfer"
OIMP_PURPOSES = {"OIMP", "IMP", "OP", "NDC and OIMP", "NDC and IMP", "NDC and OP"}

DEFAULT_INFO: dict[str, Any] = {
    "party": PARTY,
    "registry_id": REGISTRY_ID,
    "version": "1.0",
    "submission_date": None,
    "ndc_first_year": 2021,
    "ndc_last_year": 2030,
    "gwp": DEFAULT_GWP,
    "underlying_registry_id": NA,
    "country_of_incorporation": PARTY,
    "oimp_authorized": {},
    "authorized_timeframe": {},
    "terms": {},
    "authorized_entities": None,
}


def build_aef(
    year: int,
    authorizations: Iterable[dict[str, Any]],
    transfers: Iterable[dict[str, Any]],
    projects: Iterable[dict[str, Any]],
    issuances: Iterable[dict[str, Any]],
    *,
    submission_info: dict[str, Any] | None = None,
) -> AefWorkbook:
    """Return the five AEF tables for reported ``year``.

    ``submission_info`` supplies what the registry does not carry (see ``DEFAULT_INFO``):
    ``version`` ("X.Y"), ``submission_date`` (ISO date), ``ndc_first_year``/``ndc_last_year``,
    ``gwp`` text, ``oimp_authorized`` / ``authorized_timeframe`` / ``terms`` (a string, or a
    dict keyed by authorization id), ``underlying_registry_id`` and ``authorized_entities``
    (a list of dicts; when None, the owners of the underlying CCER projects are listed).
    """
    ctx = _Context(year, authorizations, transfers, projects, issuances, submission_info)
    aef = AefWorkbook(metadata=ctx.metadata())
    aef.submission = [_submission_row(ctx)]
    aef.provenance["submission"] = [{"source": "submission_info"}]
    _add_actions(aef, ctx)
    _add_authorizations(aef, ctx)
    _add_holdings(aef, ctx)
    _add_entities(aef, ctx)
    return aef


class _Context:
    """Indexes over the input records for one reported year."""

    def __init__(self, year, authorizations, transfers, projects, issuances, info) -> None:
        self.year = int(year)
        self.year_end = date(self.year, 12, 31)
        self.info = {**DEFAULT_INFO, **(info or {})}
        self.party = self.info["party"]
        self.registry = self.info["registry_id"]
        self.auths = sorted(authorizations, key=lambda a: (a["event_time"], a.get("registry_seq", 0)))
        self.transfers = sorted(transfers, key=lambda t: (t["event_time"], t.get("registry_seq", 0)))
        self.projects = {p["project_id"]: p for p in projects}
        self.issuances = list(issuances)
        self.referenced: set[str] = set()

    def metadata(self) -> dict[str, Any]:
        return {
            "party": self.party, "reported_year": self.year, "registry_id": self.registry,
            "format": "AEF V2 (CMA.6, second iteration)", "source": "gateway registry records",
            "codelist_versions": {n: codelists.version(n) for n in (
                "action_type", "purpose", "first_transfer_definition", "metric", "sector",
                "activity_type", "mitigation_type", "ccer_aef_crosswalk")},
        }

    def setting(self, key: str, auth_id: str) -> Any:
        """A per-authorization setting: a plain value, or a dict keyed by authorization id."""
        value = self.info.get(key)
        return value.get(auth_id) if isinstance(value, dict) else value

    def auth_version(self, auth_id: str, until: date | None = None) -> dict[str, Any] | None:
        """Latest version of an authorization dated on or before ``until`` (default: year end)."""
        until = until or self.year_end
        versions = [a for a in self.auths if a["authorization_id"] == auth_id
                    and local_date(a["event_time"]) <= until]
        if not versions:
            versions = [a for a in self.auths if a["authorization_id"] == auth_id]
        return max(versions, key=lambda a: (a.get("version", 0), a["event_time"])) if versions else None

    def sector(self, project_id: str | None) -> SectorMapping:
        return map_project(self.projects.get(project_id or ""))


def _submission_row(ctx: _Context) -> Row:
    spec = table_spec("submission")
    row = {f.label: f.template_placeholder if f.carp_populated else None for f in spec.fields}
    row.update({
        "Party": ctx.party,
        "Version": str(ctx.info["version"]),
        "Reported year": ctx.year,
        "Date of submission": to_dmy(ctx.info["submission_date"]),
        "First year of the NDC implementation period": int(ctx.info["ndc_first_year"]),
        "Last year of the NDC implementation period": int(ctx.info["ndc_last_year"]),
    })
    return row


# --- Table 3: actions -------------------------------------------------------------------------

def _add_actions(aef: AefWorkbook, ctx: _Context) -> None:
    rows, prov = [], []
    for transfer in ctx.transfers:
        if local_date(transfer["event_time"]).year != ctx.year:
            continue
        if not transfer.get("first"):
            aef.add_note(
                "skipped_transfer",
                f"A6 transfer seq {transfer.get('registry_seq')} is not a first transfer; "
                "Table 3 of China's AEF lists first transfers only.",
                f"第六条转让（序号 {transfer.get('registry_seq')}）不是首次转让；中国AEF表3只列首次转让。",
                table="actions",
            )
            continue
        row = _action_row(ctx, transfer, aef)
        if row is not None:
            rows.append(row)
            prov.append(_transfer_provenance(transfer))
    aef.actions, aef.provenance["actions"] = rows, prov


def _action_row(ctx: _Context, transfer: dict[str, Any], aef: AefWorkbook) -> Row | None:
    auth_id = transfer["authorization_id"]
    auth = ctx.auth_version(auth_id, local_date(transfer["event_time"]))
    if auth is None:
        aef.add_note("unknown_authorization",
                     f"A6 transfer seq {transfer.get('registry_seq')} names unknown authorization {auth_id}; skipped.",
                     f"第六条转让（序号 {transfer.get('registry_seq')}）引用了未知授权 {auth_id}，已跳过。",
                     table="actions")
        return None
    ctx.referenced.add(auth_id)
    ca, vintage = auth["cooperative_approach_id"], int(transfer["vintage"])
    start, end = int(transfer["serial_start"]), int(transfer["serial_end"])
    sector = ctx.sector(transfer.get("project_id") or auth.get("project_id"))
    acquiring = transfer.get("acquiring_party") or NA
    row = empty_row("actions")
    row.update(_block_fields(ctx, ca, start, end, vintage))
    row.update({
        "Action date": to_dmy(transfer["event_time"]),
        "Action type": "First transfer",
        "Action subtype": _subtype(ctx, auth, acquiring),
        "Cooperative approach ID": ca,
        "Authorization ID": auth_id,
        "Mitigation type": sector.mitigation_type,
        "Transferring participating Party ID": NA,
        "Acquiring participating Party ID": acquiring if acquiring != ctx.party else NA,
        "Purpose for which the ITMO has been used towards or cancelled for OIMP": _oimp_purpose(ctx, auth),
        "Using/cancelling participating Party ID": NA,
        "Using/cancelling authorized entity ID": NA,
        "Calendar year for which the ITMOs are used towards the Party's NDC": NA,
        "Additional explanatory information": _ccer_note(transfer.get("project_id"), start, end),
    })
    _note_quantity(aef, transfer, row)
    return row


def _block_fields(ctx: _Context, ca: str, start: int, end: int, vintage: int) -> Row:
    """Fields shared by Table 3 and Table 4 rows for one serial block."""
    underlying = ctx.info["underlying_registry_id"] or NA
    return {
        "First transferring participating Party ID": ctx.party,
        "Party ITMO registry ID": ctx.registry,
        "First ID": format_itmo_id(ca, ctx.registry, ctx.party, start, vintage),
        "Last ID": format_itmo_id(ca, ctx.registry, ctx.party, end, vintage),
        "Underlying unit registry ID": underlying,
        "First unit ID": NA if underlying == NA else str(start),
        "Last unit ID": NA if underlying == NA else str(end),
        "Metric": "GHG",
        "Applicable GWP value(s)": ctx.info["gwp"],
        "Applicable non-GHG metric": NA,
        "Quantity (t\u00a0CO2\u00a0eq)": end - start + 1,
        "Quantity (in non-GHG metric)": NA,
        "Vintage": vintage,
    }


def _subtype(ctx: _Context, auth: dict[str, Any], acquiring: str) -> str:
    """'First international transfer' when another Party acquires, else the FT definition (STC04)."""
    if acquiring not in (NA, ctx.party):
        return FIRST_INTERNATIONAL_TRANSFER
    if auth.get("purposes") in OIMP_PURPOSES and auth.get("first_transfer_definition"):
        return auth["first_transfer_definition"]
    return FIRST_INTERNATIONAL_TRANSFER


def _oimp_purpose(ctx: _Context, auth: dict[str, Any]) -> str | None:
    """The specific OIMP (e.g. CORSIA) when authorized for OIMP; NA for NDC-only authorizations."""
    if auth.get("purposes") not in OIMP_PURPOSES:
        return NA
    return ctx.setting("oimp_authorized", auth["authorization_id"])


def _ccer_note(project_id: str | None, start: int, end: int) -> str:
    return f"Underlying CCER project {project_id}; CCER serial block {start}-{end}"


def _note_quantity(aef: AefWorkbook, record: dict[str, Any], row: Row) -> None:
    quantity = record.get("quantity")
    computed = row["Quantity (t\u00a0CO2\u00a0eq)"]
    if quantity is not None and int(quantity) != computed:
        aef.add_note("quantity_mismatch",
                     f"Registry seq {record.get('registry_seq')}: quantity {quantity} differs from the "
                     f"serial range ({computed}); the AEF uses last - first + 1.",
                     f"注册登记序号 {record.get('registry_seq')}：数量 {quantity} 与序列号区间（{computed}）不符；"
                     "AEF 采用 终止 - 起始 + 1。",
                     table="actions")


def _transfer_provenance(transfer: dict[str, Any]) -> dict[str, Any]:
    return {"source": "a6_transfer", "registry_seq": transfer.get("registry_seq"),
            "project_id": transfer.get("project_id"), "serial_start": transfer["serial_start"],
            "serial_end": transfer["serial_end"], "event_time": transfer["event_time"]}


# --- Table 2: authorizations ------------------------------------------------------------------

def _add_authorizations(aef: AefWorkbook, ctx: _Context) -> None:
    """Versions issued in the year, plus the version in force of any authorization referenced."""
    chosen = [a for a in ctx.auths if local_date(a["event_time"]).year == ctx.year]
    in_year = {a["authorization_id"] for a in chosen}
    for auth_id in sorted(ctx.referenced | _held_auth_ids(ctx)):
        if auth_id not in in_year and (auth := ctx.auth_version(auth_id)) is not None:
            chosen.append(auth)
    chosen.sort(key=lambda a: (local_date(a["event_time"]), a["authorization_id"], a.get("version", 0)))
    aef.authorizations = [_authorization_row(ctx, a) for a in chosen]
    for row in aef.authorizations:
        if row["OIMP authorized by the Party"] is None:
            aef.add_note("oimp_unspecified",
                         f"Authorization {row['Authorization ID']} is for OIMP but submission_info gives no "
                         "'oimp_authorized' text (e.g. 'Use under CORSIA'); the field is left empty.",
                         f"授权 {row['Authorization ID']} 用于其他国际减缓目的，但 submission_info 未提供 "
                         "'oimp_authorized'（如“用于CORSIA”），该字段留空。", table="authorizations")
    aef.provenance["authorizations"] = [
        {"source": "a6_authorization", "registry_seq": a.get("registry_seq"),
         "project_id": a.get("project_id"), "event_time": a["event_time"]} for a in chosen]


def _authorization_row(ctx: _Context, auth: dict[str, Any]) -> Row:
    auth_id, purposes = auth["authorization_id"], auth.get("purposes")
    sector = ctx.sector(auth.get("project_id"))
    oimp = purposes in OIMP_PURPOSES
    row = empty_row("authorizations")
    row.update({
        "Authorization ID": auth_id,
        "Date of authorization": to_dmy(auth["event_time"]),
        "Cooperative approach ID": auth["cooperative_approach_id"],
        "Version of the authorization": int(auth.get("version", 1)),
        "Authorized quantity": auth["max_quantity"] if auth.get("max_quantity") is not None else NA,
        "Metric": "GHG",
        "Applicable GWP value(s)": ctx.info["gwp"],
        "Applicable non-GHG metric": NA,
        "Sector(s)": sector.sector,
        "Activity type(s)": sector.activity_type,
        "Purposes for authorization": purposes,
        "Authorized Party(ies) ID": ", ".join(auth.get("authorized_parties") or []) or NA,
        "Authorized entity(ies) ID": _entity_ids(ctx, auth) or NA,
        "OIMP authorized by the Party": ctx.setting("oimp_authorized", auth_id) if oimp else NA,
        "Authorized timeframe": ctx.setting("authorized_timeframe", auth_id),
        "Authorization terms and conditions": ctx.setting("terms", auth_id),
        "First transfer definition for OIMP": auth.get("first_transfer_definition") if oimp else NA,
        "Additional explanatory information": _auth_note(ctx, auth, sector),
    })
    return row


def _auth_note(ctx: _Context, auth: dict[str, Any], sector: SectorMapping) -> str:
    project = ctx.projects.get(auth.get("project_id") or "", {})
    text = f"Underlying CCER project {auth.get('project_id')}"
    if project.get("methodology"):
        text += f" (methodology {normalise_methodology(project['methodology'])}, type {project.get('project_type')})"
    if sector.basis == "unmapped":
        text += "; sector and activity type not mapped"
    return text


def _entity_ids(ctx: _Context, auth: dict[str, Any]) -> str:
    ids = [e["Identification number"] for e in _entities(ctx)
           if auth["authorization_id"] in e.get("_authorization_ids", ())]
    return ", ".join(dict.fromkeys(str(i) for i in ids if i))


# --- Table 4: holdings ------------------------------------------------------------------------

def _held_auth_ids(ctx: _Context) -> set[str]:
    return {h["authorization_id"] for h in holding_blocks(ctx)}


def _add_holdings(aef: AefWorkbook, ctx: _Context) -> None:
    rows, prov = [], []
    for block in holding_blocks(ctx):
        auth = block["auth"]
        sector = ctx.sector(auth.get("project_id"))
        row = empty_row("holdings")
        row.update(_block_fields(ctx, auth["cooperative_approach_id"], block["start"], block["end"], block["vintage"]))
        row.update({"Cooperative approach ID": auth["cooperative_approach_id"],
                    "Authorization ID": block["authorization_id"],
                    "Mitigation type": sector.mitigation_type})
        rows.append({label: row[label] for label in table_spec("holdings").labels})
        prov.append({"source": "ccer_issuance - a6_transfer", "project_id": auth.get("project_id"),
                     "serial_start": block["start"], "serial_end": block["end"], "as_of": ctx.year_end.isoformat()})
    aef.holdings, aef.provenance["holdings"] = rows, prov
    if rows:
        aef.add_note("holdings_basis",
                     "Holdings are authorized, issued CCER blocks not yet first transferred at 31 December, "
                     "capped by each authorization's maximum quantity; domestic CCER cancellations are not deducted.",
                     "持有量为截至12月31日已授权、已签发且尚未首次转让的CCER区块，以各授权的最大数量为上限；未扣除国内CCER注销。",
                     table="holdings")


# --- Table 5: authorized entities -------------------------------------------------------------

def _entities(ctx: _Context) -> list[Row]:
    explicit = ctx.info.get("authorized_entities")
    return [_explicit_entity(e) for e in explicit] if explicit is not None else _owner_entities(ctx)


def _explicit_entity(entity: dict[str, Any]) -> Row:
    row = empty_row("authorized_entities")
    row.update({k: v for k, v in entity.items() if k in row})
    if row["Date of the authorization"]:
        row["Date of the authorization"] = to_dmy(row["Date of the authorization"])
    row["_authorization_ids"] = tuple(entity.get("authorization_ids", ()))
    return row


def _owner_entities(ctx: _Context) -> list[Row]:
    """Owners of the CCER projects behind authorizations dated in the year (one row per owner and CA)."""
    seen: dict[tuple[str, str], Row] = {}
    for auth in ctx.auths:
        if local_date(auth["event_time"]).year != ctx.year:
            continue
        project = ctx.projects.get(auth.get("project_id") or "")
        if not project or not project.get("owner_uscc"):
            continue
        key = (project["owner_uscc"], auth["cooperative_approach_id"])
        row = seen.get(key) or _owner_row(ctx, auth, project)
        row["_authorization_ids"] = (*row["_authorization_ids"], auth["authorization_id"])
        seen[key] = row
    return list(seen.values())


def _owner_row(ctx: _Context, auth: dict[str, Any], project: dict[str, Any]) -> Row:
    row = empty_row("authorized_entities")
    row.update({
        "Date of the authorization": to_dmy(auth["event_time"]),
        "Name": project.get("owner_name"),
        "Country of incorporation": ctx.info["country_of_incorporation"],
        "Identification number": project["owner_uscc"],
        "Cooperative approach ID": auth["cooperative_approach_id"],
        "Additional explanatory information":
            f"Owner of CCER project {project['project_id']} (from the registry project record)",
    })
    row["_authorization_ids"] = ()
    return row


def _add_entities(aef: AefWorkbook, ctx: _Context) -> None:
    rows = _entities(ctx)
    aef.provenance["authorized_entities"] = [
        {"source": "submission_info" if ctx.info.get("authorized_entities") is not None else "ccer_project.owner",
         "authorization_ids": list(r.pop("_authorization_ids", ()))} for r in rows]
    aef.authorized_entities = rows
