"""``?_bom=1`` on any ``.csv`` URL: start the file with a UTF-8 byte order mark.

Excel on Windows reads a CSV without a BOM in the local code page, which turns
Chinese text into mojibake; with the BOM it reads UTF-8. The static script adds a
"CSV (Excel)" link and a checkbox to Datasette's export controls.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from datasette import hookimpl

BOM = "\ufeff".encode()


def wants_bom(scope) -> bool:
    if scope["type"] != "http" or not scope["path"].endswith(".csv"):
        return False
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    return any(k == "_bom" and v not in ("", "0") for k, v in parse_qsl(query))


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def add_bom(scope, receive, send):
            if not wants_bom(scope):
                await app(scope, receive, send)
                return
            state = {"ok": False, "done": False}

            async def send_with_bom(message):
                if message["type"] == "http.response.start":
                    state["ok"] = message["status"] == 200
                    if state["ok"]:
                        message = dict(message, headers=_longer(message.get("headers", [])))
                elif message["type"] == "http.response.body" and state["ok"] \
                        and not state["done"]:
                    state["done"] = True
                    message = dict(message, body=BOM + message.get("body", b""))
                await send(message)

            await app(scope, receive, send_with_bom)
        return add_bom
    return wrap


def _longer(headers):
    out = []
    for name, value in headers:
        if name.lower() == b"content-length":
            value = str(int(value) + len(BOM)).encode()
        out.append((name, value))
    return out
