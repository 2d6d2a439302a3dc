"""A turn: the conversation so far, the tools, and every tool call made while answering.

Providers drive a ``Turn``: ``use()`` announces a tool, runs it once, and yields its cards
or rows the moment it returns. A mutating call repeated within the turn (a provider taking
over after another failed) returns the first call's result instead of running again.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Generator

from ..usage import Usage
from .events import Comparison, Event, Products, ToolCalled
from .tools.search import displayed
from .tools.registry import ArgumentError, Registry, ToolContext, ToolResult, check_arguments

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict
    result: ToolResult
    call_id: str = ""

    @property
    def signature(self) -> str:
        return self.name + json.dumps(self.args, sort_keys=True)


@dataclass
class Turn:
    messages: list[dict]  # {"role": "user" | "assistant", "content": str}; the last is the user's
    tools: Registry
    ctx: ToolContext
    channel: str = "storefront"
    language: str | None = None  # the shopper's stated preference (Accept-Language)
    conversation_ref: str = ""  # the conversation this turn belongs to
    viewing: int | None = None  # the product whose page the shopper is on, if the widget says
    asks: Any = None  # preferences, page context, persona (bridge.asks.Asks)
    last_search: str | None = None  # the previous search's next page token, from memory
    calls: list[ToolCall] = field(default_factory=list)
    text: list[str] = field(default_factory=list)  # what the shopper has been shown so far
    usage: list[Usage] = field(default_factory=list)  # one entry per model call
    catches: list[dict] = field(default_factory=list)  # figures the claim check stopped

    @property
    def question(self) -> str:
        return self.messages[-1]["content"]

    def execute(self, name: str, args, call_id: str = "") -> ToolResult:
        """Run a tool for a provider; every failure comes back as an error result."""
        tool = self.tools.tools.get(name)
        if tool is None:
            return self._record(name, {}, ToolResult.error(f"There is no tool named {name}."),
                                call_id)
        if tool.needs_shopper and not self.ctx.shopper_id:
            return self._record(name, {}, ToolResult.error(
                "The shopper must be signed in to the store for this."), call_id)
        if tool.mutates and not self.ctx.cart_writes:
            return self._record(name, {}, ToolResult.error(
                "This is a test-mode conversation: it can't change the live store's cart, and "
                "nothing was changed.", code="fahad_ai_test_mode"), call_id)
        try:
            clean = check_arguments(tool.schema, args)
        except ArgumentError as exc:
            return self._record(name, {}, ToolResult.error(f"Invalid arguments: {exc}."), call_id)
        if tool.mutates:
            earlier = self._earlier(name, clean)
            if earlier is not None:
                return earlier.result
        try:
            result = tool.handler(self.ctx, clean)
        except Exception:
            log.exception("tool %s failed", name)
            result = ToolResult.error("The store could not answer just now.")
        return self._record(name, clean, result, call_id)

    def use(self, name: str, args, call_id: str = "") -> Generator[Event, None, ToolResult]:
        """Announce, run, and show a tool call: ``result = yield from turn.use(...)``."""
        yield ToolCalled(name)
        result = self.execute(name, args, call_id)
        if result.cards:
            yield Products(result.cards, displayed(self.ctx, result, result.cards))
        if result.rows:
            yield Comparison(result.rows)
        return result

    def _earlier(self, name: str, args: dict) -> ToolCall | None:
        signature = name + json.dumps(args, sort_keys=True)
        return next((c for c in self.calls if c.signature == signature and c.result.ok), None)

    def _record(self, name, args, result, call_id) -> ToolResult:
        self.calls.append(ToolCall(name, args, result, call_id))
        return result
