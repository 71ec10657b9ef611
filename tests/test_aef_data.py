"""Synthetic CHN Article 6 records shared by the AEF tests (3 authorizations, 6 transfers, 2 years)."""

from __future__ import annotations

from typing import Any

PROJECTS: list[dict[str, Any]] = [
    {"project_id": "CCER-P-2024-000017", "project_name": "某海上风电项目", "owner_uscc": "91420100MA4K00010R",
     "owner_name": "Hubei Offshore Wind Power Co., Ltd.", "project_type": "A0102",
     "methodology": "CCER-01-002-V01", "province_code": "420000", "expected_annual_reductions": 300000,
     "status": "REGISTERED", "validation_body_uscc": "91110000100000008J",
     "crediting_start": "2023-01-01", "crediting_end": "2032-12-31"},
    {"project_id": "CCER-P-2024-000031", "project_name": "某造林碳汇项目", "owner_uscc": "914403001922038216",
     "owner_name": "Guangdong Forestry Carbon Co., Ltd.", "project_type": "N0101",
     "methodology": "CCER—14—001—V01", "province_code": "440000", "expected_annual_reductions": 80000,
     "status": "REGISTERED", "validation_body_uscc": "91110000100000008J",
     "crediting_start": "2021-01-01", "crediting_end": "2050-12-31"},
]

AUTHORIZATIONS: list[dict[str, Any]] = [
    {"authorization_id": "CHN-A6-2025-001", "cooperative_approach_id": "CA0042",
     "authorized_parties": ["CHE", "SGP"], "purposes": "NDC and OIMP", "first_transfer_definition": "Authorization",
     "project_id": "CCER-P-2024-000017", "max_quantity": 500000, "version": 1,
     "event_time": "2025-05-01T10:00:00+08:00", "registry_seq": 10009},
    {"authorization_id": "CHN-A6-2025-002", "cooperative_approach_id": "CA0043",
     "authorized_parties": ["GHA"], "purposes": "NDC", "first_transfer_definition": "Use or cancellation",
     "project_id": "CCER-P-2024-000031", "max_quantity": 100000, "version": 1,
     "event_time": "2025-06-15T09:30:00+08:00", "registry_seq": 10020},
    {"authorization_id": "CHN-A6-2026-001", "cooperative_approach_id": "CA0042",
     "authorized_parties": ["CHE"], "purposes": "NDC", "first_transfer_definition": "Issuance",
     "project_id": "CCER-P-2024-000017", "max_quantity": 200000, "version": 1,
     "event_time": "2026-02-01T10:00:00+08:00", "registry_seq": 10100},
]

ISSUANCES: list[dict[str, Any]] = [
    {"project_id": "CCER-P-2024-000017", "vintage": 2024, "serial_start": 100000001, "serial_end": 100250000,
     "quantity": 250000, "event_time": "2025-03-01T10:00:00+08:00", "registry_seq": 10007},
    {"project_id": "CCER-P-2024-000031", "vintage": 2024, "serial_start": 200000001, "serial_end": 200080000,
     "quantity": 80000, "event_time": "2025-04-01T10:00:00+08:00", "registry_seq": 10008},
    {"project_id": "CCER-P-2024-000017", "vintage": 2025, "serial_start": 100250001, "serial_end": 100550000,
     "quantity": 300000, "event_time": "2026-03-01T10:00:00+08:00", "registry_seq": 10101},
]

TRANSFERS: list[dict[str, Any]] = [
    {"authorization_id": "CHN-A6-2025-001", "project_id": "CCER-P-2024-000017", "vintage": 2024,
     "serial_start": 100000001, "serial_end": 100050000, "quantity": 50000, "acquiring_party": "CHE",
     "first": True, "event_time": "2025-05-10T10:00:00+08:00", "registry_seq": 10010},
    {"authorization_id": "CHN-A6-2025-001", "project_id": "CCER-P-2024-000017", "vintage": 2024,
     "serial_start": 100050001, "serial_end": 100080000, "quantity": 30000, "acquiring_party": "SGP",
     "first": True, "event_time": "2025-09-02T15:00:00+08:00", "registry_seq": 10030},
    {"authorization_id": "CHN-A6-2025-002", "project_id": "CCER-P-2024-000031", "vintage": 2024,
     "serial_start": 200000001, "serial_end": 200020000, "quantity": 20000, "acquiring_party": "GHA",
     "first": True, "event_time": "2025-11-20T11:00:00+08:00", "registry_seq": 10040},
    {"authorization_id": "CHN-A6-2025-001", "project_id": "CCER-P-2024-000017", "vintage": 2024,
     "serial_start": 100080001, "serial_end": 100090000, "quantity": 10000, "acquiring_party": "CHE",
     "first": True, "event_time": "2026-01-15T10:00:00+08:00", "registry_seq": 10090},
    {"authorization_id": "CHN-A6-2026-001", "project_id": "CCER-P-2024-000017", "vintage": 2025,
     "serial_start": 100250001, "serial_end": 100300000, "quantity": 50000, "acquiring_party": "CHE",
     "first": True, "event_time": "2026-04-02T10:00:00+08:00", "registry_seq": 10110},
    {"authorization_id": "CHN-A6-2025-002", "project_id": "CCER-P-2024-000031", "vintage": 2024,
     "serial_start": 200020001, "serial_end": 200025000, "quantity": 5000, "acquiring_party": "GHA",
     "first": True, "event_time": "2026-06-30T10:00:00+08:00", "registry_seq": 10120},
]

SUBMISSION_INFO: dict[str, Any] = {
    "version": "1.0", "submission_date": "2026-04-10", "ndc_first_year": 2021, "ndc_last_year": 2030,
    "oimp_authorized": {"CHN-A6-2025-001": "Use under CORSIA"},
}
