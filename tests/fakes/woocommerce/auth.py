"""wc/v3 authentication as WC_REST_Authentication does it: over https (X-Forwarded-Proto) keys
from the query string, then Basic (an unknown key is silently anonymous); then OAuth 1.0a
one-legged on any scheme; last, the admin's application password (the site is "local").
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Callable

from .php import rawurlencode
from .rest import RestError

READ_WRITE = ("ck_placeholder_read_write_key_0000000000000",
              "cs_placeholder_read_write_secret_0000000000")
READ = ("ck_placeholder_read_only_key_00000000000000",
        "cs_placeholder_read_only_secret_00000000000")
APPLICATION_PASSWORD = ("admin", "APPLICATION_PASSWORD_PLACEHOLDER")
NONCE_WINDOW = 15 * 60  # WooCommerce's $valid_window for timestamps and remembered nonces
OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature",
                "oauth_signature_method")
_OAUTH_HEADER = re.compile(r'(oauth_[a-z_]+)="([^"]*)"')


@dataclass(frozen=True)
class Identity:
    """Who a request is. ``permissions`` is the key's ("read", "read_write"), or None for the
    application password, which acts with the admin's full rights."""
    user_id: int
    method: str
    permissions: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.user_id == 0


ANONYMOUS = Identity(0, "none")


def _fail(message: str, code: str = "woocommerce_rest_authentication_error") -> RestError:
    return RestError(401, code, message)


def php_params(pairs: list[tuple[str, str]]) -> dict:
    """$_GET as PHP builds it: "k[]" and "k[x]" become nested arrays, later keys win."""
    params: dict = {}
    for key, value in pairs:
        match = re.match(r"^([^\[]+)\[([^\]]*)\]$", key)
        if not match:
            params[key] = value
            continue
        inner = params.setdefault(match.group(1), {})
        if not isinstance(inner, dict):
            inner = params[match.group(1)] = {}
        inner[match.group(2) or str(len(inner))] = value
    return params


def _joined(params: dict, prefix: str = "") -> list[str]:
    parts = []
    for key, value in params.items():
        name = f"{prefix}%5B{key}%5D" if prefix else rawurlencode(key)
        if isinstance(value, dict):
            parts += _joined(value, name)
        else:
            parts.append(rawurlencode(f"{name}={rawurlencode(value)}"))
    return parts


def signature_base(method: str, url: str, params: dict) -> str:
    """WooCommerce's string to sign: METHOD & rawurlencode(url) & the sorted parameters, each
    "k=v" rawurlencoded twice over (see the README's rule)."""
    ordered = {k: params[k] for k in sorted(params) if k != "oauth_signature"}
    return f"{method.upper()}&{rawurlencode(url)}&{'%26'.join(_joined(ordered))}"


def sign(method: str, url: str, params: dict, secret: str, algorithm: str = "HMAC-SHA256") -> str:
    """base64(HMAC(consumer_secret + "&", base)), the signature WooCommerce expects."""
    digest = hashlib.sha1 if algorithm == "HMAC-SHA1" else hashlib.sha256
    mac = hmac.new(f"{secret}&".encode(), signature_base(method, url, params).encode(), digest)
    return base64.b64encode(mac.digest()).decode()


class Authenticator:
    """Consumer keys, their remembered OAuth nonces, and the order WooCommerce tries things."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.keys = {READ_WRITE[0]: (READ_WRITE[1], "read_write"), READ[0]: (READ[1], "read")}
        self.nonces: dict[str, dict[str, str]] = {}  # key -> {timestamp: nonce}, as WC stores

    def identify(self, *, method: str, url: str, query: list[tuple[str, str]],
                 form: list[tuple[str, str]], authorization: str, https: bool) -> Identity:
        """Who sent the request; raises the RestError WooCommerce answers for bad credentials.
        Call check_permissions() next: the key's read/write permission comes before routing."""
        identity = None
        error = None
        if https:
            try:
                identity = self._basic(dict(query), authorization)
            except RestError as failure:
                error = failure
        if identity is None:
            identity = self._oauth(method, url, query, form, authorization)
        if identity is None:
            identity = self._application_password(authorization)
        if identity is None and error is not None:
            raise error
        return identity or ANONYMOUS

    def _basic(self, query: dict, authorization: str) -> Identity | None:
        key, secret = query.get("consumer_key", ""), query.get("consumer_secret", "")
        if not (key and secret):
            key, secret = _basic_credentials(authorization)
        if not (key and secret) or key not in self.keys:
            return None  # unknown keys fall through to anonymous, not to an error
        expected, permissions = self.keys[key]
        if not hmac.compare_digest(expected, secret):
            raise _fail("Consumer secret is invalid.")
        return Identity(1, "basic_auth", permissions)

    def _oauth(self, method, url, query, form, authorization) -> Identity | None:
        params = php_params(query + form)
        params.update(dict(_OAUTH_HEADER.findall(authorization))
                      if authorization.startswith("OAuth ") else {})
        missing = [name for name in OAUTH_PARAMS if not params.get(name)]
        if len(missing) == len(OAUTH_PARAMS):
            return None
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise _fail(f"Missing OAuth parameter{plural} {', '.join(missing)}",
                        "woocommerce_rest_authentication_missing_parameter")
        key = params["oauth_consumer_key"]
        if key not in self.keys:
            raise _fail("Consumer key is invalid.")
        secret, permissions = self.keys[key]
        given = params["oauth_signature"].replace(" ", "+")
        algorithm = params["oauth_signature_method"]
        if algorithm not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise _fail("Invalid signature - signature method is invalid.")
        if not hmac.compare_digest(sign(method, url, params, secret, algorithm), given):
            raise _fail("Invalid signature - provided signature does not match.")
        self._check_timestamp_and_nonce(key, params["oauth_timestamp"], params["oauth_nonce"])
        return Identity(1, "oauth1", permissions)

    def _check_timestamp_and_nonce(self, key: str, timestamp: str, nonce: str) -> None:
        now = self.clock()
        if not timestamp.isdigit() or abs(int(timestamp) - now) > NONCE_WINDOW:
            raise _fail("Invalid timestamp.")
        used = self.nonces.setdefault(key, {})
        if nonce in used.values():
            raise _fail("Invalid nonce - nonce has already been used.")
        # Keyed by timestamp as WooCommerce stores them: a second nonce in the same second
        # replaces the first one, which could then be replayed.
        used[timestamp] = nonce
        for stamp in [s for s in used if int(s) < now - NONCE_WINDOW]:
            del used[stamp]

    @staticmethod
    def _application_password(authorization: str) -> Identity | None:
        if _basic_credentials(authorization) == APPLICATION_PASSWORD:
            return Identity(1, "application_password")
        return None

    @staticmethod
    def check_permissions(identity: Identity, method: str) -> None:
        """A consumer key may only do what its permission allows (rest_pre_dispatch)."""
        if not identity.permissions:
            return
        if method in ("GET", "HEAD") and identity.permissions not in ("read", "read_write"):
            raise _fail("The API key provided does not have read permissions.")
        if method in ("POST", "PUT", "PATCH", "DELETE") and identity.permissions not in (
                "write", "read_write"):
            raise _fail("The API key provided does not have write permissions.")


def _basic_credentials(authorization: str) -> tuple[str, str]:
    if not authorization.startswith("Basic "):
        return "", ""
    try:
        user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return user, password
