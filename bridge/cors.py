"""CORS for the one route a browser calls straight: ``POST /stream`` with the plugin's stream
token (bridge.stream_token), from the origins in ``storefront_origins`` and no other.

Every answer on that path names an allowed origin back (errors too, so the widget can read
them); a preflight from any other origin is refused in WordPress's error shape. No
credentials: the token and the page's nonce are the proof, never a cookie.
"""
from __future__ import annotations

from flask import Flask, request

from .errors import ORIGIN_REFUSED, BridgeError, error_response
from .routes import NAMESPACE

PATH = NAMESPACE + "/stream"
ALLOW_HEADERS = "Content-Type, Accept, Accept-Language, X-WP-Nonce, X-Fahad-Token"
EXPOSE_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
MAX_AGE = "600"  # seconds a browser may skip the preflight (chromium caps it at 7200)


def init_app(app: Flask, origins: tuple[str, ...]) -> None:
    allowed = frozenset(origins)

    def origin() -> str | None:
        given = (request.headers.get("Origin") or "").strip().lower()
        return given if given in allowed else None

    @app.before_request
    def refuse_preflight():
        if request.method == "OPTIONS" and request.path == PATH and origin() is None:
            return error_response(BridgeError(
                ORIGIN_REFUSED, "This origin may not stream from the bridge directly.", 403))
        return None

    @app.after_request
    def allow(response):
        if request.path != PATH:
            return response
        response.vary.add("Origin")
        granted = origin()
        if granted:
            response.headers["Access-Control-Allow-Origin"] = granted
            response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "POST"
                response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response.headers["Access-Control-Max-Age"] = MAX_AGE
        return response
