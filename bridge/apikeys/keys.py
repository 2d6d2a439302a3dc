"""Server-side API keys: made, found, checked and revoked.

A key is ``sk_live_`` or ``sk_test_`` plus 32 random letters and digits (``secrets``: about
190 bits). Only its SHA-256 is stored: the key is random enough that no one can guess it
back from its digest, so a slow or keyed hash would add nothing but cost (and a keyed one
would tie every key to the bridge secret: rotating that would revoke every app). The digest
is looked up through its unique index and then compared in constant time. A key is shown
once, when it is made.

``last_used_at`` is written at most once a ``LAST_USED_EVERY`` seconds per key, so a busy
key costs one read per request and not a write.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..db import utc_now
from ..errors import FORBIDDEN, INVALID_PARAM, BridgeError, bad_request
from .models import ApiKey, AppCustomer

SCOPES = ("chat", "conversations:read", "orders:read", "analytics:read", "catalog:read")
MODES = ("live", "test")
KEY = re.compile(r"sk_(live|test)_[A-Za-z0-9]{32}")
APP_USER = re.compile(r"[A-Za-z0-9_.:@+-]{1,64}")
_ALPHABET = string.ascii_letters + string.digits
LAST_USED_EVERY = timedelta(seconds=60)
MISSING_SCOPE = "fahad_ai_missing_scope"
UNKNOWN_KEY = "fahad_ai_unknown_api_key"
NAME_MAX = 100
RATE_LIMIT_MAX, RATE_WINDOW_MAX = 100_000, 86_400


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """Who a valid key speaks for: the key (never the key itself), its mode, scopes and limit."""

    key_id: str
    mode: str  # "live" or "test"
    scopes: frozenset[str]
    rate_limit: int  # requests per rate_window seconds
    rate_window: int
    name: str = ""

    @property
    def test(self) -> bool:
        return self.mode == "test"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _principal(row: ApiKey) -> ApiKeyPrincipal:
    return ApiKeyPrincipal(key_id=row.id, mode=row.mode, scopes=frozenset(row.scopes),
                           rate_limit=row.rate_limit, rate_window=row.rate_window,
                           name=row.name)


def bearer(header: str | None) -> str:
    """The credentials of an ``Authorization: Bearer ...`` header ("" for any other); the
    scheme is case-blind (RFC 7235)."""
    scheme, _, value = (header or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def authenticate(raw_key: str, sessions: sessionmaker | None = None,
                 now: datetime | None = None) -> ApiKeyPrincipal | None:
    """The key's principal when it is a key this bridge made and has not revoked, else None.

    ``sessions`` defaults to the current app's (``current_core().sessions``)."""
    if not isinstance(raw_key, str) or not KEY.fullmatch(raw_key):
        return None
    if sessions is None:
        from ..core import current_core  # the request's app; bridge.core builds on this

        sessions = current_core().sessions
    wanted = digest(raw_key)
    with sessions() as session:
        row = session.scalar(sa.select(ApiKey).where(ApiKey.digest == wanted))
    if row is None or row.revoked_at is not None \
            or not hmac.compare_digest(row.digest.encode(), wanted.encode()):
        return None
    _touch(sessions, row, now or utc_now())
    return _principal(row)


def _touch(sessions: sessionmaker, row: ApiKey, now: datetime) -> None:
    """Note the key's use, at most once a LAST_USED_EVERY (the WHERE keeps racing workers to
    one write)."""
    cutoff = now - LAST_USED_EVERY
    if row.last_used_at is not None and row.last_used_at > cutoff:
        return
    with sessions.begin() as session:
        session.execute(sa.update(ApiKey).where(
            ApiKey.id == row.id,
            sa.or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= cutoff))
            .values(last_used_at=now))


def require_scope(principal: ApiKeyPrincipal | None, scope: str) -> None:
    """Refuse with 403 fahad_ai_missing_scope unless the key carries ``scope``."""
    if principal is None:
        raise BridgeError(FORBIDDEN, "This needs an API key.", 403)
    if not principal.allows(scope):
        raise BridgeError(MISSING_SCOPE, f"This API key lacks the scope {scope}.", 403,
                          data={"scope": scope})


# -- what a store manager does --------------------------------------------------------

