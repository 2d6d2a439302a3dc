"""Running the bridge under gunicorn, the same way for `fahad-bridge serve` and
config/gunicorn.conf.py.

options: the gunicorn settings that follow from the bridge's, with the worker hooks that
start and stop each worker's background work (``Core.start``)
worker: BridgeWorker, gthread with deadlines for slow clients; logs: BridgeLogger, configure
"""
from __future__ import annotations

import os
from pathlib import Path

from ..core import core_of
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
    control socket of its own; each worker starts its core's background work once its app
    is loaded, after the fork (threads don't survive one), and stops it on the way out."""
    return {
        # gthread: a /stream response holds its thread until the turn ends
        "worker_class": worker_class(settings.client_timeout, settings.client_min_rate),
        "logger_class": logger_class(settings),
        "timeout": 120,
        "accesslog": "-",
        "forwarded_allow_ips": ",".join(
            str(network) for network in parse_networks(settings.trusted_proxies)),
        **control_socket(settings.data_path),
        "post_worker_init": start_background,
        "worker_exit": stop_background,
    }


def start_background(worker) -> None:
    """gunicorn's post_worker_init: the worker's app is loaded (``worker.wsgi``)."""
    core_of(worker.wsgi).start()


def stop_background(server, worker) -> None:
    """gunicorn's worker_exit."""
    wsgi = getattr(worker, "wsgi", None)
    if wsgi is not None:
        core_of(wsgi).stop()


def control_socket(data_path: Path) -> dict:
    """gunicorn's control socket in the data folder, so bridges on one host never share
    (or delete) one another's; off when that path is too long to bind."""
    path = (data_path / CONTROL_SOCKET).resolve()
    if len(os.fsencode(str(path))) > MAX_SOCKET_PATH:
        return {"control_socket_disable": True}
    return {"control_socket": str(path), "control_socket_disable": False}

