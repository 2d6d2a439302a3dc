"""The offline provider, always last in the chain: the planner of ``agent.offline``, which
needs no model and no key."""
from __future__ import annotations

from typing import Iterator

from ...usage import Usage
from ..events import Event
from ..offline import Planner
from ..turn import Turn
from .base import ProviderError


class OfflineProvider:
    name = "offline"
    model_based = False

    def run(self, turn: Turn) -> Iterator[Event]:
        yield from Planner(turn).answer()

    def complete(self, system: str, prompt: str, max_tokens: int = 400) -> tuple[str, Usage]:
        """Free text needs a model: the caller falls back on its own words (a template)."""
        raise ProviderError("the offline provider writes no free text")
