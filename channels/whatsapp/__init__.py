"""WhatsApp: customers chat with the store's assistant through Meta's Cloud API.

The webhook (views) stores each message and answers 200 at once; a job runner (runner)
answers it through the agent core (replies), rendered for WhatsApp (render) and sent with
pywa (graph). The database (ledger) makes each message answered exactly once.
"""
from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass

from flask import Flask

from bridge.routes import register

from . import runner as runners
from .graph import make_client
from .replies import Responder
from .views import VIEWS

log = logging.getLogger(__name__)


@dataclass
class WhatsAppChannel:
    """What the channel holds for its views and workers: ``app.extensions["whatsapp"]``."""

    bridge: object
    wa: object
    responder: Responder
    runner: object

    @property
    def settings(self):
        return self.bridge.settings

    def stop(self) -> None:
        self.runner.stop()


def build(bridge) -> WhatsAppChannel:
    settings = bridge.settings
    wa = make_client(settings)
    responder = Responder(bridge, wa)
    if settings.whatsapp_runner == "rq":
        runner = runners.RQRunner(responder, settings.whatsapp_redis_url)
    else:
        runner = runners.ThreadRunner(responder, settings.whatsapp_workers,
                                      settings.whatsapp_poll_interval)
    runners.CURRENT.update(responder=responder, runner=runner)
    return WhatsAppChannel(bridge, wa, responder, runner)


def init_app(app: Flask) -> None:
    channel = build(app.extensions["fahad"])
    app.extensions["whatsapp"] = channel
    register(app, VIEWS)
    if channel.settings.whatsapp_enabled:
        # Started with the app, so messages left from before a restart are answered now.
        channel.runner.start()
        atexit.register(channel.stop)
