"""POST /agent/mcp: the gateway's MCP server over Streamable HTTP, run inside the Flask view.

Stateless JSON-response mode: every POST is answered on its own, so no session lives in one
worker's memory. Each request gets the SDK's app and an event loop of its own, in the
request's thread, for as long as the request lasts: no background thread, nothing kept.
The SDK (half a second to import, and its objects on every worker's heap) loads with the
first request to this route, not with the app.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, request

from bridge.core import Core, core_of

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

EXTENSION = "fahad_mcp"
ENDPOINT = "/mcp"  # the SDK app's own path; the request is handed to it there


def init_app(app: Flask, core: Core) -> None:
    app.extensions[EXTENSION] = None  # the server, built by the first request
    # The SDK logs its session manager starting and stopping at INFO, which here happens on
    # every request; warnings and errors still come through.
    for name in ("mcp.server.streamable_http_manager", "mcp.server.streamable_http"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _server() -> "MCPServer":
    server = current_app.extensions[EXTENSION]
    if server is None:  # two first requests at once build two: the same, and one is kept
        from .mcp_server import build_server

        app = current_app._get_current_object()
        server = app.extensions[EXTENSION] = build_server(app, core_of(app).settings)
    return server


def mcp():
    import anyio

    server = _server()
    status, headers, body = anyio.run(_exchange, server, _scope(), request.get_data())
    if status is None:  # left to the app's handler for unexpected errors: a JSON 500
        raise RuntimeError("the MCP app ended without a response")
    return Response(body, status=status, headers=headers)


def _scope() -> dict:
    """An ASGI HTTP scope for the current request, addressed to the SDK app's endpoint."""
    environ = request.environ
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": request.method, "scheme": request.scheme,
        "path": ENDPOINT, "raw_path": ENDPOINT.encode(), "root_path": "",
        "query_string": request.query_string,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1"))
                    for k, v in request.headers.items()],
        "client": (request.remote_addr or "", int(environ.get("REMOTE_PORT") or 0)),
        "server": (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)),
    }


async def _exchange(server: MCPServer, scope: dict, body: bytes) -> tuple[int | None, list, bytes]:
    """Run one request through a fresh SDK app (its session manager runs only once, so it
    can't outlive this loop) and collect its response; status None when it sent none."""
    import anyio
    from mcp.server.transport_security import TransportSecuritySettings

    # The SDK guards local servers against DNS rebinding by checking Host and Origin. This
    # one is public, read only and takes no credentials, behind whatever host serves the store.
    open_hosts = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(streamable_http_path=ENDPOINT, stateless_http=True,
                                     json_response=True, transport_security=open_hosts)
    response = {"status": None, "headers": [], "body": []}
    answered = anyio.Event()
    unread = [body]

    async def receive() -> dict:
        if unread:
            return {"type": "http.request", "body": unread.pop(), "more_body": False}
        await answered.wait()  # the client stays until the answer is written
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = [(k.decode("latin-1"), v.decode("latin-1"))
                                   for k, v in message.get("headers", [])
                                   if k.lower() != b"content-length"]
        elif message["type"] == "http.response.body":
            response["body"].append(message.get("body", b""))
            if not message.get("more_body"):
                answered.set()

    async with app.router.lifespan_context(app):
        await app(scope, receive, send)
    answered.set()
    return response["status"], response["headers"], b"".join(response["body"])


VIEWS = {"agent_gateway.mcp": mcp}
