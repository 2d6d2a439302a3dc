"""One offline turn as the intents see it: the shopper's words (as written and as the
reader's English), their language and the dialogue state."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..events import Event
from ..turn import Turn
from . import dialogue, language, lexicon, parse, say, targets
from .phrases import t


@dataclass
class Talk:
    turn: Turn
    raw: str  # the message as the shopper wrote it
    text: str  # the same in the reader's English (lexicon.to_english)
    lang: str
    state: dialogue.State

    @classmethod
    def of(cls, turn: Turn) -> "Talk":
        raw = turn.question.strip()
        # Product names are the store's words, in whatever language: they tell nothing.
        messages = turn.messages[:-1] + [{"role": "user", "content": _unnamed(turn, raw)}]
        lang = language.of_turn(messages, turn.language, lexicon.scores())
        return cls(turn, raw, _read(turn, raw, lang), lang, dialogue.read(turn, lang))

    @property
    def ctx(self):
        return self.turn.ctx

    def t(self, key: str, **fields) -> str:
        return t(self.lang, key, **fields)

    def say(self, *lines: str) -> Iterator[Event]:
        return say.chunks("\n".join(line for line in lines if line))


def _read(turn: Turn, raw: str, lang: str) -> str:
    """The message in the reader's English, the product names it says in full kept as the
    store wrote them (the lexicon would read "Hoodie" in "Tech Performance Hoodie" as a
    kind)."""
    if lang == "en":
        return parse.repaired(lexicon.to_english(raw, lang))
    names = []
    for pid in targets.said_in_full(turn):
        card = turn.ctx.index.cards([pid])
        if card and re.search(re.escape(card[0]["name"]), raw, re.I):
            raw = re.sub(re.escape(card[0]["name"]), f" qqname{len(names)}qq ", raw, flags=re.I)
            names.append(card[0]["name"])
    text = parse.repaired(lexicon.to_english(raw, lang))
    for i, name in enumerate(names):
        text = text.replace(f"qqname{i}qq", name)
    return text


def _unnamed(turn: Turn, text: str) -> str:
    for pid in targets.said_in_full(turn):
        card = turn.ctx.index.cards([pid])
        if card:
            text = re.sub(re.escape(card[0]["name"]), " ", text, flags=re.I)
    return text
