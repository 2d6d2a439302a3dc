"""Sending through Meta's Cloud API with pywa's WhatsApp client.

pywa fixes the Graph API address (https://graph.facebook.com); ``whatsapp_api_base`` points
its HTTP client elsewhere (a proxy, or the tests' loopback server) by rewriting each request's
origin in the transport, leaving the path pywa built untouched.
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import httpx
from pywa import WhatsApp
from pywa.errors import WhatsAppError
from pywa.types import Button, Section, SectionList, SectionRow

from bridge.settings import Settings

log = logging.getLogger(__name__)

GRAPH_HOST = "graph.facebook.com"
RETRIES = (0.5, 2.0)  # pauses before resending after a transient failure
# Cloud API codes worth resending: throttling and Meta's own temporary failures.
TRANSIENT_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056}
WINDOW_CLOSED = 131047  # more than 24 hours since the customer's last message


@dataclass
class Outgoing:
    """One message to send, in the bridge's terms; stored as it is planned."""

    kind: str  # "text", "list" or "buttons"
    text: str
    button: str = ""  # the list's menu button
    section: str = ""  # the list's section title
    rows: list = field(default_factory=list)  # [[id, title, description], ...]
    buttons: list = field(default_factory=list)  # [[id, title], ...]
    footer: str = ""

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", [])}

    @classmethod
    def from_dict(cls, data: dict) -> "Outgoing":
        return cls(**data)


class SendFailed(Exception):
    """A send that did not succeed; ``maybe_sent`` when it may have reached Meta all the
    same (no answer came back), so its fate is unknown."""

    def __init__(self, code: int | None, title: str, transient: bool, maybe_sent: bool = False):
        super().__init__(title)
        self.code = code
        self.title = title
        self.transient = transient
        self.maybe_sent = maybe_sent


class _Rebase(httpx.BaseTransport):
    """Send requests meant for graph.facebook.com to another origin."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == GRAPH_HOST:
            request.url = request.url.copy_with(scheme=self.scheme, host=self.host, port=self.port)
            request.headers["Host"] = request.url.netloc.decode()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def make_client(settings: Settings) -> WhatsApp:
    """pywa's client for our number; it reads updates even without a token to send with."""
    transport = _Rebase(settings.whatsapp_api_base) if settings.whatsapp_api_base else None
    session = httpx.Client(transport=transport, timeout=httpx.Timeout(15.0, connect=5.0))
    return WhatsApp(phone_id=settings.whatsapp_phone_number_id or None,
                    token=settings.whatsapp_access_token or None, session=session,
                    api_version=settings.whatsapp_api_version, validate_updates=False,
                    filter_updates=False, skip_duplicate_updates=False)


def can_send(wa: WhatsApp) -> bool:
    try:
        wa.api
    except ValueError:
        return False
    return bool(wa.phone_id)


def media_bytes(wa: WhatsApp, media_id: str, limit: int) -> bytes | None:
    """A customer's photo, at most ``limit`` bytes; None when it is larger or unavailable."""
    try:
        info = wa.api.get_media_url(media_id=media_id)
        if int(info.get("file_size") or 0) > limit:
            return None
        data = bytearray()
        with wa.api.stream_media_bytes(media_url=info["url"]) as response:
            if response.status_code != 200:
                return None
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > limit:
                    return None
        return bytes(data)
    except (WhatsAppError, httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        log.warning("could not fetch WhatsApp media (%s)", type(exc).__name__)
        return None


def send(wa: WhatsApp, phone: str, message: Outgoing) -> str:
    """Send one message; return Meta's id for it (wamid).

    :raise SendFailed: Meta refused it, or it could not be delivered to Meta, after retries
        of the failures that are worth retrying.
    """
    if not can_send(wa):
        raise SendFailed(None, "no WhatsApp access token or phone number id is configured",
                         False)
    for pause in (*RETRIES, None):
        try:
            return _send_once(wa, phone, message).id
        except WhatsAppError as exc:
            transient = bool(exc.is_transient) or exc.code in TRANSIENT_CODES or (
                (exc.status_code or 0) >= 500)
            failure = SendFailed(exc.code, str(exc.message)[:300], transient)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # The request never left: sending again can't duplicate the message.
            failure = SendFailed(None, f"Graph API unreachable: {type(exc).__name__}", True)
        except httpx.HTTPError as exc:
            # It may have reached Meta (a timeout waiting for the answer): not resent, as a
            # lost message is better than a duplicate.
            failure = SendFailed(None, f"Graph API call failed: {type(exc).__name__}", False,
                                 maybe_sent=True)
        if not failure.transient or pause is None:
            raise failure
        log.info("whatsapp send failed (%s), retrying", failure.title)
        time.sleep(pause)
    raise AssertionError("unreachable")


def _send_once(wa: WhatsApp, phone: str, message: Outgoing):
    footer = message.footer or None
    if message.kind == "list":
        rows = [SectionRow(title=t, callback_data=i, description=d or None)
                for i, t, d in message.rows]
        return wa.send_message(to=phone, text=message.text, footer=footer,
                               buttons=SectionList(button_title=message.button, sections=[
                                   Section(title=message.section, rows=rows)]))
    if message.kind == "buttons":
        return wa.send_message(to=phone, text=message.text, footer=footer,
                               buttons=[Button(title=t, callback_data=i) for i, t in message.buttons])
    return wa.send_message(to=phone, text=message.text, preview_url=True)
