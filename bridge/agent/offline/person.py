"""Asking for a person, in the shopper's language: the handoff the inbox opens
(``handoff_to_person``), told with its reference and the store's contact."""
from __future__ import annotations

from typing import Iterator

from ..events import Event
from ..turn import Turn
from . import language, lexicon, say
from .phrases import t


def sentence(turn: Turn, ref: str) -> str:
    """The handoff told in the language the shopper writes in."""
    lang = language.of_turn(turn.messages, turn.language, lexicon.scores())
    contact = turn.ctx.policies.contact
    words = t(lang, "handoff", ref=ref)
    return words + (" " + t(lang, "handoff_contact", contact=contact) if contact else "")


def hand_off(turn: Turn, reason: str) -> Iterator[Event]:
    result = yield from turn.use("handoff_to_person", {"reason": reason})
    if not result.ok:
        yield from say.chunks(result.content.get("error", ""))
        return
    yield from say.chunks(sentence(turn, result.content["ref"]))
