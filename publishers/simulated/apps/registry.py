"""The registry (全国碳排放权注册登记系统 / 全国温室气体自愿减排注册登记系统).

``GET /events?since=&limit=`` (XML feed) and ``GET /ccer/projects?updatedSince=`` (JSON).
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from ..faults import FaultBoard
from ..generator.events import Event
from ..generator.world import World
from ..params import HttpError, datetime_param, int_param
from ..servers import Request, Response, json_response

NAMESPACE = "urn:cn:cets:registry:events:1"
_XML = "application/xml; charset=utf-8"


def render_event(event: Event) -> str:
    """One ``<Event>`` element; a CORRECTION carries the whole corrected body."""
    attrs = f'seq="{event.seq}" type="{event.etype}" time="{event.time}"'
    if event.supersedes is not None:
        attrs += f' supersedes="{event.supersedes.seq}"'
    children = []
    for f in event.fields:
        extra = "".join(f" {k}={quoteattr(v)}" for k, v in (f[2] if len(f) > 2 else {}).items())
        children.append(f"<{f[0]}{extra}>{escape(f[1])}</{f[0]}>" if f[1] else f"<{f[0]}{extra}/>")
    return f"  <Event {attrs}>\n    {''.join(children)}\n  </Event>\n"


def render_page(events: list[Event], last_seq: int, has_more: bool, encoding: str = "UTF-8") -> bytes:
    """A feed page; ``lastSeq`` is the newest seq the registry has published."""
    head = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            f'<RegistryEvents xmlns="{NAMESPACE}" lastSeq="{last_seq}" hasMore="{str(has_more).lower()}">\n')
    return (head + "".join(render_event(e) for e in events) + "</RegistryEvents>\n").encode("utf-8")


class RegistryApp:
    system = "registry"

    def __init__(self, world: World) -> None:
        self.world = world

    def handle(self, request: Request, faults: FaultBoard) -> Response:
        if request.path == "/events":
            return self._events(request, faults)
        if request.path == "/ccer/projects":
            return self._projects(request)
        raise HttpError(404, f"no such resource {request.path} / 资源不存在")

    def _events(self, request: Request, faults: FaultBoard) -> Response:
        feed = self.world.events
        since = int_param(request.query, "since", 0, 0, 10**12)
        limit = int_param(request.query, "limit", 500, 1, 1000)
        page = feed[since: since + limit]
        if page and faults.take("duplicate_seq", request.path):
            middle = len(page) // 2
            page = page[: middle + 1] + page[middle:]
        if 0 < since <= len(feed) and faults.take("duplicate_page", request.path):
            page = [feed[since - 1], *page]
        encoding = "GB2312" if faults.take("encoding_mismatch", request.path) else "UTF-8"
        return Response(200, render_page(page, len(feed), since + limit < len(feed), encoding), _XML)

    def _projects(self, request: Request) -> Response:
        since = datetime_param(request.query, "updatedSince")
        records = self.world.projects
        if since is not None:
            records = [r for r in records if datetime.fromisoformat(r["updatedAt"]) >= since]
        return json_response(records)

    def error(self, request: Request, status: int, message: str) -> Response:
        if request.path == "/events":
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="{NAMESPACE}" status="{status}">'
                    f"<Message>{escape(message)}</Message></Error>\n")
            return Response(status, body.encode("utf-8"), _XML)
        return json_response({"error": status, "message": message}, status)

    def defects(self) -> list[dict]:
        return [d for d in self.world.known_defects() if d["system"] == self.system]

