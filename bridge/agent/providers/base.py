"""What a provider is, and how the chain runs a turn through providers in order."""
from __future__ import annotations

import logging
from typing import Callable, Iterator, Protocol

from ...usage import Usage
from ..events import Chunk, Event
from ..turn import Turn

log = logging.getLogger(__name__)

SORRY = ("Sorry, I can't answer properly right now. Please try again in a moment, "
         "or contact the store if you need help soon.")


class ProviderError(Exception):
    """A provider could not finish the turn; the next one in the chain takes over."""


class Provider(Protocol):
    name: str
    # True for a model; a turn that a model failed and a later provider answered is degraded.
    model_based: bool

    def run(self, turn: Turn) -> Iterator[Event]:
        """Answer the turn, yielding chunk, tool, products and comparison events."""

    def complete(self, system: str, prompt: str, max_tokens: int = 400) -> tuple[str, Usage]:
        """One answer to one prompt, no tools (the admin copilot's drafts), and its usage.

        :raise ProviderError: when the provider could not answer; the offline provider,
            which writes no free text, always raises it.
        """


# Wraps one provider's events before the shopper sees them (the claim check).
Screen = Callable[[Turn, "Provider", Iterator[Event]], Iterator[Event]]


def run_chain(turn: Turn, providers: list[Provider],
              screen: Screen | None = None) -> Iterator[Event]:
    """Yield the turn's events from the first provider that finishes; return (name, degraded).

    With ``screen``, each provider's events pass through it, so what a provider held back
    when it failed was never shown, and the next one continues from what was."""
    degraded = False
    for provider in providers:
        try:
            events = provider.run(turn)
            for event in (screen(turn, provider, events) if screen else events):
                if isinstance(event, Chunk):
                    turn.text.append(event.content)
                yield event
        except Exception as exc:  # a provider's failure is never the shopper's problem
            log.warning("provider %s failed: %s", provider.name, exc,
                        exc_info=not isinstance(exc, ProviderError))
            degraded = degraded or provider.model_based
            continue
        return provider.name, degraded
    yield Chunk(SORRY)
    turn.text.append(SORRY)
    return "none", True
