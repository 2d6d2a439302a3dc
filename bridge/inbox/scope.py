"""Who owns a conversation, so nobody reads or writes another's by guessing its ref.

A conversation belongs to a client key: ``u<uid>`` for a shopper WordPress signed in, else
``c<id>`` for the client id the bridge issued (a signed token in the ``fahad_chat`` cookie
or the ``X-Fahad-Client`` header), ``wa:<phone>`` on WhatsApp. Its ref (``client_ref``) is
looked up only within that key: the same ref from anyone else is another conversation.
"""
from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from itsdangerous import BadSignature, Signer
from sqlalchemy.orm import Session

from ..errors import INVALID_PARAM, bad_request
from ..models import Conversation

REF = re.compile(r"[A-Za-z0-9_-]{8,128}")
_CLIENT_SALT = "fahad-ai chat client"


def check_ref(value: str | None, name: str = "conversation_ref") -> str | None:
    """A client's conversation ref: 8 to 128 of [A-Za-z0-9_-]; else 400."""
    if value is None:
        return None
    if not REF.fullmatch(value):
        raise bad_request(INVALID_PARAM, f"{name} must be 8 to 128 letters, digits, '_' or '-'.")
    return value


def issue_client_id(secret: str) -> str:
    return Signer(secret, salt=_CLIENT_SALT).sign(secrets.token_urlsafe(18)).decode()


def check_client_id(secret: str, value: str | None) -> str | None:
    """The client id's random part if this bridge issued it, else None."""
    if not value or len(value) > 200:
        return None
    try:
        return Signer(secret, salt=_CLIENT_SALT).unsign(value).decode()
    except BadSignature:
        return None


def client_key(uid: int, client_id: str | None) -> str | None:
    if uid > 0:
        return f"u{uid}"
    return f"c{client_id}" if client_id else None


def find(session: Session, key: str | None, ref: str | None) -> Conversation | None:
    """The client's conversation with this ref; None when it has none (or no key or ref)."""
    if not key or not ref:
        return None
    return session.scalar(sa.select(Conversation).where(Conversation.client_key == key,
                                                        Conversation.client_ref == ref))


def erase_own(core, key: str | None, ref: str) -> bool:
    """Erase the client's conversation with this ref (everything it said); False when it
    has none, so another's ref erases nothing and says so. ``core`` is the app's
    bridge.core.Core (not imported: the core imports the inbox)."""
    with core.sessions() as session:
        found = find(session, key, ref)
        conversation_id = found.id if found is not None else None
    return conversation_id is not None and core.handoffs.erase(conversation_id)
