"""Claude through the official SDK: the streamed tool-use loop.

Each text delta becomes a ``Chunk`` as it arrives; each ``tool_use`` runs through the turn
(announced, run once, its cards shown) and goes back as a fenced ``tool_result``. A turn
another provider started is continued: its text and tool results are replayed as Claude's
own, so no tool runs again.
"""
from __future__ import annotations

from typing import Iterator

import anthropic
import httpx2

from ...settings import Settings
from ...usage import Usage
from ..events import Chunk, Event
from ..offline.language import of_shopper
from ..prompt import system_prompt, tool_definitions, tool_text, turn_note
from ..turn import Turn
from .base import ProviderError
from .clients import anthropic_client
from .transcript import arguments, carried, conversation


class AnthropicProvider:
    name = "anthropic"
    model_based = True

    def __init__(self, settings: Settings, store_name: str, currency: str):
        self.model = settings.anthropic_model
        self.max_tokens = settings.model_max_tokens
        self.max_calls = settings.model_max_calls
        self.client = anthropic_client(settings)
        self.system = system_prompt(settings, store_name, currency)

    def run(self, turn: Turn) -> Iterator[Event]:
        try:
            yield from self._run(turn)
        except ProviderError:
            raise
        except (anthropic.APIError, httpx2.TransportError, ValueError, OSError) as exc:
            # The SDK doesn't wrap transport errors raised while a stream is read.
            raise ProviderError(f"{type(exc).__name__}: {exc}") from exc

    def complete(self, system: str, prompt: str, max_tokens: int = 400) -> tuple[str, Usage]:
        """One answer to one prompt, no tools (the admin copilot's drafts)."""
        try:
            message = self.client.messages.create(
                model=self.model, max_tokens=max_tokens, system=system,
                messages=[{"role": "user", "content": prompt}])
        except (anthropic.APIError, httpx2.TransportError, ValueError, OSError) as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from exc
        usage = Usage(self.name, self.model)
        count_usage(usage, message.usage)
        return "".join(b.text for b in message.content if b.type == "text").strip(), usage

    def _run(self, turn: Turn) -> Iterator[Event]:
        messages = history(turn)
        tools = [{"name": t["name"], "description": t["description"],
                  "input_schema": t["schema"]} for t in tool_definitions(turn.tools)]
        system = [
            {"type": "text", "text": self.system, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": turn_note(turn.channel, bool(turn.ctx.shopper_id),
                                               turn.language,
                                               of_shopper(turn.messages, turn.language),
                                               turn.viewing, turn.asks, turn.last_search)},
        ]
        for number in range(self.max_calls):
            last = number == self.max_calls - 1
            stream = self.client.messages.create(
                model=self.model, max_tokens=self.max_tokens, system=system, tools=tools,
                tool_choice={"type": "none"} if last else {"type": "auto"},
                messages=messages, stream=True)
            blocks, stop_reason = yield from self._read(stream, turn)
            uses = [b for b in blocks if b["type"] == "tool_use"]
            if stop_reason != "tool_use" or not uses:
                return
            if last:
                # Tools nobody would read (possibly changing the cart), and no answer: let
                # the next provider answer instead.
                raise ProviderError("the model still asked for tools on its last call")
            messages.append({"role": "assistant", "content": [_wire(b) for b in blocks]})
            results = []
            for use in uses:  # parallel tool calls: run each, answer all in one message
                result = yield from turn.use(use["name"], use["input"], call_id=use["id"])
                results.append({"type": "tool_result", "tool_use_id": use["id"],
                                "content": tool_text(result), "is_error": not result.ok})
            messages.append({"role": "user", "content": results})

    def _read(self, stream, turn: Turn):
        """Forward text as it streams; return the message's blocks and stop reason."""
        blocks: dict[int, dict] = {}
        usage = Usage(self.name, self.model)
        turn.usage.append(usage)
        stop_reason = None
        with stream:
            for event in stream:
                kind = event.type
                if kind == "message_start":
                    count_usage(usage, event.message.usage)
                elif kind == "content_block_start":
                    block = event.content_block
                    if block.type == "text":
                        blocks[event.index] = {"type": "text", "text": ""}
                    elif block.type == "tool_use":
                        blocks[event.index] = {"type": "tool_use", "id": block.id,
                                               "name": block.name, "json": ""}
                elif kind == "content_block_delta":
                    block = blocks.get(event.index)
                    if block is None:
                        continue
                    if event.delta.type == "text_delta":
                        block["text"] += event.delta.text
                        yield Chunk(event.delta.text)
                    elif event.delta.type == "input_json_delta":
                        block["json"] += event.delta.partial_json
                elif kind == "content_block_stop":
                    block = blocks.get(event.index)
                    if block is not None and block["type"] == "tool_use":
                        block["input"] = arguments(block.pop("json"))
                elif kind == "message_delta":
                    stop_reason = event.delta.stop_reason
                    count_usage(usage, event.usage)
                elif kind == "message_stop":
                    break
        if stop_reason is None:
            raise ProviderError("the stream ended before the message did")
        ordered = [blocks[i] for i in sorted(blocks)]
        return [b for b in ordered if b["type"] != "text" or b["text"]], stop_reason


def _wire(block: dict) -> dict:
    if block["type"] == "text":
        return {"type": "text", "text": block["text"]}
    return {"type": "tool_use", "id": block["id"], "name": block["name"],
            "input": block["input"] if isinstance(block.get("input"), dict) else {}}


def count_usage(usage: Usage, reported) -> None:
    """Copy the token counts a Messages API usage block reports (a stream's message_delta
    carries running totals)."""
    for ours, theirs in (("input_tokens", "input_tokens"), ("output_tokens", "output_tokens"),
                         ("cache_read_tokens", "cache_read_input_tokens"),
                         ("cache_write_tokens", "cache_creation_input_tokens")):
        value = getattr(reported, theirs, None)
        if value is not None:
            setattr(usage, ours, value)


def history(turn: Turn) -> list[dict]:
    """The conversation in the Messages API's shape, plus whatever this turn did so far."""
    messages = conversation(turn.messages)
    said, calls = carried(turn, "toolu_carried_")
    if calls:
        uses = [{"type": "tool_use", "id": call_id, "name": call.name, "input": call.args}
                for call_id, call in calls]
        results = [{"type": "tool_result", "tool_use_id": call_id,
                    "content": tool_text(call.result), "is_error": not call.result.ok}
                   for call_id, call in calls]
        messages += [{"role": "assistant",
                      "content": ([{"type": "text", "text": said}] if said else []) + uses},
                     {"role": "user", "content": results}]
    elif said:
        # The shopper already saw this much: Claude continues it.
        messages.append({"role": "assistant", "content": said})
    return messages


def factory(settings: Settings, store_name: str, currency: str) -> AnthropicProvider | None:
    if not settings.anthropic_api_key:
        return None
    return AnthropicProvider(settings, store_name, currency)
