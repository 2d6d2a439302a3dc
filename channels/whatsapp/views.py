"""GET /whatsapp (Meta's handshake) and POST /whatsapp (deliveries), behind the channel's
gate: the verify token, or X-Hub-Signature-256 over the raw body.

A delivery is acknowledged as soon as its messages are stored: the replies are jobs. Meta
retries anything but a 2xx for days, so a body that can't be read still gets its 200.
"""
from __future__ import annotations

import logging

from flask import Response, current_app, jsonify, request

from bridge.core import Core, current_core
from bridge.errors import FORBIDDEN, INVALID_SIGNATURE, BridgeError
from bridge.security import meta_signed, same_secret

from . import ledger
from .inbound import parse

log = logging.getLogger(__name__)


def gate(core: Core) -> None:
    """Gate.WHATSAPP. The soft pause, the per-phone rate limit and the daily cap apply to
    each message in its job: Meta must get its 200 or it retries for days.

    :raise 403: WhatsApp not configured; a handshake with the wrong mode or verify token;
        a delivery whose signature is missing or wrong.
    """
    settings = core.settings
    if request.method == "GET":
        if not (settings.whatsapp_enabled and request.args.get("hub.mode") == "subscribe"
                and request.args.get("hub.challenge")
                and same_secret(settings.whatsapp_verify_token,
                                request.args.get("hub.verify_token", ""))):
            raise BridgeError(FORBIDDEN, "The verify token does not match.", 403)
        return
    if not settings.whatsapp_enabled:
        raise BridgeError(FORBIDDEN, "WhatsApp is not configured on this bridge.", 403)
    if not meta_signed(settings.whatsapp_app_secret, request.get_data(cache=True),
                       request.headers.get("X-Hub-Signature-256", "")):
        raise BridgeError(INVALID_SIGNATURE, "The webhook signature does not match.", 403)


def handshake():
    return Response(request.args["hub.challenge"], mimetype="text/plain")


def webhook():
    channel = current_app.extensions["whatsapp"]
    core = current_core()
    try:
        messages, statuses = parse(request.get_data(cache=True), channel.wa,
                                   core.settings.whatsapp_phone_number_id)
    except ValueError as exc:  # its reason never quotes the body
        log.warning("WhatsApp delivery ignored: %s", exc)
        return jsonify({"received": True})
    sessions = core.sessions
    for message in messages:
        inbound_id = ledger.store(sessions, message)
        if inbound_id is not None:
            try:
                channel.runner.submit(inbound_id)
            except Exception as exc:  # stored all the same: the runner's sweep finds it
                log.error("could not queue WhatsApp message %s: %s", inbound_id,
                          type(exc).__name__)
    for status in statuses:
        if ledger.record_status(sessions, status) and status.status == "failed":
            # Not retried as text: a window error needs the customer to write first (or
            # a template message), and other refusals would only fail again.
            log.warning("WhatsApp message %s failed: %s %s", status.wamid, status.error_code,
                        status.error_title or "")
    return jsonify({"received": True})


VIEWS = {"whatsapp.handshake": handshake, "whatsapp.webhook": webhook}
