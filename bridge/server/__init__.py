"""Running the bridge under gunicorn, the same way for `fahad-bridge serve` and
config/gunicorn.conf.py.

options: the gunicorn settings that follow from the bridge's, with the worker hooks that
start and stop each worker's background work (``Core.start``) and freeze its start-up heap
green: GreenWorker, gevent (the default); worker: BridgeWorker, gthread; both with
deadlines for slow clients (sockets); logs: BridgeLogger, configure

This package imports neither the app nor gevent: the master loads only what it runs, and
the gevent worker patches the standard library before the app's modules are imported.
"""
from __future__ import annotations

import gc
import os
from pathlib import Path

from ..proxies import parse_networks
from ..settings import Settings
from .logs import logger_class

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
        "worker_class": worker_class(settings),
        "logger_class": logger_class(settings),
        "timeout": 120,
        "accesslog": "-",
        "forwarded_allow_ips": ",".join(
            str(network) for network in parse_networks(settings.trusted_proxies)),
        **control_socket(settings.data_path),
        "post_worker_init": start_background,
        "worker_exit": stop_background,
    }


def worker_class(settings: Settings) -> type:
    """The configured worker kind with the bridge's deadlines for slow clients."""
    if settings.worker == "gevent":
        from .green import worker_class as green
        return green(settings.client_timeout, settings.client_min_rate)
    from .worker import worker_class as threaded  # gthread: a /stream holds a thread
    return threaded(settings.client_timeout, settings.client_min_rate)


def start_background(worker) -> None:
    """gunicorn's post_worker_init: the worker's app is loaded (``worker.wsgi``). Its heap
    as it is now (modules, the app, the catalogue) is frozen out of the collector's sight,
    so no full collection walks it again: one took 0.4-0.86 s with the SDKs' objects."""
    from ..core import core_of

    core_of(worker.wsgi).start()
    freeze_heap()


# The collector's thresholds once the heap is frozen (CPython's are 700, 10, 10). A young
# collection's pause grows with the objects it walks: with 300 open turns
# (bench/stream_load.py) CPython's ran a full collection of 104-171 ms, and (20,000, 5, 100)
# young ones of up to 100 ms and middle ones of 126-315 ms on a busy machine. These keep
# both small (the longest 27-57 ms on the same machine, most under 1 ms) and full
# collections rare: none in that benchmark.
GC_THRESHOLDS = (2_000, 10, 100)


def freeze_heap() -> None:
    """Collect once, then move every object alive to the permanent generation, and space
    collections out (``GC_THRESHOLDS``)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def stop_background(server, worker) -> None:
    """gunicorn's worker_exit."""
    from ..core import core_of

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

