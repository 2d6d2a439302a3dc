"""Conversation history: what a conversation showed (so "the first two" and "add it" mean
something next turn), kept on its Conversation row, and its latest messages (for channels
whose customers' apps send no transcript, such as WhatsApp), read from its Message rows.

The memory is one JSON value on the row, written by the turn's own save, so a turn reads one
row however long the conversation is: ``shown`` (the last answer's products, in order),
``focus`` (the product it was about) and ``seen`` (every product shown, newest first, the
latest ``SEEN_MAX``) and ``next_page`` (the last search's next page token, for "show me
more" next turn).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Conversation, Message

# Each turn checks what it says against the cards of these (bridge/agent/honesty), so the
# list is kept short: at 200 a long conversation's turn spent 7.5 ms reading them.
SEEN_MAX = 60


def recall(session: Session, ref: str) -> dict | None:
    """What the conversation showed (``shown``, ``focus``, ``seen``); None when there is no
    such conversation."""
    row = session.execute(sa.select(Conversation.id, Conversation.memory)
                          .where(Conversation.id == ref)).first()
    return None if row is None else remembered(row.memory)


def remembered(memory) -> dict:
    """A stored memory in its full shape; anything missing or malformed counts as empty."""
    memory = memory if isinstance(memory, dict) else {}
    focus = memory.get("focus")
    token = memory.get("next_page")
    return {"shown": _ids(memory.get("shown")),
            "focus": focus if isinstance(focus, int) and not isinstance(focus, bool) else None,
            "seen": _ids(memory.get("seen"))} | (
        {"next_page": token} if isinstance(token, str) else {})


def updated(memory: dict, shown: list[int], focus: int | None,
            next_page: str | None = None) -> dict:
    """The memory after an answer that left ``shown``, ``focus`` and ``next_page`` current."""
    seen = [i for i in [*shown, focus, *memory.get("seen", [])] if i]
    kept = {"shown": list(shown), "focus": focus,
            "seen": list(dict.fromkeys(seen))[:SEEN_MAX]}
    if next_page:
        kept["next_page"] = next_page
    return kept


def _ids(value) -> list[int]:
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, int) and not isinstance(i, bool)]


def transcript(session: Session, ref: str, limit: int) -> list[dict]:
    """The conversation's last ``limit`` messages with content, oldest first, as turn
    messages (``{"role", "content"}``)."""
    rows = session.execute(sa.select(Message.role, Message.content)
                           .where(Message.conversation_id == ref)
                           .order_by(Message.id.desc()).limit(limit)).all()
    # A person's replies read as the store's side of the conversation.
    return [{"role": "assistant" if role == "person" else role, "content": content}
            for role, content in reversed(rows) if content]
