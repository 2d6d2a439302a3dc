"""The storefront channel: the shopper's chat routes and, standalone, the demo shop pages.

views: message, stream, cart, feedback (VIEWS); visual: /visual-search; socket_chat: /ws;
account: a signed-in shopper's orders and addresses (bridge.chat and bridge.agent.render
answer the turns);
pages: the demo page at /, product and checkout-link pages, widget assets, demo images.
"""
from flask import Flask

from bridge.core import Core
from bridge.gates import register

from . import account, pages
from .socket_chat import websocket
from .views import VIEWS
from .visual import visual_search


def init_app(app: Flask, core: Core) -> None:
    register(app, core, {**VIEWS, **account.VIEWS,
                         "storefront.visual_search": visual_search,
                         "storefront.websocket": websocket})
    app.register_blueprint(pages.bp)
