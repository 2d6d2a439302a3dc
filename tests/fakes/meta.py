"""Meta's side of the WhatsApp webhook: delivery bodies in the Cloud API's current shape
(contacts carry ``wa_id`` and the business-scoped ``user_id``), signed like Meta signs them."""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time

from bridge.routes import NAMESPACE

PHONE_ID = "106540352242922"
WABA_ID = "102290129340398"
URL = NAMESPACE + "/whatsapp"
_ids = itertools.count(1)


def wamid() -> str:
    return f"wamid.HBgLMTU1NTEyMzQ1NjcVAgASGBQz{next(_ids):08d}"


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(value: dict, phone_id: str = PHONE_ID) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550009999",
                               "phone_number_id": phone_id}, **value}}]}]}


def contact(phone: str, name: str = "Sara") -> dict:
    return {"profile": {"name": name}, "wa_id": phone, "user_id": f"US.{phone}0000"}


def message(phone: str, kind: str, content: dict, *, id: str | None = None,
            at: float | None = None, name: str = "Sara", phone_id: str = PHONE_ID) -> dict:
    msg = {"from": phone, "id": id or wamid(), "timestamp": str(int(at or time.time())),
           "type": kind, **content}
    return delivery({"contacts": [contact(phone, name)], "messages": [msg]}, phone_id)


def text(phone: str, body: str, **kw) -> dict:
    return message(phone, "text", {"text": {"body": body}}, **kw)


def button(phone: str, reply_id: str, title: str, **kw) -> dict:
    return message(phone, "interactive", {"interactive": {
        "type": "button_reply", "button_reply": {"id": reply_id, "title": title}}}, **kw)


def list_reply(phone: str, reply_id: str, title: str, **kw) -> dict:
    return message(phone, "interactive", {"interactive": {
        "type": "list_reply", "list_reply": {"id": reply_id, "title": title,
                                             "description": ""}}}, **kw)


def image(phone: str, media_id: str, **kw) -> dict:
    return message(phone, "image", {"image": {"id": media_id, "mime_type": "image/jpeg",
                                              "sha256": "0" * 64}}, **kw)


def status(wamid_: str, state: str, phone: str, error: dict | None = None,
           at: float | None = None) -> dict:
    item = {"id": wamid_, "status": state, "timestamp": str(int(at or time.time())),
            "recipient_id": phone}
    if state in ("sent", "delivered"):
        item["conversation"] = {"id": "CONVERSATION_ID",
                                "origin": {"type": "service"},
                                **({"expiration_timestamp": str(int(time.time()) + 86400)}
                                   if state == "sent" else {})}
        item["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service",
                           "type": "free_customer_service"}
    if error:
        item["errors"] = [error]
    return delivery({"contacts": [{"wa_id": phone, "user_id": f"US.{phone}0000"}],
                     "statuses": [item]})


WINDOW_ERROR = {"code": 131047, "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": "Message failed to send because more than 24 hours "
                                          "have passed since the customer last replied to "
                                          "this number."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"}


class Meta:
    """Posts signed deliveries to the bridge's webhook, as Meta does."""

    def __init__(self, client, secret: str):
        self.client = client
        self.secret = secret

    def post(self, payload, *, secret: str | None = None, signature_header: str | None = None,
             raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {}
        if signature_header is not None:
            headers["X-Hub-Signature-256"] = signature_header
        elif secret != "":
            headers["X-Hub-Signature-256"] = signature(body, secret or self.secret)
        return self.client.post(URL, data=body, headers=headers,
                                content_type="application/json")
