"""Secrets kept out of log lines.

``Redactor`` masks the values of the configured secrets (and of passwords in configured
URLs) wherever they appear, and the values of query parameters whose names say they are
secret (``hub.verify_token``, ``hub.challenge``, ``oauth_signature``, ``access_token``...).
API keys (``sk_live_...``, ``sk_test_...``) are masked by their shape.
``RedactingFilter`` applies it to every record a logging handler writes, traceback included.
"""
from __future__ import annotations

import dataclasses
import logging
import re
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit

from .settings import Settings

MASK = "[redacted]"

# Query parameters and headers whose values are credentials or one-time proofs. Meta's
# hub.challenge is echoed back by the handshake, so it is as good as the token for a replay.
SENSITIVE_NAME = re.compile(
    r"token|secret|password|passwd|signature|nonce|challenge|key|auth|session|cookie|"
    r"context|credential", re.IGNORECASE)
# name=value inside a query string: after ?, & or ;, up to the next separator or space.
_PARAM = re.compile(r"(?<=[?&;])([^=&;?#\s\"']+)=([^&;#\s\"']*)")
# The bridge's own API keys (bridge.apikeys), wherever one turns up (a URL, a message).
_API_KEY = re.compile(r"sk_(?:live|test)_[A-Za-z0-9]{32}")
# Shorter values are not masked: they would hide ordinary words, and are no secret anyway.
MIN_SECRET = 4


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The secret settings' values and the passwords inside configured URLs."""
    values = [getattr(settings, f.name) for f in dataclasses.fields(settings)
              if not f.repr and isinstance(getattr(settings, f.name), str)]
    values += [e["secret"] for e in settings.webhooks.values() if isinstance(e, dict)
               and isinstance(e.get("secret"), str)]
    for url in (settings.database_url, settings.ratelimit_storage,
                settings.whatsapp_redis_url):
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        if password:
            values.append(password)
    return tuple(v for v in values if len(v) >= MIN_SECRET)


class Redactor:
    """Masks secrets in text: known values, and sensitive query parameters' values."""

    def __init__(self, secrets: tuple[str, ...] = ()):
        forms = {form for secret in secrets
                 for form in (secret, quote(secret, safe=""), quote_plus(secret))}
        # Longest first, so a secret containing another is masked whole.
        self.secrets = tuple(sorted(forms, key=len, reverse=True))

    def text(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        if "sk_" in text:
            text = _API_KEY.sub(MASK, text)
        if "=" in text:
            text = _PARAM.sub(self._param, text)
        return text

    def query(self, query: str) -> str:
        """A query string (without its "?") as it may be logged."""
        return self.text("?" + query)[1:]

    @staticmethod
    def _param(match: re.Match) -> str:
        name = match.group(1)
        if match.group(2) and SENSITIVE_NAME.search(unquote_plus(name)):
            return f"{name}={MASK}"
        return match.group(0)

    def header(self, name: str, value: str) -> str:
        """A header's value as it may be logged."""
        return MASK if SENSITIVE_NAME.search(name) else self.text(value)


class RedactingFilter(logging.Filter):
    """Masks secrets in each record's message and traceback before a handler writes it."""

    def __init__(self, redactor: Redactor):
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = self.redactor.text(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self.redactor.text(record.exc_text)
            if record.stack_info:
                record.stack_info = self.redactor.text(record.stack_info)
        except Exception:  # a filter that raises would lose the record; mask it whole
            record.msg, record.args, record.exc_info, record.exc_text = MASK, None, None, None
        return True
