"""The apps' channel: headless shops and mobile apps reach the assistant from their servers
with an API key (bridge.apikeys) and their own user id.

views: /app/message, /app/stream, /app/conversations, /app/conversation, /app/orders,
/app/order, /app/addresses (VIEWS); socket_chat: /app/ws, the chat over a WebSocket;
analytics: /app/analytics, the key's own usage; catalog: /app/catalog, /app/search,
/app/product, the agent gateway's catalogue answers; manage: /app/personas, /app/handoff,
/app/feedback, /app/conversation/erase; owner: the key, the app user, their conversations'
key and their cart; admin: a store manager's /admin/api-keys routes.
"""
from flask import Flask

from bridge.core import Core
from bridge.gates import register

from . import admin, catalog, manage
from .analytics import analytics
from .socket_chat import websocket
from .views import VIEWS


def init_app(app: Flask, core: Core) -> None:
    register(app, core, {**VIEWS, **admin.VIEWS, **manage.VIEWS, **catalog.VIEWS,
                         "app_api.analytics": analytics, "app_api.websocket": websocket})
