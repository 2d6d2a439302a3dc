"""WordPress-shaped JSON errors: one exception, its codes, and the app's error handlers.

Every refusal anywhere in the bridge raises ``BridgeError``; the handlers here turn it (and
any HTTP or unexpected error) into ``{"code", "message", "data": {"status"}}``. A failing
dependency is a 503 with Retry-After: the store (``from_store``, which tools use too) and
the database.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, jsonify, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import WebsocketMismatch

from .store.base import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

# Codes of the contract (CONTRACT.md) and of WordPress core where the bridge mirrors it.
INVALID_NONCE = "fahad_ai_invalid_nonce"
INVALID_SIGNATURE = "fahad_ai_invalid_signature"
INVALID_TOKEN = "fahad_ai_invalid_token"
ORIGIN_REFUSED = "fahad_ai_origin_refused"
WEBHOOKS_DISABLED = "fahad_ai_webhooks_disabled"
FORBIDDEN = "fahad_ai_forbidden"
INVALID_API_KEY = "fahad_ai_invalid_api_key"
BROWSER_KEY = "fahad_ai_browser_key"
NOT_LOGGED_IN = "rest_not_logged_in"  # WordPress's own, for a route that needs a shopper
DISABLED = "fahad_ai_disabled"
RATE_LIMITED = "fahad_ai_rate_limited"
DAILY_CAP = "fahad_ai_daily_cap"
INVALID_JSON = "invalid_json"
INVALID_MESSAGES = "invalid_messages"
INVALID_ACTION = "invalid_action"
INVALID_PARAM = "rest_invalid_param"
INVALID_RATING = "invalid_rating"
INVALID_PRODUCT = "invalid_product"
INVALID_VARIATION = "invalid_variation"
INVALID_QUANTITY = "invalid_quantity"
OUT_OF_STOCK = "out_of_stock"
UNKNOWN_CART_ITEM = "unknown_cart_item"
NO_ROUTE = "rest_no_route"
TOO_LARGE = "fahad_ai_too_large"
STORE_UNAVAILABLE = StoreUnavailable.code
DATABASE_UNAVAILABLE = "fahad_ai_database_unavailable"
REQUEST_TIMEOUT = "fahad_ai_request_timeout"
INVALID_BODY = "fahad_ai_invalid_body"
INTERNAL = "fahad_ai_internal_error"
STREAM_FAILED = "fahad_ai_stream_failed"
INVALID_IMAGE = "fahad_ai_invalid_image"
IMAGE_TOO_LARGE = "fahad_ai_image_too_large"
UNSUPPORTED_IMAGE = "fahad_ai_unsupported_image"
MISSING_PARAM = "rest_missing_callback_param"
INVALID_AUTH = "fahad_ai_invalid_auth"  # a WebSocket's auth frame proves no one
INVALID_FRAME = "fahad_ai_invalid_frame"  # a WebSocket frame that isn't one the chat takes
WEBSOCKET_BUSY = "fahad_ai_busy"  # no room for another WebSocket in this worker
WEBSOCKET_ONLY = "fahad_ai_websocket_required"  # 426: /ws without an upgrade, or a bad one


class BridgeError(Exception):
    """A refusal with a WordPress error code, a human message and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400, headers: dict | None = None,
                 data: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.headers = headers or {}
        self.data = data or {}  # extra facts for the client, e.g. the available quantity

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message,
                "data": {"status": self.status, **self.data}}


def bad_request(code: str, message: str) -> BridgeError:
    return BridgeError(code, message, 400)


def error_response(error: BridgeError):
    response = jsonify(error.to_dict())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _http_error(exc: HTTPException):
    if isinstance(exc, RateLimitExceeded):
        return error_response(BridgeError(
            RATE_LIMITED, "Too many requests. Please wait a moment and try again.", 429))
    if isinstance(exc, WebsocketMismatch):
        # werkzeug's answer to a plain request for the WebSocket route (or an upgrade
        # elsewhere, which no other route takes: that is WordPress's 404).
        environ = request.environ  # werkzeug's test of an upgrade
        if (environ.get("HTTP_UPGRADE", "").lower() == "websocket"
                and "upgrade" in environ.get("HTTP_CONNECTION", "").lower()):
            return _http_error(NotFound())
        return error_response(BridgeError(
            WEBSOCKET_ONLY, "This route takes a WebSocket upgrade.", 426,
            headers={"Upgrade": "websocket", "Connection": "Upgrade"}))
    if exc.code in (404, 405):
        # WordPress answers an unknown path or method the same way.
        return error_response(BridgeError(
            NO_ROUTE, "No route was found matching the URL and request method.", 404))
    if exc.code == 413:
        return error_response(BridgeError(TOO_LARGE, "The request body is too large.", 413))
    code = "fahad_ai_http_%d" % (exc.code or 500)
    return error_response(BridgeError(code, exc.name, exc.code or 500))


def from_store(exc: StoreError) -> BridgeError:
    """The one answer to a store failure, for every route and tool: "unavailable" is 503
    with Retry-After and a fixed message (the cause goes to the log), kept apart from "not
    found" (404) and the store's other refusals, which keep their code and status."""
    if isinstance(exc, StoreUnavailable):
        log.warning("store unavailable: %s", exc.message)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return BridgeError(exc.code, exc.public_message, exc.status, headers=headers,
                       data=exc.data)


# Seconds before a client should try again when the database is unreachable: a restart or
# a failover takes about this long.
DATABASE_RETRY_AFTER = 10


def _database_error(exc: Exception):
    # Unreachable, locked, timed out or disconnected is the database failing, not the
    # request; any other database error is a bug and stays a 500.
    if isinstance(exc, sa.exc.DBAPIError) and not (
            isinstance(exc, sa.exc.OperationalError) or exc.connection_invalidated):
        return _unexpected(exc)
    # The driver's own first line only: SQLAlchemy's text carries the statement's values.
    cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    first = (str(cause).strip().splitlines() or [""])[0]
    log.warning("database unavailable: %s: %s", type(cause).__name__, first)
    return error_response(BridgeError(
        DATABASE_UNAVAILABLE, "The service can't reach its database just now. Please try "
        "again in a moment.", 503, headers={"Retry-After": str(DATABASE_RETRY_AFTER)}))


def _unexpected(exc: Exception):
    log.exception("unhandled error")
    return error_response(BridgeError(
        INTERNAL, "Something went wrong on our side. Please try again.", 500))


def init_app(app: Flask) -> None:
    """Answer every error as WordPress-shaped JSON, never HTML or a trace."""
    app.register_error_handler(BridgeError, error_response)
    app.register_error_handler(StoreError, lambda exc: error_response(from_store(exc)))
    app.register_error_handler(sa.exc.DBAPIError, _database_error)
    app.register_error_handler(sa.exc.TimeoutError, _database_error)  # no pooled connection
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
