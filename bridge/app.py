"""The app factory: settings, database, store, index, agent and gates, then each channel."""
from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from flask_limiter import Limiter
from sqlalchemy.orm import sessionmaker

from . import db, errors, health
from .bodies import BodyBuffer
from .agent.core import Agent
from .agent.providers import build_chain
from .catalog.index import CatalogIndex
from .gates import make_limiter
from .proxies import TrustedProxies, parse_networks
from .routes import DEFAULT_BODY, ROUTES
from .settings import Settings, load_settings
from .store.base import Store
from .catalog.sync import sync_demo_index
from .catalog.worker import CatalogWorker
from .store import make_store
from .visual import VisualSearch
from .visual.sync import sync_features

log = logging.getLogger(__name__)

# The largest body any route takes (each route's cap is in the route table).
MAX_BODY = max(route.max_body for route in ROUTES)

# Channel packages, each with init_app(app). Named, not imported, so bridge never imports them.
CHANNELS = ("channels.storefront", "channels.webhooks", "channels.agent_gateway",
            "admin_copilot", "channels.whatsapp")


@dataclass
class Bridge:
    """What the app holds for its requests: ``app.extensions["fahad"]``."""

    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker
    store: Store
    index: CatalogIndex
    agent: Agent
    limiter: Limiter | None = None
    catalog_worker: CatalogWorker | None = None
    visual: VisualSearch | None = None


def create_app(settings: Settings | None = None) -> Flask:
    """Build the bridge; with no settings, load them from config and the environment."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY)
    app.json.sort_keys = False  # cards read in the order the code builds them
    proxies = parse_networks(settings.trusted_proxies)
    caps = {(route.method, route.url): route.max_body for route in ROUTES}
    app.wsgi_app = BodyBuffer(TrustedProxies(app.wsgi_app, proxies), caps, DEFAULT_BODY)

    engine = db.make_engine(settings)
    sessions = db.init_app(app, engine)
    store = make_store(settings, sessions)
    index = CatalogIndex(settings.data_path / f"catalog-{settings.store}.sqlite3")
    if store.local is not None:  # a catalogue in this process: the index follows it now
        sync_demo_index(store, index)
    agent = Agent(store, index, build_chain(settings, store.name, store.currency), sessions,
                  settings)
    bridge = Bridge(settings, engine, sessions, store, index, agent)
    bridge.visual = VisualSearch.build(bridge)
    app.extensions["fahad"] = bridge
    if store.local is None and settings.wc_background_sync:
        bridge.catalog_worker = CatalogWorker(
            store, index, sessions, settings,
            after=lambda: sync_features(store, index, settings, settings.visual_sync_batch))
        bridge.catalog_worker.start()

    errors.init_app(app)
    app.after_request(_no_retry_after_on_success)  # runs after flask-limiter's header hook
    bridge.limiter = make_limiter(app, settings)
    health.init_app(app)

    for name in CHANNELS:
        importlib.import_module(name).init_app(app)
    return app


def _no_retry_after_on_success(response):
    # flask-limiter writes Retry-After on every limited response; it only means something
    # on a refusal.
    if response.status_code < 400:
        response.headers.pop("Retry-After", None)
    return response
