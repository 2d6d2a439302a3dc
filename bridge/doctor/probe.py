"""GET /doctor: how `fahad-bridge doctor` proves a request went through the plugin to this
bridge, and that this bridge holds the secret the doctor was configured with.

The gate admits only a signed context (so the plugin's secret matched); the answer carries
a proof over the caller's challenge under a key derived from the secret (so the doctor can
check it with its own copy, and the proof can't stand in for a context signature).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import TYPE_CHECKING

from flask import Flask, jsonify, request

from ..core import current_core
from ..errors import INVALID_PARAM, BridgeError
from ..gates import register

if TYPE_CHECKING:
    from ..core import Core

CHALLENGE = re.compile(r"[A-Za-z0-9_-]{16,128}")
_PROOF_KEY = b"fahad-ai doctor proof"


def proof(secret: str, challenge: str) -> str:
    key = hmac.new(secret.encode(), _PROOF_KEY, hashlib.sha256).digest()
    return hmac.new(key, challenge.encode(), hashlib.sha256).hexdigest()


def doctor():
    challenge = request.args.get("challenge", "")
    if not CHALLENGE.fullmatch(challenge):
        raise BridgeError(INVALID_PARAM, "challenge must be 16 to 128 letters, digits, '-' "
                          "or '_'.", 400, data={"params": {"challenge": "invalid"}})
    return jsonify({"ok": True, "proof": proof(current_core().settings.bridge_secret,
                                                challenge)})


def init_app(app: Flask, core: "Core") -> None:
    register(app, core, {"doctor.probe": doctor})
