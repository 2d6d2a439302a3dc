"""A client reading its own conversations back: the list (apps) and one conversation's
messages after a point (the widget polling for a person's replies, an app's history). Always
within the client's own key (scope): a ref alone reads nothing of anyone else's."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..catalog.index import CatalogIndex
from ..models import Conversation, Message


def messages_after(session: Session, index: CatalogIndex, conversation: Conversation,
                   after: int, limit: int) -> list[dict]:
    """The conversation's messages with an id above ``after``, oldest first; an answer's
    cards come with it, so a reloaded chat draws them again."""
    rows = session.execute(
        sa.select(Message.id, Message.role, Message.content, Message.author,
                  Message.created_at, Message.product_ids)
        .where(Message.conversation_id == conversation.id, Message.id > after)
        .order_by(Message.id).limit(limit)).all()
    return [{"id": row.id, "role": row.role, "content": row.content,
             "author": row.author if row.role == "person" else None,
             "created_at": row.created_at.isoformat(),
             "cards": index.cards(row.product_ids or []) if row.role == "assistant" else []}
            for row in rows]


def conversations_of(session: Session, key: str, offset: int, limit: int,
                     status: str | None = None) -> tuple[int, list[dict]]:
    """(how many, a page of) the client's conversations, the latest first; with ``status``,
    only those in it."""
    owned = Conversation.client_key == key
    if status:
        owned = sa.and_(owned, Conversation.status == status)
    total = session.scalar(sa.select(sa.func.count()).select_from(Conversation).where(owned))
    rows = session.scalars(sa.select(Conversation).where(owned)
                           .order_by(Conversation.updated_at.desc(), Conversation.id)
                           .offset(offset).limit(limit))
    return total or 0, [{"conversation_ref": row.client_ref, "status": row.status,
                         "handoff_ref": row.handoff_ref, "message_count": row.message_count,
                         "created_at": row.created_at.isoformat(),
                         "updated_at": row.updated_at.isoformat()} for row in rows]
