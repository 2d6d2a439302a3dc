"""The agent gateway: the store for other people's AI agents, public and read only.

views: llms, catalog, search, product, checkout_handoff, feed (VIEWS), the catalogue's
through bridge.catalog_views; service: the checkout hand-off; llms: llms.txt;
mcp_server: the same answers as MCP tools (build_server); mcp_http: POST /agent/mcp (VIEWS).
"""
from flask import Flask

from bridge.core import Core
from bridge.gates import register

from . import mcp_http
from .views import VIEWS


def init_app(app: Flask, core: Core) -> None:
    mcp_http.init_app(app, core)
    register(app, core, {**VIEWS, **mcp_http.VIEWS})
