"""The management platform (全国碳市场管理平台).

``GET /units?year=``, ``GET /reports/{year}.csv`` (GB18030), ``GET /compliance?year=``,
``GET /parameters?month=&after=&limit=`` (restricted monthly deposits).
"""

from __future__ import annotations

import re
import threading

from ..faults import FaultBoard
from ..generator.parameters import DEPOSIT_ID
from ..generator.world import World
from ..params import HttpError, int_param, month_param, pattern_param, year_param
from ..servers import Request, Response, json_response

_REPORT = re.compile(r"^/reports/(\d{4})\.csv$")
_CSV = "text/csv; charset=GB18030"


class PlatformApp:
    system = "platform"

    def __init__(self, world: World) -> None:
        self.world = world
        self._encoded: dict[int, bytes] = {}  # report files in GB18030, by year
        self._lock = threading.Lock()

    def handle(self, request: Request, faults: FaultBoard) -> Response:
        if request.path == "/units":
            year = year_param(request.query)
            return json_response(self.world.units_json(year))
        if request.path == "/compliance":
            year = year_param(request.query)
            return json_response([r.as_json() for r in self.world.compliance.get(year, [])])
        if request.path == "/parameters":
            return self._parameters(request, faults)
        match = _REPORT.match(request.path)
        if match:
            return self._report(int(match.group(1)), request, faults)
        raise HttpError(404, f"no such resource {request.path} / 资源不存在")

    def _report(self, year: int, request: Request, faults: FaultBoard) -> Response:
        report = self.world.reports.get(year)
        if report is None:
            raise HttpError(404, f"no report file for {year} / 无 {year} 年度报告文件")
        if faults.take("utf8_bom_csv", request.path):
            return Response(200, b"\xef\xbb\xbf" + report.body().encode("utf-8"), _CSV)
        with self._lock:
            body = self._encoded.get(year)
            if body is None:
                body = self._encoded[year] = report.body().encode("gb18030")
        return Response(200, body, _CSV)

    def _parameters(self, request: Request, faults: FaultBoard) -> Response:
        month = month_param(request.query, "month")
        after = pattern_param(request.query, "after", DEPOSIT_ID.pattern[1:-1], "DP202404000001")
        limit = int_param(request.query, "limit", 500, 1, 1000)
        start = _start(month, after)
        items, more = self.world.deposits(month, start, limit)
        if items and faults.take("duplicate_seq", request.path):
            items.insert(len(items) // 2, dict(items[len(items) // 2]))
        if start > 0 and faults.take("duplicate_page", request.path):
            items = self.world.deposits(month, start - 1, 1)[0] + items
        return json_response({"list": items, "nextAfter": items[-1]["id"] if more else None})

    def error(self, request: Request, status: int, message: str) -> Response:
        return json_response({"error": status, "message": message}, status)

    def defects(self) -> list[dict]:
        return [d for d in self.world.known_defects() if d["system"] == self.system]


def _start(month: str, after: str | None) -> int:
    """Index of the first deposit of ``month`` whose id is greater than ``after``."""
    prefix = "DP" + month.replace("-", "")
    if after is None or after < prefix:
        return 0
    if not after.startswith(prefix):
        return 10**9
    return int(after[8:])
