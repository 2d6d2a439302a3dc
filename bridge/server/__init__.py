"""Running the bridge under gunicorn, the same way for `fahad-bridge serve` and
config/gunicorn.conf.py.

options: the gunicorn settings that follow from the bridge's (``options``)
logs: BridgeLogger, configure
"""
from __future__ import annotations

from ..proxies import parse_networks
from ..settings import Settings
from .logs import logger_class


def options(settings: Settings) -> dict:
    """gunicorn settings for this bridge: gthread workers, its logger, a heartbeat timeout
    long enough for a /stream turn, the access log on stdout, the same trusted proxies."""
    return {
        "worker_class": "gthread",  # a /stream response holds its thread until the turn ends
        "logger_class": logger_class(settings),
        "timeout": 120,
        "accesslog": "-",
        "forwarded_allow_ips": ",".join(
            str(network) for network in parse_networks(settings.trusted_proxies)),
    }

