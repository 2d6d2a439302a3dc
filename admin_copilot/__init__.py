"""The admin copilot: grounded insights and drafts for store managers, never a write.

views: insights, sale_candidates, product_context, review_drafts (VIEWS); reports: the
answers; sales: sales figures from orders; assistant: the assistant's own numbers; drafts:
review replies. The store is only ever seen through bridge.store.readonly.ReadOnlyStore.
"""
from flask import Flask

from bridge.core import Core
from bridge.gates import register

from . import page
from .views import VIEWS


def init_app(app: Flask, core: Core) -> None:
    register(app, core, VIEWS)
    app.register_blueprint(page.bp)
