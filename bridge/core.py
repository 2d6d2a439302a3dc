"""The core: the frozen set of parts one bridge runs on, built from its settings.

``build_core(settings)`` makes the parts (database, store, index, providers, agent, visual
search, rate limiter, background jobs) without Flask and without starting anything;
``core.start()`` starts the background work. Request code reaches the parts with
``current_core()``; deep modules are handed the parts they use, never the core.
"""
from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app
from flask_limiter import Limiter
from sqlalchemy.orm import sessionmaker

from . import db
from .agent.core import Agent
from .agent.offline import language
from .agent.providers import Provider, build_chain
from .catalog import semantic
from .catalog.index import CatalogIndex
from .catalog.sync import sync_demo_index
from .catalog.worker import CatalogWorker
from .inbox.handoff import Handoffs
from .inbox.retention import RetentionJob
from .notify.worker import WebhookWorker
from .ratelimit import make_limiter
from .settings import Settings
from .store import make_store
from .store.base import Store
from .visual import VisualSearch
from .visual.service import Warmup
from .visual.sync import sync_images

log = logging.getLogger(__name__)

EXTENSION = "fahad"  # where an app keeps its core: app.extensions["fahad"]


class Job(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...


class Jobs:
    """Background work of one core (the catalogue worker, a channel's job runner), started
    and stopped together. Channels add theirs in ``init_app``; nothing runs until ``start``."""

    def __init__(self):
        self._jobs: list[Job] = []
        self.started = False

    def add(self, job: Job) -> None:
        self._jobs.append(job)
        if self.started:
            job.start()

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        for job in self._jobs:
            job.start()
        atexit.register(self.stop)

    def stop(self) -> None:
        if not self.started:
            return
        self.started = False
        atexit.unregister(self.stop)
        for job in reversed(self._jobs):
            job.stop()


@dataclass(frozen=True)
class Core:
    """The parts of one bridge; an app holds it in ``app.extensions["fahad"]``."""

    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker
    store: Store
    index: CatalogIndex
    providers: list[Provider]
    agent: Agent
    visual: VisualSearch
    limiter: Limiter  # bound to the app by create_app
    jobs: Jobs
    handoffs: Handoffs  # the inbox's actions; channels register their reply delivery here
    catalog_worker: CatalogWorker | None = None  # WooCommerce with background sync only

    def start(self) -> None:
        """Start the background work: the server's workers do (gunicorn's post_worker_init),
        or a test or command that needs it. Building the core or an app never does."""
        self.jobs.start()

    def stop(self) -> None:
        self.jobs.stop()


def build_core(settings: Settings) -> Core:
    """Every part, built from the settings; nothing started, no Flask app needed."""
    engine = db.make_engine(settings)
    sessions = sessionmaker(engine, expire_on_commit=False)
    store = make_store(settings, sessions)
    encoder, why = semantic.load(settings.search_model, settings.search_tokenizer) \
        if settings.search_semantic else (None, "search_semantic is off")
    if encoder is None:
        log.info("search: lexical only (%s)", why)
    index = CatalogIndex(settings.data_path / f"catalog-{settings.store}.sqlite3", encoder,
                         reader=language.reading)
    if store.local is not None:  # a catalogue in this process: the index follows it now
        sync_demo_index(store, index)
    providers = build_chain(settings, store.name, store.currency)
    agent = Agent(store, index, providers, sessions, settings)
    visual = VisualSearch.build(settings, store, index, sessions)
    jobs = Jobs()
    jobs.add(Warmup(visual))
    worker = None
    if store.local is None and settings.wc_background_sync:
        worker = CatalogWorker(
            store, index, sessions, settings,
            after=lambda: sync_images(visual, store, settings, settings.visual_sync_batch))
        jobs.add(worker)
    if settings.webhooks:
        jobs.add(WebhookWorker(sessions, settings))
    if settings.retention_days:
        jobs.add(RetentionJob(sessions, settings.retention_days))
    return Core(settings, engine, sessions, store, index, providers, agent, visual,
                make_limiter(settings), jobs, Handoffs(sessions, settings), worker)


def core_of(app: Flask) -> Core:
    return app.extensions[EXTENSION]


def current_core() -> Core:
    """The core of the app handling the current request or command."""
    return current_app.extensions[EXTENSION]
