"""gunicorn's gevent worker for the bridge: each connection a greenlet, so one worker holds
hundreds of open /stream turns while their models think.

gunicorn patches the standard library (``monkey.patch_all``) as the worker starts, so the
SDKs' httpx, requests, redis and SQLAlchemy's pool yield while they wait. What the master
imported before that keeps what it bound: ``rebind_direct_imports`` points names taken with
``from time import sleep`` (redis's retries), ``from ssl import SSLContext`` (urllib3's TLS,
so requests to an https store) and the like at gevent's, and psycopg, imported when the
master migrates PostgreSQL, chose its C wait function then (it blocks the whole worker):
``cooperative_drivers`` points it at the patched select. SQLite calls stay blocking: short,
except for a busy wait on another process's write.

Slow clients: every connection gets the same deadlines as under gthread
(bridge/server/sockets.py), and requests' bodies share one ``GATHER_BUDGET`` (64 MiB): a
request whose body won't fit waits, unread, for room.
"""
from __future__ import annotations

import sys
import warnings
from contextlib import contextmanager

import gevent
from gevent import monkey
from gevent import socket as green_socket
from gevent.event import Event
from gunicorn.workers.ggevent import GeventWorker

from ..routes import DEFAULT_BODY, ROUTES
from ..websocket import going_away
from .sockets import Deadlines
from .worker import GATHER_BUDGET

# What a route's body may take in memory (bridge/bodies.py reads no more and drops the rest).
CAPS = {(route.method, route.url): route.max_body for route in ROUTES}


class GreenClientSocket(Deadlines, green_socket.socket):
    """gevent's socket with the deadlines."""


# Modules left as they are: the standard library and gevent keep originals on purpose.
UNTOUCHED = frozenset(sys.stdlib_module_names) | {"gevent", "greenlet", "zope"}


def rebind_direct_imports() -> int:
    """After the patch, point every module-level name bound to an object gevent replaced
    (``from time import sleep``) at its replacement; the number of names changed."""
    swaps = {}
    for module_name, originals in monkey.saved.items():
        module = sys.modules.get(module_name)
        for attr, original in originals.items():
            patched = getattr(module, attr, None)
            if patched is not None and patched is not original:
                swaps[id(original)] = (original, patched)
    changed = 0
    for name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if name.partition(".")[0] in UNTOUCHED or not isinstance(namespace, dict):
            continue
        for attr, value in list(namespace.items()):
            swap = swaps.get(id(value))
            if swap is not None and swap[0] is value:
                namespace[attr] = swap[1]
                changed += 1
    return changed


def patch_process() -> None:
    """What the worker does first: patch the standard library, then the names and drivers
    imported before it."""
    with warnings.catch_warnings():
        # "ssl was imported before": what it warns about is what rebind_direct_imports fixes.
        warnings.simplefilter("ignore", monkey.MonkeyPatchWarning)
        monkey.patch_all()
    rebind_direct_imports()
    cooperative_drivers()


def cooperative_drivers() -> None:
    """Make drivers imported before the patch wait through gevent (psycopg's ``wait_c`` and
    its unpatched selector would block every greenlet of the worker)."""
    waiting = sys.modules.get("psycopg.waiting")
    if waiting is not None:
        import selectors

        waiting.wait, waiting._ready = waiting.wait_select, waiting._ready_select
        waiting.DefaultSelector = selectors.DefaultSelector


class Budget:
    """Bytes of request bodies one worker holds at once; ``hold`` waits for room."""

    def __init__(self, total: int):
        self.total, self.used, self.freed = total, 0, Event()

    @contextmanager
    def hold(self, size: int):
        size = min(size, self.total)
        while self.used + size > self.total:  # greenlets: no one runs between check and add
            self.freed.clear()
            self.freed.wait()
        self.used += size
        try:
            yield
        finally:
            self.used -= size
            self.freed.set()


def body_size(req) -> int:
    """The bytes ``req``'s body will hold: its length, at most its route's cap (the cap
    itself for a chunked body, which declares no size)."""
    cap = CAPS.get((req.method, req.path), DEFAULT_BODY)
    for name, value in req.headers:
        if name == "CONTENT-LENGTH":
            return min(int(value), cap) if value.isdigit() else 0
        if name == "TRANSFER-ENCODING":
            return cap
    return 0


class GreenWorker(GeventWorker):
    """GeventWorker with the deadlines of ``sockets.Deadlines`` and one body budget."""

    client_timeout = 10.0
    client_min_rate = 16384

    def patch(self):
        patch_process()
        super().patch()  # patches nothing more; makes the listening sockets gevent's

    def init_process(self):
        self.budget = Budget(GATHER_BUDGET)
        super().init_process()

    def handle_exit(self, sig, frame):
        going_away()  # open WebSockets close (1001) instead of holding the shutdown
        super().handle_exit(sig, frame)

    def handle(self, listener, client, addr):
        if not self.cfg.is_ssl:  # TLS belongs on the reverse proxy; served as gunicorn does
            client = GreenClientSocket.adopt(client, self.client_timeout, self.client_min_rate)
        super().handle(listener, client, addr)

    def handle_request(self, listener_name, req, sock, addr):
        with self.budget.hold(body_size(req)):
            if isinstance(sock, Deadlines):
                sock.begin()  # time spent waiting for room is not the client's
            try:
                return super().handle_request(listener_name, req, sock, addr)
            finally:
                if isinstance(sock, Deadlines):
                    sock.begin()  # the next request on this connection starts now


def worker_class(client_timeout: float, client_min_rate: int) -> type[GreenWorker]:
    """``GreenWorker`` with these deadlines, for gunicorn's ``worker_class``."""
    return type("GreenWorker", (GreenWorker,), {
        "client_timeout": client_timeout, "client_min_rate": client_min_rate,
        "__module__": __name__})


__all__ = ["GreenWorker", "worker_class", "patch_process", "gevent"]
