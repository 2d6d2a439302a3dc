"""Any OpenAI-compatible chat-completions server (OpenAI, Moonshot, Ollama, vLLM...) through
the official SDK: the streamed tool-call loop.

Each content delta becomes a ``Chunk`` as it arrives; tool-call deltas are gathered by index,
run through the turn and answered with fenced ``tool`` messages. A turn another provider
started is continued: its text and tool results are replayed as this model's own.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

import openai

from ...settings import Settings
from ...usage import Usage
from ..events import Chunk, Event
from ..offline.language import of_shopper
from ..prompt import system_prompt, tool_definitions, tool_text, turn_note
from ..turn import Turn
from .base import ProviderError
from .clients import openai_base_url, openai_client
from .transcript import arguments, carried, conversation

# Ids for calls a server sent without one.
MISSING_ID = "call_{}_{}"


@dataclass
class Reply:
    """One streamed assistant message: its text, tool calls and finish reason."""

    text: str = ""
    reasoning: str = ""
    calls: list[dict] = field(default_factory=list)  # {"id", "name", "arguments": raw JSON}
    finish: str | None = None

    def message(self) -> dict:
        """The message as it goes back into the conversation."""
        message = {"role": "assistant", "content": self.text or None,
                   "tool_calls": [_wire(c["id"], c["name"], arguments(c["arguments"]))
                                  for c in self.calls]}
        if self.reasoning:
            # Thinking models (Kimi, DeepSeek) want their reasoning back within a tool loop.
            message["reasoning_content"] = self.reasoning
        return message


class OpenAICompatProvider:
    name = "openai"
    model_based = True

    def __init__(self, settings: Settings, store_name: str, currency: str):
        self.model = settings.openai_model
        self.max_calls = settings.model_max_calls
        # OpenAI's reasoning models refuse max_tokens; compatible servers (Ollama) only know it.
        host = urlsplit(openai_base_url(settings)).hostname
        limit = "max_completion_tokens" if host == "api.openai.com" else "max_tokens"
        self.limit = {limit: settings.model_max_tokens}
        self.client = openai_client(settings)
        self.system = system_prompt(settings, store_name, currency)

    def run(self, turn: Turn) -> Iterator[Event]:
        try:
            yield from self._run(turn)
        except ProviderError:
            raise
        except (openai.OpenAIError, ValueError, OSError) as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from exc

    def complete(self, system: str, prompt: str, max_tokens: int = 400) -> tuple[str, Usage]:
        """One answer to one prompt, no tools (the admin copilot's drafts)."""
        limit = {next(iter(self.limit)): max_tokens}
        try:
            reply = self.client.chat.completions.create(
                model=self.model, **limit,
                messages=[{"role": "system", "content": system},
                          {"role": "user", "content": prompt}])
        except (openai.OpenAIError, ValueError, OSError) as exc:
            raise ProviderError(f"{type(exc).__name__}: {exc}") from exc
        usage = Usage(self.name, self.model)
        if reply.usage:
            _count(usage, reply.usage)
        text = reply.choices[0].message.content if reply.choices else None
        return (text or "").strip(), usage

    def _run(self, turn: Turn) -> Iterator[Event]:
        # One system message, the static prompt first, so its bytes lead every request
        # (prefix caching) and chat templates that allow a single system message accept it.
        note = turn_note(turn.channel, bool(turn.ctx.shopper_id), turn.language,
                         of_shopper(turn.messages, turn.language), turn.viewing, turn.asks,
                         turn.last_search)
        messages = [{"role": "system", "content": f"{self.system}\n\n{note}"}, *history(turn)]
        tools = [{"type": "function",
                  "function": {"name": t["name"], "description": t["description"],
                               "parameters": t["schema"]}} for t in tool_definitions(turn.tools)]
        for number in range(self.max_calls):
            last = number == self.max_calls - 1
            stream = self.client.chat.completions.create(
                model=self.model, messages=messages, tools=tools,
                tool_choice="none" if last else "auto", stream=True,
                stream_options={"include_usage": True}, **self.limit)
            reply = yield from self._read(stream, turn, number)
            if not reply.calls:
                return
            if last:
                # The server ignored tool_choice "none"; running tools nobody will read
                # (possibly changing the cart) is worse than letting the next provider answer.
                raise ProviderError("the model still asked for tools on its last call")
            messages.append(reply.message())
            for call in reply.calls:  # parallel tool calls: run each, answer each
                result = yield from turn.use(call["name"], arguments(call["arguments"]),
                                             call_id=call["id"])
                messages.append({"role": "tool", "tool_call_id": call["id"],
                                 "content": tool_text(result)})

    def _read(self, stream, turn: Turn, number: int):
        """Forward content as it streams; return the reply once it finished."""
        reply = Reply()
        calls: dict[int, dict] = {}
        usage = Usage(self.name, self.model)
        turn.usage.append(usage)
        with stream:
            for chunk in stream:
                if chunk.usage:
                    _count(usage, chunk.usage)
                for choice in chunk.choices or ():
                    delta = choice.delta
                    if delta is not None:
                        reply.reasoning += getattr(delta, "reasoning_content", None) or ""
                        if delta.content:
                            reply.text += delta.content
                            yield Chunk(delta.content)
                        for position, piece in enumerate(delta.tool_calls or ()):
                            _gather(calls, piece, position)
                    if choice.finish_reason:
                        reply.finish = choice.finish_reason
        if reply.finish is None:
            raise ProviderError("the stream ended before the reply did")
        # Tool calls count whatever the finish reason: some servers (older Ollama) say "stop".
        reply.calls = [{**c, "id": c["id"] or MISSING_ID.format(number, i)}
                       for i, c in sorted(calls.items()) if c["name"]]
        return reply


def _gather(calls: dict[int, dict], piece, position: int) -> None:
    """Add one tool-call delta: the id and name come first, the arguments in pieces."""
    index = getattr(piece, "index", None)
    call = calls.setdefault(position if index is None else index,
                            {"id": "", "name": "", "arguments": ""})
    if piece.id:
        call["id"] = piece.id
    if piece.function is not None:
        if piece.function.name:
            call["name"] = piece.function.name
        call["arguments"] += piece.function.arguments or ""


def _wire(call_id: str, name: str, args) -> dict:
    # Malformed arguments go back as {}: servers such as Ollama parse them and would refuse.
    return {"id": call_id, "type": "function",
            "function": {"name": name,
                         "arguments": json.dumps(args if isinstance(args, dict) else {})}}


def _count(usage: Usage, reported) -> None:
    """Copy the final usage chunk; OpenAI counts cached tokens inside prompt_tokens."""
    details = getattr(reported, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    usage.input_tokens = max(0, (reported.prompt_tokens or 0) - cached)
    usage.output_tokens = reported.completion_tokens or 0
    usage.cache_read_tokens = cached


def history(turn: Turn) -> list[dict]:
    """The conversation in the chat-completions shape, plus whatever this turn did so far."""
    messages = conversation(turn.messages)
    said, calls = carried(turn, "call_carried_")
    if calls:
        messages.append({"role": "assistant", "content": said or None,
                         "tool_calls": [_wire(i, c.name, c.args) for i, c in calls]})
        messages += [{"role": "tool", "tool_call_id": i, "content": tool_text(c.result)}
                     for i, c in calls]
    elif said:
        # The shopper already saw this much: the model continues it.
        messages.append({"role": "assistant", "content": said})
    return messages


def factory(settings: Settings, store_name: str, currency: str) -> OpenAICompatProvider | None:
    """The provider when a model and a base URL or key are set; a URL alone suits Ollama."""
    if not settings.openai_model or not (settings.openai_base_url or settings.openai_api_key):
        return None
    return OpenAICompatProvider(settings, store_name, currency)
