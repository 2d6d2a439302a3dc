"""The bridge's logs under gunicorn, with no secret in any line: the access log (whose request
line carries the query string, e.g. WhatsApp's hub.verify_token), gunicorn's error log, and
the app's own loggers, all through ``RedactingFilter``."""
from __future__ import annotations

import logging

from gunicorn.glogging import Logger

from ..redact import Redactor, RedactingFilter, secrets_of
from ..settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(settings: Settings) -> Redactor:
    """Send the app's loggers to stderr at the configured level, every handler of the root
    logger masking secrets; safe to call again."""
    redactor = Redactor(secrets_of(settings))
    root = logging.getLogger()
    if not any(getattr(h, "_fahad", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._fahad = True
        root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    _mask(root, redactor)
    return redactor


def _mask(log: logging.Logger, redactor: Redactor) -> None:
    for handler in log.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(RedactingFilter(redactor))


class BridgeLogger(Logger):
    """gunicorn's logger with secrets masked in the access and error logs."""

    settings: Settings | None = None
    redactor = Redactor()

    def setup(self, cfg):
        super().setup(cfg)
        if self.settings is not None:
            self.redactor = configure(self.settings)
        for log in (self.error_log, self.access_log):
            _mask(log, self.redactor)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if not isinstance(value, str):
                continue
            if key in ("q", "{query_string}e"):
                atoms[key] = self.redactor.query(value)
            elif key.startswith("{"):  # "{name}i", "{name}o" headers, "{name}e" environ
                atoms[key] = self.redactor.header(key[1:-2], value)
            else:
                atoms[key] = self.redactor.text(value)
        return atoms


def logger_class(settings: Settings) -> type[BridgeLogger]:
    """``BridgeLogger`` masking the secrets of ``settings``, for gunicorn's ``logger_class``."""
    return type("BridgeLogger", (BridgeLogger,), {"settings": settings, "__module__": __name__})
