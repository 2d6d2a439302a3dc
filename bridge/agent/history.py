"""Conversation history, kept by the agent in Message rows: what a conversation showed (so
"the first two" and "add it" mean something next turn) and its latest messages (for channels
whose customers' apps send no transcript, such as WhatsApp)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Conversation, Message


def recall(session: Session, ref: str) -> dict | None:
    """What the conversation showed: ``shown`` (the last answer's products, in order),
    ``focus`` (the product it was about) and ``seen`` (every product shown, newest first);
    None when there is no such conversation."""
    if session.get(Conversation, ref) is None:
        return None
    rows = session.execute(
        sa.select(Message.product_ids, Message.focus_id)
        .where(Message.conversation_id == ref, Message.role == "assistant")
        .order_by(Message.id.desc())).all()
    seen = [i for ids, focus in rows for i in [*(ids or []), focus] if i]
    return {"shown": list(rows[0][0] or []) if rows else [],
            "focus": rows[0][1] if rows else None,
            "seen": list(dict.fromkeys(seen))}


def transcript(session: Session, ref: str, limit: int) -> list[dict]:
    """The conversation's last ``limit`` messages with content, oldest first, as turn
    messages (``{"role", "content"}``)."""
    rows = session.execute(sa.select(Message.role, Message.content)
                           .where(Message.conversation_id == ref)
                           .order_by(Message.id.desc()).limit(limit)).all()
    # A person's replies read as the store's side of the conversation.
    return [{"role": "assistant" if role == "person" else role, "content": content}
            for role, content in reversed(rows) if content]
