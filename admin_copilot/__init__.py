"""The admin copilot: grounded insights and drafts for store managers, and the inbox. It
never writes to the store; the inbox writes only the bridge's own conversations.

views: insights, sale_candidates, product_context, review_drafts (VIEWS); inbox_views: the
inbox's routes over inbox (reads) and bridge.inbox (the handoff); inbox_insights: what
shoppers ask and how the assistant does; reports: the
answers; sales: sales figures from orders; assistant: the assistant's own numbers; drafts:
review replies. The store is only ever seen through bridge.store.readonly.ReadOnlyStore.
"""
from flask import Flask

from bridge.core import Core
from bridge.gates import register

from . import page
from .inbox_views import VIEWS as INBOX_VIEWS
from .views import VIEWS


def init_app(app: Flask, core: Core) -> None:
    register(app, core, {**VIEWS, **INBOX_VIEWS})
    app.register_blueprint(page.bp)
