"""WhatsApp: customers chat with the store's assistant through Meta's Cloud API.

The webhook (views, behind the channel's gate) stores each message and answers 200 at once;
a job runner (runner) runs the job (job) of answering it: the policy (policy) decides what
to say, by the agent core, a button's action (actions) or a visual search (photos),
rendered for WhatsApp (render) and sent with pywa (graph). The database (ledger, over the
channel's tables in models) makes each message answered exactly once. handoff: a person
from the store answering through the inbox; retention: the channel's tables' share of
retention and erasure. cli: the `fahad-bridge whatsapp` commands.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from bridge.core import Core
from bridge.gates import register
from bridge.inbox.retention import RetentionJob
from bridge.routes import Gate

from . import runner as runners
from .actions import Actions
from .graph import make_client
from .handoff import Deliverer
from .retention import delete_older, erase_contact
from .job import Responder
from .photos import Photos
from .policy import Policy
from .views import VIEWS, gate

EXTENSION = "whatsapp"


@dataclass(frozen=True)
class WhatsAppChannel:
    """The channel's parts: its Graph API client, the job and who runs it."""

    wa: object
    policy: Policy
    responder: Responder
    runner: runners.ThreadRunner | runners.RQRunner

    def stop(self) -> None:
        self.runner.stop()


def build(core: Core) -> WhatsAppChannel:
    """The channel over the core's parts; its runner is not started."""
    settings = core.settings
    wa = make_client(settings)
    policy = Policy(settings, core.sessions, core.store, core.agent,
                    Actions(settings, core.sessions, core.store), Photos(wa, core.visual))
    responder = Responder(policy, wa, core.sessions, settings.whatsapp_lease)
    if settings.whatsapp_runner == "rq":
        runner = runners.RQRunner(responder, settings.whatsapp_redis_url)
    else:
        runner = runners.ThreadRunner(responder, settings.whatsapp_workers,
                                      settings.whatsapp_poll_interval)
    runners.CURRENT.update(responder=responder, runner=runner)
    return WhatsAppChannel(wa, policy, responder, runner)


def init_app(app: Flask, core: Core) -> None:
    """The webhook routes behind the channel's gate; the runner joins the core's jobs, so
    messages left from before a restart are answered once the server starts it."""
    channel = build(core)
    app.extensions[EXTENSION] = channel
    register(app, core, VIEWS, gates={Gate.WHATSAPP: gate})
    core.handoffs.register("whatsapp", Deliverer(channel.wa, core.sessions), erase=erase_contact)
    if core.settings.retention_days:
        core.jobs.add(RetentionJob(core.sessions, core.settings.retention_days,
                                   sweep=delete_older))
    if core.settings.whatsapp_enabled:
        core.jobs.add(channel.runner)
