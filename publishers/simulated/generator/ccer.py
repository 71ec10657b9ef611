"""CCER projects, issuances (serial blocks), cancellations and Article 6 events.

Serial numbers come from one registry-wide counter starting at 100000001; blocks are
inclusive and never overlap. Cancellations and first transfers are carved from the
front of what is left of an issued block.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..calendar import AS_OF
from ..rand import rng, weighted_choice
from ..uscc import make_uscc
from .allocation import CcerDemand
from .events import Event, d, local_time, office_time
from .geo import PROVINCES, area_code
from .names import VALIDATION_BODIES, ccer_owner_name

# (projectType, methodology, name pattern, expected t/yr range, crediting years, weight)
_KINDS = (
    ("A0102", "CCER-01-002-V01", "{city}海上风电项目", (150_000, 600_000), 10, 0.30),
    ("A0101", "CCER-01-001-V01", "{city}光热发电项目", (80_000, 220_000), 10, 0.15),
    ("N0101", "CCER-14-001-V01", "{city}造林碳汇项目", (5_000, 150_000), 30, 0.30),
    ("N0102", "CCER-14-002-V01", "{city}红树林营造项目", (1_000, 12_000), 20, 0.08),
    ("C0101", "CCER-10-001-V01", "{city}煤矿低浓度瓦斯和风排瓦斯利用项目", (60_000, 500_000), 10, 0.12),
    ("D0101", "CCER-07-001-V01", "{city}高速公路隧道照明系统节能项目", (1_000, 8_000), 10, 0.05),
)
_STATUSES = (("REGISTERED", 0.62), ("PDD_PUBLIC_NOTICE", 0.14), ("VALIDATED", 0.16), ("CANCELLED", 0.05), ("REVOKED", 0.03))
_PURPOSES = (("LOCAL_ETS_OFFSET", 0.15), ("EVENT_NEUTRALITY", 0.25), ("CORPORATE_OFFSET", 0.35), ("VOLUNTARY", 0.25))
_BENEFICIARIES = ("", "", "2025年中国国际服务贸易交易会碳中和", "企业年度运营碳中和", "绿色出行公益活动", "某大型体育赛事碳中和")
SERIAL_BASE = 100_000_001


@dataclass(slots=True)
class Block:
    project_id: str
    vintage: int
    start: int
    end: int
    issued_at: str
    next_free: int = 0

    @property
    def remaining(self) -> int:
        return self.end - (self.next_free or self.start) + 1

    def carve(self, qty: int) -> tuple[int, int] | None:
        """Take ``qty`` serials from the front of what is left, or None if too few."""
        first = self.next_free or self.start
        if first + qty - 1 > self.end:
            return None
        self.next_free = first + qty
        return first, first + qty - 1


@dataclass(slots=True)
class Project:
    record: dict
    blocks: list[Block] = field(default_factory=list)


def _project(seed: int, n: int, used_codes: set[str], bodies: list[str]) -> Project:
    rnd = rng(seed, "ccer-project", n)
    kind = weighted_choice(rnd, _KINDS, [k[5] for k in _KINDS])
    province = rnd.choice(PROVINCES[2:])
    city_index = rnd.randrange(len(province.cities))
    city = province.cities[city_index][0]
    notice = d("2024-02-19") + timedelta(days=rnd.randrange(0, 800))
    status = weighted_choice(rnd, [s for s, _ in _STATUSES], [w for _, w in _STATUSES])
    if notice > AS_OF - timedelta(days=60):
        status = "PDD_PUBLIC_NOTICE"
    updated = min(notice + timedelta(days={"PDD_PUBLIC_NOTICE": 0, "VALIDATED": 50}.get(status, 120)), AS_OF)
    crediting_start = d("2020-09-22") + timedelta(days=rnd.randrange(0, 1200))
    record = {
        "projectId": f"CCER-P-{notice.year}-{n:06d}",
        "projectName": kind[2].format(city=city),
        "ownerUscc": make_uscc(rnd, area_code(province, city_index), used_codes),
        "ownerName": ccer_owner_name(rnd, city),
        "projectType": kind[0],
        "methodologyNum": kind[1],
        "provinceCode": province.code,
        "expectYearNum": rnd.randrange(*kind[3]) // 100 * 100,
        "status": status,
        "validationBody": rnd.choice(bodies),
        "creditingStart": crediting_start.isoformat(),
        "creditingEnd": (crediting_start + timedelta(days=365 * kind[4] - 1)).isoformat(),
        "updatedAt": local_time(updated, rnd.randrange(9 * 3600, 18 * 3600)),
    }
    return Project(record)


def build_projects(seed: int, used_codes: set[str], count: int = 56) -> list[Project]:
    """CCER projects in the order they were first noticed (projectId order)."""
    bodies = [make_uscc(rng(seed, "vv-body", name), "110100", used_codes) for name in VALIDATION_BODIES]
    return sorted((_project(seed, n, used_codes, bodies) for n in range(1, count + 1)),
                  key=lambda p: p.record["projectId"])


def issuance_events(seed: int, projects: list[Project]) -> list[Event]:
    """CCER_ISSUANCE events for registered projects, serial blocks in time order."""
    planned = []
    for p in projects:
        if p.record["status"] != "REGISTERED":
            continue
        rnd = rng(seed, "ccer-issuance", p.record["projectId"])
        registered = d(p.record["updatedAt"][:10])
        first_vintage = max(2021, int(p.record["creditingStart"][:4]))
        for k, vintage in enumerate(range(first_vintage, min(2026, first_vintage + rnd.randrange(1, 4)))):
            when = registered + timedelta(days=90 + 120 * k + rnd.randrange(0, 60))
            if when <= AS_OF:
                qty = max(1_000, int(p.record["expectYearNum"] * rnd.uniform(0.6, 1.0)))
                planned.append((office_time(rnd, when, when), p, vintage, qty))
    events, serial = [], SERIAL_BASE
    for time, p, vintage, qty in sorted(planned, key=lambda x: (x[0], x[1].record["projectId"])):
        block = Block(p.record["projectId"], vintage, serial, serial + qty - 1, time)
        p.blocks.append(block)
        serial = block.end + 1 + rng(seed, "serial-gap", block.start).randrange(0, 5000)
        events.append(Event("CCER_ISSUANCE", time, [
            ("ProjectId", block.project_id), ("Vintage", str(vintage)),
            ("SerialStart", str(block.start)), ("SerialEnd", str(block.end))]))
    return events


def _cancellation(block: Block, serials: tuple[int, int], time: str, holder: str,
                  purpose: str, beneficiary: str) -> Event:
    return Event("CCER_CANCELLATION", time, [
        ("ProjectId", block.project_id), ("SerialStart", str(serials[0])), ("SerialEnd", str(serials[1])),
        ("Holder", holder), ("Purpose", purpose), ("Beneficiary", beneficiary)])


def _blocks_before(projects: list[Project], time: str) -> list[Block]:
    return [b for p in projects for b in p.blocks if b.issued_at < time]


def offset_cancellations(projects: list[Project], demands: list[CcerDemand]) -> list[Event]:
    """ETS_OFFSET cancellations backing the new-registry CCERs that units surrendered."""
    out = []
    for demand in sorted(demands, key=lambda x: x.time):
        time = demand.time[:11] + "08:30:00+08:00"
        for block in _blocks_before(projects, time):
            serials = block.carve(demand.quantity)
            if serials:
                out.append(_cancellation(block, serials, time, demand.uscc, "ETS_OFFSET", ""))
                break
    return out


def voluntary_cancellations(seed: int, projects: list[Project], holders: list[str]) -> list[Event]:
    """Cancellations for other purposes, including one forced cancellation."""
    out, forced = [], False
    for n in range(30):
        rnd = rng(seed, "ccer-cancellation", n)
        time = office_time(rnd, d("2025-03-03"), AS_OF)
        blocks = _blocks_before(projects, time)
        if not blocks:
            continue
        block = rnd.choice(blocks)
        purpose = "FORCED" if n >= 7 and not forced else weighted_choice(rnd, [p for p, _ in _PURPOSES], [w for _, w in _PURPOSES])
        serials = block.carve(rnd.choice((100, 500, 1_000, 5_000, 10_000, 20_000)))
        if serials:
            forced = forced or purpose == "FORCED"
            beneficiary = "" if purpose == "FORCED" else rnd.choice(_BENEFICIARIES)
            out.append(_cancellation(block, serials, time, rnd.choice(holders), purpose, beneficiary))
    return out


# (authorization id, cooperative approach, parties, purposes, first-transfer definition, max t, issued)
_A6 = (
    ("CHN-A6-2025-001", "CA0042", "CHE,SGP", "NDC and OIMP", "Authorization", 500_000, "2025-06-16"),
    ("CHN-A6-2025-002", "CA0051", "JPN", "NDC", "Issuance", 300_000, "2025-09-22"),
    ("CHN-A6-2026-001", "CA0063", "SGP,GHA", "OIMP", "Use or cancellation", 200_000, "2026-03-09"),
)


def article6_events(seed: int, projects: list[Project]) -> list[Event]:
    """A6 authorizations (one revised to version 2) and first transfers of serial blocks."""
    candidates = [p for p in projects if p.blocks and p.record["projectType"] in ("A0102", "C0101", "A0101")]
    out: list[Event] = []
    for k, (auth_id, ca, parties, purposes, ftd, max_qty, issued) in enumerate(_A6):
        if k >= len(candidates):
            break
        rnd = rng(seed, "a6", auth_id)
        project = candidates[k]
        versions = [(1, max_qty, issued)] + ([(2, max_qty * 8 // 5, "2026-01-12")] if k == 0 else [])
        for version, quantity, day in versions:
            out.append(Event("A6_AUTHORIZATION", office_time(rnd, d(day), d(day)), [
                ("AuthorizationId", auth_id), ("CooperativeApproachId", ca), ("AuthorizedParties", parties),
                ("Purposes", purposes), ("FirstTransferDefinition", ftd),
                ("ProjectId", project.record["projectId"]), ("MaxQuantity", str(quantity)), ("Version", str(version))]))
        out += _transfers(rnd, auth_id, parties.split(","), project, d(issued))
    return out


def _transfers(rnd: random.Random, auth_id: str, parties: list[str], project: Project, after: date) -> list[Event]:
    out = []
    for n in range(2):
        when = after + timedelta(days=30 + 60 * n + rnd.randrange(0, 20))
        time = office_time(rnd, min(when, AS_OF), min(when, AS_OF))
        blocks = [b for b in project.blocks if b.issued_at < time]
        block = max(blocks, key=lambda b: b.remaining, default=None)
        serials = block.carve(min(block.remaining // 3, rnd.choice((20_000, 50_000, 80_000)))) if block else None
        if serials:
            out.append(Event("A6_TRANSFER", time, [
                ("AuthorizationId", auth_id), ("ProjectId", project.record["projectId"]),
                ("Vintage", str(block.vintage)), ("SerialStart", str(serials[0])),
                ("SerialEnd", str(serials[1])), ("AcquiringParty", parties[n % len(parties)]), ("First", "true")]))
    return out
