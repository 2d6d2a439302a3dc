"""GET /whatsapp (Meta's handshake) and POST /whatsapp (deliveries), behind Gate.WHATSAPP.

A delivery is acknowledged as soon as its messages are stored: the replies are jobs. Meta
retries anything but a 2xx for days, so a body that can't be read still gets its 200.
"""
from __future__ import annotations

import logging

from flask import Response, current_app, g, jsonify, request

from . import ledger
from .inbound import parse

log = logging.getLogger(__name__)


def handshake():
    return Response(g.challenge, mimetype="text/plain")


def webhook():
    channel = current_app.extensions["whatsapp"]
    try:
        messages, statuses = parse(request.get_data(cache=True), channel.wa,
                                   channel.settings.whatsapp_phone_number_id)
    except ValueError as exc:  # its reason never quotes the body
        log.warning("WhatsApp delivery ignored: %s", exc)
        return jsonify({"received": True})
    sessions = channel.bridge.sessions
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
