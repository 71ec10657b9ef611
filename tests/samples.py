"""One valid raw record per disclosure kind, in each source's own field names.

Values follow ../shared/internal-systems.md (its examples where it gives them).
"""

from __future__ import annotations

import copy
from typing import Any

USCC_A = "91420100MA4K00010R"   # passes the GB 32100 check (internal-systems.md)
USCC_BANK = "91110000100000008J"
USCC_C = "914403001922038216"

_RAW: dict[str, dict[str, Any]] = {
    "entity": {"listYear": 2024, "uscc": USCC_A, "name": "某某发电有限公司", "nameEn": "",
               "provinceCode": "420000", "industryCode": "4411", "sector": "POWER",
               "facilities": [{"facilityId": "F-001", "kind": "GENERATING_UNIT",
                               "capacity": "660", "capacityUnit": "MW"}]},
    "emission_report": {"统一社会信用代码": USCC_A, "单位名称": "某某发电有限公司",
                        "省份代码": "420000", "行业代码": "4411", "核算年度": "2024",
                        "排放量(tCO2e)": "1,850,321", "核查排放量(tCO2e)": "1,849,900",
                        "核查机构": "某某认证中心", "核查机构统一社会信用代码": USCC_C,
                        "供电量(MWh)": "2,100,000", "供热量(GJ)": "0", "产品产量": "",
                        "产品产量单位": "", "公开日期": "2025-05-20"},
    "key_parameter": {"id": "P202404-000001", "uscc": USCC_A, "facilityId": "F-001",
                      "month": "2024-04", "parameter": "ncv_ar", "value": "21.436",
                      "unit": "GJ/t", "method": "MEASURED", "labReportNo": "LAB-2024-0415",
                      "evidenceSha256": "a" * 64, "depositedAt": "2024-05-20T10:11:12+08:00"},
    "allocation": {"seq": "10001", "type": "ALLOCATION", "time": "2025-08-20T10:00:00+08:00",
                   "Uscc": USCC_A, "Vintage": "CEA24", "Quantity": "1850000", "Stage": "PRE"},
    "surrender": {"seq": "10002", "type": "SURRENDER", "time": "2025-12-18T14:02:11+08:00",
                  "Uscc": USCC_A, "ComplianceYear": "2024", "Unit": "CEA24",
                  "Quantity": "1790000"},
    "compliance": {"uscc": USCC_A, "complianceYear": 2024, "obligation": 1849900,
                   "surrenderedCea": 1790000, "surrenderedCcer": 59900, "status": "已履约",
                   "deadline": "2025-12-31", "publishedOn": "2026-01-15"},
    "trade": {"tradeId": "T20250102000123", "tradeDate": "2025-01-02", "tradeTime": "09:31:05",
              "subjectCode": "CEA24", "tradeMethod": "10", "dealPric": "97.50", "dealQty": 1000,
              "dealAmt": "97500.00", "buyAcct": "CEA-9142-0001", "sellAcct": "CEA-9144-0102",
              "buyUscc": USCC_A, "sellUscc": "91440300MA5H123444"},
    "market_day": {"tradeDate": "2024-12-11", "subjectCode": "COMCEA", "openPric": "99.23",
                   "highPric": "102.03", "lowPric": "99.23", "closPric": "101.21",
                   "lastClosPric": "101.67", "chanRate": "-0.45", "dealQty": 9895425,
                   "dealAmt": "967225752.53",
                   "methods": [{"tradeMethod": "10", "tradeVolume": 1629472,
                                "tradeAmount": "162389430.85"},
                               {"tradeMethod": "20", "tradeVolume": 8265953,
                                "tradeAmount": "804836321.68"}]},
    "pledge": {"seq": "10003", "type": "PLEDGE_REGISTERED", "time": "2025-03-02T09:12:00+08:00",
               "PledgeId": "ZY2025000123", "PledgorUscc": USCC_A, "PledgeeUscc": USCC_BANK,
               "PledgeeName": "某某银行股份有限公司武汉分行", "Unit": "CEA23", "Quantity": "300000",
               "SecuredAmount": "18000000.00", "SecuredAmount@currency": "CNY",
               "TermStart": "2025-03-02", "TermEnd": "2026-03-01"},
    "pledge_event": {"seq": "10004", "type": "PLEDGE_RELEASED", "time": "2026-02-27T16:00:00+08:00",
                     "PledgeId": "ZY2025000123", "Quantity": "100000"},
    "cancellation": {"seq": "10006", "type": "CANCELLATION", "time": "2025-06-01T10:00:00+08:00",
                     "Uscc": USCC_A, "Unit": "CEA24", "Quantity": "5000",
                     "Purpose": "VOLUNTARY"},
    "ccer_project": {"projectId": "CCER-P-2024-000017", "projectName": "某某海上风电项目",
                     "ownerUscc": USCC_C, "ownerName": "某某新能源有限公司",
                     "projectType": "A0102", "methodologyNum": "CCER-01-002-V01",
                     "provinceCode": "440000", "expectYearNum": 250000, "status": "REGISTERED",
                     "validationBody": USCC_BANK, "creditingStart": "2024-01-01",
                     "creditingEnd": "2033-12-31", "updatedAt": "2024-09-01T12:00:00+08:00"},
    "ccer_issuance": {"seq": "10007", "type": "CCER_ISSUANCE", "time": "2025-02-01T10:00:00+08:00",
                      "ProjectId": "CCER-P-2024-000017", "Vintage": "2024",
                      "SerialStart": "100000001", "SerialEnd": "100250000"},
    "ccer_cancellation": {"seq": "10008", "type": "CCER_CANCELLATION",
                          "time": "2025-04-01T10:00:00+08:00", "ProjectId": "CCER-P-2024-000017",
                          "SerialStart": "100000001", "SerialEnd": "100010000", "Holder": USCC_A,
                          "Purpose": "ETS_OFFSET", "Beneficiary": ""},
    "a6_authorization": {"seq": "10009", "type": "A6_AUTHORIZATION",
                         "time": "2025-05-01T10:00:00+08:00", "AuthorizationId": "CHN-A6-2025-001",
                         "CooperativeApproachId": "CA0042", "AuthorizedParties": "CHE,SGP",
                         "Purposes": "NDC and OIMP", "FirstTransferDefinition": "Authorization",
                         "ProjectId": "CCER-P-2024-000017", "MaxQuantity": "500000",
                         "Version": "1"},
    "a6_transfer": {"seq": "10010", "type": "A6_TRANSFER", "time": "2025-07-01T10:00:00+08:00",
                    "AuthorizationId": "CHN-A6-2025-001", "ProjectId": "CCER-P-2024-000017",
                    "Vintage": "2024", "SerialStart": "100200001", "SerialEnd": "100250000",
                    "AcquiringParty": "CHE", "First": "true"},
}


def raw(kind: str, **changes: Any) -> dict[str, Any]:
    """A fresh copy of the sample raw record of ``kind``, with ``changes`` applied."""
    record = copy.deepcopy(_RAW[kind])
    record.update(changes)
    return record


KINDS = tuple(_RAW)
