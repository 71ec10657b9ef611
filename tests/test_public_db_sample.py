"""A small, realistic store built through the pipeline, and a published site from it.

Shared by the public.db, Datasette and browser tests. The simulated internal systems
(``publishers.simulated``) are used when they can be imported; otherwise the store is
built from ``tests/samples.py`` records. Either way the sample store is also built,
because it carries known restricted values (``RESTRICTED``) that must never reach
``public.db``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.publish import PublishContext, publish
from gateway.pulls import pull
from gateway.settings import PublisherSettings, Settings
from gateway.store import Store
from publishers.base import Checkpoint, Payload, RawRecord
from schemas.uscc import check_character

from .samples import raw

BASE = "http://gateway.test"
NAMES = ["华能武汉发电有限公司", "大唐湖北电厂", "宝武钢铁集团鄂城钢铁有限公司", "海螺水泥芜湖有限公司",
         "国家能源集团九江发电有限公司", "中国铝业连城分公司", "华电江陵发电有限公司",
         "华润电力（武汉）有限公司", "Plant 1 电厂", "华能岳阳电厂"]
SECTORS = [("POWER", "4411"), ("POWER", "4411"), ("STEEL", "3110"), ("CEMENT", "3011"),
           ("POWER", "4411"), ("ALUMINIUM", "3216"), ("POWER", "4411"), ("POWER", "4411"),
           ("POWER", "4411"), ("POWER", "4411")]
PROVINCES = ["420000", "420000", "420000", "340000", "360000", "620000", "420000", "420000",
             "440000", "430000"]
BANKS = [("91110000100000008J", "某某银行股份有限公司武汉分行"),
         ("91420000MA4K8BANK" + check_character("91420000MA4K8BANK"), "湖北银行股份有限公司")]
# Values of partner- and agency-tier fields that must never appear in public.db.
RESTRICTED = {"secured_amount": "18888777.66", "buy_account": "CEA-SECRET-0001",
              "sell_account": "CEA-SECRET-0002", "evidence": "e" * 64,
              "lab_report": "LAB-SECRET-0415", "allocation": 1234567}


def uscc(i: int) -> str:
    first17 = f"91420100MA4K{i:05d}"
    return first17 + check_character(first17)


def _sample_records() -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []
    seq = iter(range(20001, 99999))
    for i, name in enumerate(NAMES):
        code, sector, industry, province = uscc(i), *SECTORS[i], PROVINCES[i]
        for year in (2023, 2024):
            out.append(("entity", raw("entity", uscc=code, name=name, listYear=year,
                                      nameEn=f"Unit {i}" if i % 2 else "",
                                      sector=sector, industryCode=industry,
                                      provinceCode=province)))
            emitted = 1_000_000 + 137_000 * i + 5_000 * (year - 2023)
            report = raw("emission_report", 统一社会信用代码=code, 单位名称=name, 省份代码=province,
                         行业代码=industry, 核算年度=str(year), **{"排放量(tCO2e)": str(emitted),
                                                              "核查排放量(tCO2e)": str(emitted - 400)})
            if i == 3:
                report["核查排放量(tCO2e)"] = "涉密"
                report["供电量(MWh)"] = "涉密"
            out.append(("emission_report", report))
            status = "已履约" if i % 4 else ("部分履约" if year == 2023 else "未履约")
            surrendered = emitted - 400 if i % 4 else emitted // 2
            out.append(("compliance", raw("compliance", uscc=code, complianceYear=year,
                                          obligation=emitted - 400,
                                          surrenderedCea=surrendered, surrenderedCcer=0,
                                          status=status)))
        out.append(("allocation", raw("allocation", seq=str(next(seq)), Uscc=code,
                                      Quantity=str(RESTRICTED["allocation"] + i))))
        out.append(("key_parameter", raw("key_parameter", id=f"P2024-{i:06d}", uscc=code,
                                         evidenceSha256=RESTRICTED["evidence"],
                                         labReportNo=RESTRICTED["lab_report"])))
        if i < 4:
            bank_uscc, bank = BANKS[i % 2]
            out.append(("pledge", raw("pledge", seq=str(next(seq)), PledgeId=f"ZY2025{i:06d}",
                                      PledgorUscc=code, PledgeeUscc=bank_uscc, PledgeeName=bank,
                                      SecuredAmount=RESTRICTED["secured_amount"])))
    out.append(("pledge_event", raw("pledge_event", seq=str(next(seq)),
                                    PledgeId="ZY2025000000")))
    day = dt.date(2024, 11, 1)
    for n in range(30):
        date = (day + dt.timedelta(days=n)).isoformat()
        close = f"{95 + (n % 7) * 1.5:.2f}"
        for subject in ("COMCEA", "CEA24"):
            out.append(("market_day", raw("market_day", tradeDate=date, subjectCode=subject,
                                          closPric=close)))
        out.append(("trade", raw("trade", tradeId=f"T2024{n:08d}", tradeDate=date,
                                 buyAcct=RESTRICTED["buy_account"],
                                 sellAcct=RESTRICTED["sell_account"])))
    out.append(("ccer_project", raw("ccer_project")))
    out.append(("ccer_project", raw("ccer_project", projectId="CCER-P-2024-000018",
                                    projectName="华能如东海上风电项目", status="VALIDATED")))
    for kind in ("ccer_issuance", "ccer_cancellation", "a6_authorization", "a6_transfer",
                 "cancellation", "surrender"):
        out.append((kind, raw(kind, seq=str(next(seq)))))
    out.append(("compliance", raw("compliance", status="maybe", obligation="-5")))  # rejected
    out.append(("market_day", raw("market_day", tradeDate="2020-01-01")))          # rejected
    return out


class SampleConnector:
    name, system = "sample", "platform"

    def __init__(self, records: list[tuple[str, dict]]):
        self.records = records

    def fetch(self, cursors: dict[str, str]) -> Iterator:
        body = json.dumps([d for _, d in self.records], ensure_ascii=False).encode()
        payload = Payload("http://sample/all", body, "application/json")
        yield payload
        for n, (kind, data) in enumerate(self.records):
            yield RawRecord(kind, data, f"sample:{kind}:{n}", payload.sha256)
        yield Checkpoint("all", str(len(self.records)))


def build_sample_store(path: Path) -> Store:
    store = Store(path)
    report = pull(store, PublisherSettings("sample", "platform", "http://sample"),
                  SampleConnector(_sample_records()))
    assert report.status == "ok", report.failure
    return store


def publish_site(store: Store, out_dir: Path) -> dict:
    settings = Settings(out_dir.parent, BASE)
    ctx = PublishContext(settings, store, out_dir, "2025-06-30")
    return publish(ctx, ["public_db"])["public_db"]


def simulator_available() -> bool:
    try:
        from publishers.simulated import SimulatedSystems  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Iterator[Store]:
    store = build_sample_store(tmp_path_factory.mktemp("sample") / "gateway.db")
    yield store
    store.close()


@pytest.fixture(scope="session")
def sample_site(sample_store, tmp_path_factory) -> dict:
    """The publish summary of a site built from the sample store."""
    return publish_site(sample_store, tmp_path_factory.mktemp("sample-out"))


@pytest.fixture(scope="session")
def demo_site(request, sample_site, tmp_path_factory) -> dict:
    """A site built from the simulated systems when they exist, else the sample site."""
    if not simulator_available():
        return sample_site
    store = request.getfixturevalue("pulled_store")
    return publish_site(store, tmp_path_factory.mktemp("sim-out"))
