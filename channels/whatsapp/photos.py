"""A customer's photo: fetched from Meta and answered by the shop's own visual search."""
from __future__ import annotations

import logging

from pywa import WhatsApp

from bridge.errors import BridgeError
from bridge.visual import VisualSearch

from .graph import Outgoing, media_bytes
from .models import WhatsAppInbound
from .render import product_buttons, product_list, text_reply

log = logging.getLogger(__name__)

IMAGE_MAX = 5 * 1024 * 1024
NO_PICTURES = ("Thanks for the photo! I can't search by picture here yet. Tell me what "
               "you're looking for in a few words and I'll find it.")
PICTURE_FAILED = ("Sorry, I couldn't open that photo. Could you describe what you're "
                  "looking for instead?")


class Photos:
    def __init__(self, wa: WhatsApp, visual: VisualSearch):
        self.wa = wa
        self.visual = visual

    def answer(self, message: WhatsAppInbound) -> tuple[str, list[Outgoing]]:
        if not message.media_id:
            return "unsupported", [text_reply(NO_PICTURES)]
        data = media_bytes(self.wa, message.media_id, IMAGE_MAX)
        if not data:
            return "unsupported", [text_reply(PICTURE_FAILED)]
        try:
            found = self.visual.search(data, limit=6, channel="whatsapp")
        except BridgeError as refused:  # not an image we can read: the customer hears why
            log.info("WhatsApp photo refused: %s", refused.code)
            return "unsupported", [text_reply(PICTURE_FAILED)]
        except Exception:
            log.exception("visual search failed")
            return "unsupported", [text_reply(PICTURE_FAILED)]
        if not found.get("available"):
            return "unsupported", [text_reply(NO_PICTURES)]
        cards = found["products"]
        if not cards:
            return "answered", [text_reply("I couldn't find anything like that in the shop. "
                                           "Could you describe it in words?")]
        first = "Here's what looks closest to your photo:"
        reply = product_buttons(cards[0], True) if len(cards) == 1 else product_list(cards)
        return "answered", [text_reply(first), reply]
