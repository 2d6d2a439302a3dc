"""The storefront channel: the shopper's chat routes and, standalone, the demo shop pages.

views: message, stream, cart, feedback (VIEWS); render: sse_frame, sse_body, fold;
pages: the demo page at /, product and checkout-link pages, widget assets, demo images.
"""
from flask import Flask

from bridge.routes import register

from . import pages
from .views import VIEWS


def init_app(app: Flask) -> None:
    register(app, VIEWS)
    app.register_blueprint(pages.bp)
