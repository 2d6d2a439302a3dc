"""``ClaimCheck``: the check as the agent and the admin copilot use it.

``screen(turn, provider, events)`` checks one provider's streamed reply against the facts of
the turn's conversation and keeps each catch on ``turn.catches``, which the agent records as
``ungrounded`` analytics events; ``verdicts(text, facts)`` checks a whole text (a review
draft) against ``base()`` plus what the caller adds. The facts are rebuilt whenever a tool has returned something new.
"""
from __future__ import annotations

from typing import Iterable, Iterator
from urllib.parse import urlsplit

from ..events import Chunk, Event
from ..turn import Turn
from .check import Verdict, judge, sentence_of, subject_of
from .claims import read
from .facts import Facts
from .screen import Screen


class ClaimCheck:
    def __init__(self, currency: str, policies: str = "", contact: str = "",
                 urls: Iterable[str] = (), cards_of=None):
        self.currency = currency
        self.policies = policies
        self.contact = contact
        self.urls = [u for u in urls if u]
        self.cards_of = cards_of  # product ids -> their cards (products shown in earlier turns)

    def base(self) -> Facts:
        """The facts every conversation starts with: the merchant's own words and links."""
        facts = Facts(currency=self.currency)
        facts.add_strings(self.policies, self.contact)
        for url in self.urls:
            facts.add_link(url)
            facts.hosts.add(urlsplit(url).netloc.lower())
        for word in self.contact.split():
            if "@" in word:
                facts.hosts.add(word.split("@", 1)[1].strip(".,;").lower())
        return facts

    def facts(self, turn: Turn, facts: Facts | None = None, since: int = 0) -> Facts:
        """The turn's facts; given the ones built before ``since`` calls, only the newer
        tool calls are added."""
        if facts is None:
            facts = self.base()
            if self.cards_of is not None and turn.ctx.seen:
                for card in self.cards_of(turn.ctx.seen):
                    facts.add_card(card)
            for message in turn.messages:
                if message["role"] == "user":
                    facts.add_said(message["content"])
        for call in turn.calls[since:]:
            facts.add_arguments(call.args)
            result = call.result
            for card in result.cards:
                facts.add_card(card)
            if result.cart:
                facts.add_cart(result.cart)
            facts.add_content(result.content)
        return facts

    def screen(self, turn: Turn, provider, events: Iterator[Event]) -> Iterator[Event]:
        """The provider's events, every chunk of a model's checked before it is shown.

        The offline provider is no model: it writes its own fixed phrases (whose examples,
        "try hoodies under $50", are no claims) around tool results, so it is not checked."""
        if not getattr(provider, "model_based", True):
            yield from events
            return
        cache: dict = {}

        def current() -> Facts:
            if cache.get("calls") != len(turn.calls):
                cache["facts"] = self.facts(turn, cache.get("facts"), cache.get("calls", 0))
                cache["calls"] = len(turn.calls)
            return cache["facts"]

        screen = Screen(current, "".join(turn.text), turn.language, turn.question)
        model = getattr(provider, "model", None)

        def emit(text: str) -> Iterator[Event]:
            for verdict in screen.verdicts:
                if not verdict.ok:
                    turn.catches.append(catch(verdict, provider.name, model))
            screen.verdicts.clear()
            if text:
                yield Chunk(text)

        for event in events:
            if isinstance(event, Chunk):
                yield from emit(screen.feed(event.content))
                continue
            yield from emit(screen.feed("", final=True))
            yield event
        yield from emit(screen.feed("", final=True))

def verdicts(text: str, facts: Facts) -> list[Verdict]:
    """Every claim of a whole text (a review draft), judged."""
    out = []
    for claim in read(text):
        before, after = text[:claim.start], text[claim.end:]
        subject = subject_of(facts, before, after)
        out.append(judge(claim, facts, subject, sentence=sentence_of(before, after)))
    return out


def catch(verdict: Verdict, provider: str, model: str | None) -> dict:
    """What an ``ungrounded`` event records: the claim, the store's fact, who wrote it."""
    claim = verdict.claim
    return {"kind": claim.kind, "claim": claim.text[:200], "value": str(claim.value)[:200],
            "fact": verdict.fact,
            "product_id": verdict.subject.product_id if verdict.subject else None,
            "action": "corrected" if verdict.replacement is not None else "withheld",
            "provider": provider, "model": model}
