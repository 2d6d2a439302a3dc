"""Running the bridge under gunicorn, the same way for `fahad-bridge serve` and
config/gunicorn.conf.py.

options: the gunicorn settings that follow from the bridge's (``options``)
worker: BridgeWorker, gthread with deadlines for slow clients; logs: BridgeLogger, configure
"""
from __future__ import annotations

import os
from pathlib import Path

from ..proxies import parse_networks
from ..settings import Settings
from .logs import logger_class
from .worker import worker_class

# gunicorn's control socket (gunicornc), one per bridge in its own data folder.
CONTROL_SOCKET = "gunicorn.ctl"
# The longest path a Unix socket can bind to on Linux (sun_path, less its NUL).
MAX_SOCKET_PATH = 107


def options(settings: Settings) -> dict:
    """gunicorn settings for this bridge: its worker and logger, a heartbeat timeout long
    enough for a /stream turn, the access log on stdout, the same trusted proxies, and a
    control socket of its own."""
    return {
        # gthread: a /stream response holds its thread until the turn ends
        "worker_class": worker_class(settings.client_timeout, settings.client_min_rate),
        "logger_class": logger_class(settings),
        "timeout": 120,
        "accesslog": "-",
        "forwarded_allow_ips": ",".join(
            str(network) for network in parse_networks(settings.trusted_proxies)),
        **control_socket(settings.data_path),
    }


def control_socket(data_path: Path) -> dict:
    """gunicorn's control socket in the data folder, so bridges on one host never share
    (or delete) one another's; off when that path is too long to bind."""
    path = (data_path / CONTROL_SOCKET).resolve()
    if len(os.fsencode(str(path))) > MAX_SOCKET_PATH:
        return {"control_socket_disable": True}
    return {"control_socket": str(path), "control_socket_disable": False}

