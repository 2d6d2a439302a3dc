"""The composition root of the web app: ``create_app`` builds the core, binds it to a Flask
app, and adds each channel with its ``init_app(app, core)``.

With ``bridge/cli.py`` the only module of ``bridge`` that imports ``channels`` and
``admin_copilot``. It starts no background work: see ``Core.start``.
"""
from __future__ import annotations

from flask import Flask

import admin_copilot
from channels import agent_gateway, app_api, storefront, webhooks, whatsapp

from . import cors, errors, health
from .doctor import probe
from .bodies import BodyBuffer
from .core import EXTENSION, Core, build_core
from .proxies import TrustedProxies, parse_networks
from .routes import DEFAULT_BODY, ROUTES
from .settings import Settings, load_settings

# The largest body any route takes (each route's cap is in the route table).
MAX_BODY = max(route.max_body for route in ROUTES)

# Each adds its routes, pages and jobs with init_app(app, core).
CHANNELS = (storefront, webhooks, agent_gateway, admin_copilot, whatsapp, app_api)


def create_app(settings: Settings | None = None, core: Core | None = None) -> Flask:
    """The bridge as a Flask app, on ``core`` or on one built from ``settings`` (loaded from
    config and the environment when neither is given)."""
    core = core or build_core(settings or load_settings())
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY)
    app.json.sort_keys = False  # cards read in the order the code builds them
    proxies = parse_networks(core.settings.trusted_proxies)
    caps = {(route.method, route.url): route.max_body for route in ROUTES}
    app.wsgi_app = BodyBuffer(TrustedProxies(app.wsgi_app, proxies), caps, DEFAULT_BODY)
    app.extensions[EXTENSION] = core

    errors.init_app(app)
    cors.init_app(app, core.settings.storefront_origins)
    app.after_request(_no_retry_after_on_success)  # runs after flask-limiter's header hook
    core.limiter.init_app(app)
    health.init_app(app, core)
    probe.init_app(app, core)
    for channel in CHANNELS:
        channel.init_app(app, core)
    return app


def _no_retry_after_on_success(response):
    # flask-limiter writes Retry-After on every limited response; it only means something
    # on a refusal.
    if response.status_code < 400:
        response.headers.pop("Retry-After", None)
    return response
