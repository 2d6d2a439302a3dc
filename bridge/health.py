"""GET /healthz: whether this bridge can serve, and the state of each dependency it checks.

``{"ok": true, "checks": {"database": "ok", "ratelimit": "ok"}, "search": "hybrid",
"visual": {"rankers": ["embedding"], "off": {"vision": "why"}}}``: ``search`` is how
catalogue search ranks ("lexical" without the semantic extra); ``visual`` says which
visual search rankers are on, in order, and why each configured one that isn't is off
(the image model without its extra installed, Claude without a key). A check is "ok",
"degraded" (serving without it: rate limits counted in this process's memory while their
Redis is unreachable) or "down" (the routes that need it answer 503). The database is
required: down, the answer is 503 with ``ok: false``. The store is not probed: that would
put a WooCommerce call on every poll, and its failures are answered route by route.
"""
from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask, jsonify
from flask_limiter import Limiter

if TYPE_CHECKING:
    from .core import Core

log = logging.getLogger(__name__)

# Seconds a result is reused: balancers and monitors poll often, several at once, and each
# check is a round trip to the database or Redis.
CHECK_TTL = 1.0
REQUIRED = ("database",)


class Health:
    """The checks of one app, each one round trip, kept for CHECK_TTL seconds."""

    def __init__(self, engine: sa.Engine, limiter: Limiter):
        self.engine = engine
        self.limiter = limiter
        self._last: tuple[float, dict[str, str]] | None = None

    def checks(self) -> dict[str, str]:
        last = self._last
        if last is not None and monotonic() - last[0] < CHECK_TTL:
            return last[1]
        found = {"database": self._database(), "ratelimit": self._ratelimit()}
        self._last = (monotonic(), found)
        return found

    def _database(self) -> str:
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError as exc:
            cause = getattr(exc, "orig", None) or exc
            log.warning("health: database down (%s)", type(cause).__name__)
            return "down"
        return "ok"

    def _ratelimit(self) -> str:
        # memory:// always answers; an unreachable Redis means the in-memory fallback counts.
        return "ok" if self.limiter.storage.check() else "degraded"


def init_app(app: Flask, core: "Core") -> None:
    """Serve /healthz, without any gate."""
    health = Health(core.engine, core.limiter)
    visual = core.visual.status()  # fixed when the core was built

    @app.get("/healthz")
    def healthz():
        checks = health.checks()
        ok = all(checks[name] != "down" for name in REQUIRED)
        # How catalogue search ranks here: "hybrid" (words and vectors) or "lexical".
        response = jsonify({"ok": ok, "checks": checks, "search": core.index.mode,
                            "visual": visual})
        response.status_code = 200 if ok else 503
        return response
