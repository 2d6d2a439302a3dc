"""The rate limits: flask-limiter on the configured storage, built with the core and bound
to the app by ``create_app``.

The storefront routes share one fixed-window bucket per client, keyed ``u<uid>`` for a
signed-in shopper and the client IP otherwise (``client_key``); agents get one per IP. With
its storage unreachable the limits are counted in process memory.
"""
from __future__ import annotations

import time
from typing import Callable

from flask import g
from flask_limiter import Limiter
from limits.storage import MemoryStorage

from .settings import Settings

# Seconds to connect to the rate limit's Redis and to wait for an answer: a hit is one
# round trip on a LAN, so past this Redis counts as unreachable and the fallback answers
# (a timeout in the URI, e.g. ?socket_timeout=5, wins).
REDIS_TIMEOUT = 1.0


class LocalStorage(MemoryStorage):
    """``memory://`` without a thread per hit: limits' own memory storage starts a timer
    thread to drop expired counters whenever the last one has finished (10 ms on), so on a
    busy worker nearly every request started a thread (2-4 ms of /agent/search at 50,000
    products). Each counter expires when it is read anyway; the sweep of the others runs
    here, in the request, at most once a ``SWEEP`` seconds."""

    STORAGE_SCHEME = ["fahad-memory"]
    SWEEP = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces limits' timer thread
        now = time.monotonic()
        if now >= getattr(self, "_next_sweep", 0.0):
            self._next_sweep = now + self.SWEEP
            self._MemoryStorage__expire_events()


def make_limiter(settings: Settings) -> Limiter:
    """flask-limiter on the configured storage. When that storage is unreachable the limits
    are counted in this process's memory, with flask-limiter's warning in the log, until it
    answers again: every gate and header stays, each worker counting on its own."""
    uri = settings.ratelimit_storage
    if uri.startswith("memory://"):
        uri = "fahad-memory://" + uri[len("memory://"):]
    options = {}
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        options = {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT}
    return Limiter(key_func=client_key, storage_uri=uri, storage_options=options,
                   strategy="fixed-window", headers_enabled=True,
                   in_memory_fallback_enabled=True)


def client_key() -> str:
    return g.identity.client_key


def ip_key() -> str:
    return g.identity.ip


def storefront_limit(settings: Settings) -> Callable[[], str]:
    """The storefront's limit for the current request: WordPress's filters when the signed
    context carries them, else the settings'."""
    def value() -> str:
        limit, window = g.identity.rate_limit or (settings.rate_limit, settings.rate_window)
        return f"{limit} per {window} second"
    return value


def key_key() -> str:
    """An API key's bucket: one per key, whichever app user it speaks for."""
    return "k" + g.principal.key_id


def api_key_limit() -> str:
    """The API key's own limit, set when the key was made."""
    return f"{g.principal.rate_limit} per {g.principal.rate_window} second"


def agent_limit(settings: Settings) -> str:
    return f"{settings.agent_rate_limit} per {settings.agent_rate_window} second"


def poll_limit(settings: Settings) -> str:
    """The widget's polling for a person's replies: a bucket of its own per client."""
    return f"{settings.poll_rate_limit} per {settings.poll_rate_window} second"
