"""What a model provider continues: the shopper's conversation, then what this turn already
did (text shown, tools run), and the tool arguments as models send them. Each provider only
shapes these into its own wire format."""
from __future__ import annotations

import json
import re

from ..turn import ToolCall, Turn


def conversation(messages: list[dict]) -> list[dict]:
    """The messages starting with the shopper, consecutive same-role ones joined."""
    merged: list[dict] = []
    for message in messages:
        if not merged and message["role"] != "user":
            continue  # model APIs want the conversation to open with the user
        if merged and merged[-1]["role"] == message["role"]:
            merged[-1]["content"] += "\n\n" + message["content"]
        else:
            merged.append({"role": message["role"], "content": message["content"]})
    return merged


def carried(turn: Turn, prefix: str) -> tuple[str, list[tuple[str, ToolCall]]]:
    """The text the shopper already saw this turn, and the tool calls already run, each
    with an id every API accepts (``[A-Za-z0-9_-]``; ``prefix + n`` when it had none)."""
    calls = [(re.sub(r"[^A-Za-z0-9_-]", "_", call.call_id) if call.call_id else f"{prefix}{n}",
              call) for n, call in enumerate(turn.calls)]
    return "".join(turn.text).strip(), calls


def arguments(raw: str):
    """A tool input as an object; anything else (bad JSON) is None, which the turn answers
    with an error result the model can correct."""
    try:
        value = json.loads(raw) if raw.strip() else {}
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