def _check_new(name, mode, scopes, rate_limit, rate_window) -> None:
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        raise bad_request(INVALID_PARAM, f"name must be 1 to {NAME_MAX} characters.")
    if mode not in MODES:
        raise bad_request(INVALID_PARAM, "mode must be \"live\" or \"test\".")
    if not isinstance(scopes, (list, tuple)) or not scopes \
            or not all(isinstance(s, str) and s in SCOPES for s in scopes):
        raise bad_request(INVALID_PARAM, "scopes must be a non-empty list of: "
                          + ", ".join(SCOPES) + ".")
    for value, label, high in ((rate_limit, "rate_limit", RATE_LIMIT_MAX),
                               (rate_window, "rate_window", RATE_WINDOW_MAX)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= high:
            raise bad_request(INVALID_PARAM, f"{label} must be a whole number from 1 to {high}.")


def view(row: ApiKey) -> dict:
    """A key as a manager sees it: never the key or its digest."""
    return {"id": row.id, "name": row.name, "mode": row.mode, "prefix": row.prefix,
            "scopes": list(row.scopes), "rate_limit": row.rate_limit,
            "rate_window": row.rate_window, "created_at": _iso(row.created_at),
            "last_used_at": _iso(row.last_used_at), "revoked_at": _iso(row.revoked_at),
            "active": row.revoked_at is None}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def create_key(sessions: sessionmaker, name: str, mode: str, scopes, rate_limit: int,
               rate_window: int) -> tuple[str, dict]:
    """A new key: (the key, to show once; its view). Bad values are a 400."""
    _check_new(name, mode, scopes, rate_limit, rate_window)
    raw = f"sk_{mode}_" + "".join(secrets.choice(_ALPHABET) for _ in range(32))
    row = ApiKey(id="ak_" + secrets.token_hex(5), name=name.strip(), mode=mode,
                 prefix=raw[:12], digest=digest(raw), scopes=list(dict.fromkeys(scopes)),
                 rate_limit=rate_limit, rate_window=rate_window, created_at=utc_now())
    with sessions.begin() as session:
        session.add(row)
    return raw, view(row)


def list_keys(sessions: sessionmaker) -> list[dict]:
    with sessions() as session:
        return [view(row) for row in session.scalars(
            sa.select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id))]


def revoke_key(sessions: sessionmaker, key_id: str) -> dict:
    """Revoke a key (revoking it again changes nothing); unknown id 404."""
    with sessions.begin() as session:
        row = session.get(ApiKey, key_id) if isinstance(key_id, str) else None
        if row is None:
            raise BridgeError(UNKNOWN_KEY, "No API key with that id.", 404)
        if row.revoked_at is None:
            row.revoked_at = utc_now()
        return view(row)


def check_app_user(value) -> str:
    if not isinstance(value, str) or not APP_USER.fullmatch(value):
        raise bad_request(INVALID_PARAM, "The app user must be 1 to 64 of letters, digits "
                          "and _ . : @ + -.")
    return value


def link_customer(sessions: sessionmaker, key_id: str, app_user: str,
                  customer_id: int | None) -> dict:
    """Say which store customer an app's user is (None or 0 unlinks); unknown key 404."""
    app_user = check_app_user(app_user)
    if customer_id is not None and (not isinstance(customer_id, int)
                                    or isinstance(customer_id, bool)
                                    or not 0 <= customer_id <= 2**31 - 1):
        raise bad_request(INVALID_PARAM, "customer_id must be a customer's id (or 0 to unlink).")
    with sessions.begin() as session:
        if not isinstance(key_id, str) or session.get(ApiKey, key_id) is None:
            raise BridgeError(UNKNOWN_KEY, "No API key with that id.", 404)
        row = session.scalar(sa.select(AppCustomer).where(AppCustomer.key_id == key_id,
                                                          AppCustomer.app_user == app_user))
        if not customer_id:
            if row is not None:
                session.delete(row)
            return {"key_id": key_id, "app_user": app_user, "customer_id": None}
        if row is None:
            session.add(AppCustomer(key_id=key_id, app_user=app_user, customer_id=customer_id,
                                    created_at=utc_now()))
        else:
            row.customer_id = customer_id
    return {"key_id": key_id, "app_user": app_user, "customer_id": customer_id}


def customer_of(sessions: sessionmaker, key_id: str, app_user: str) -> int | None:
    """The store customer this key's app user is linked to, else None."""
    with sessions() as session:
        return session.scalar(sa.select(AppCustomer.customer_id).where(
            AppCustomer.key_id == key_id, AppCustomer.app_user == app_user))
