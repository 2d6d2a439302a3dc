"""gunicorn's gthread worker, made to hold out against slow clients (gunicorn itself has no
request or body timeout).

A request is gathered on the worker's main loop, without a thread, until all of it is in
(head and body, up to the largest body a route takes): only then does a thread take it, so
clients that trickle requests cost a buffer each, never a thread. Requests whose bodies
would take the worker past ``GATHER_BUDGET`` wait, unread, for room; chunked bodies and
those waiting for ``100 Continue`` are read by the thread. Either way a request must arrive
within ``client_timeout`` seconds plus one second for every ``client_min_rate`` bytes
received, with no silence longer than ``client_timeout``; past that the connection is
closed, after a 408 once the head is in. A response the client stops reading is cut after
``SEND_TIMEOUT`` of silence.
"""
from __future__ import annotations

import re
import selectors
import socket
from collections import deque
from functools import partial

from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker

from ..bodies import TIMED_OUT, http_answer
from ..routes import ROUTES
from ..websocket import going_away, limit_per_worker
from .sockets import ClientSocket

# A request head longer than this goes to a thread unfinished: gunicorn's parser refuses it.
HEAD_MAX = 32 * 1024
# The most a request takes, head and body, to be gathered before a thread takes it: the
# largest body a route accepts (a photo for /visual-search), so every valid request fits.
GATHER_MAX = HEAD_MAX + max(route.max_body for route in ROUTES)
# All the requests one worker gathers at once reserve at most this much memory; past it a
# request waits, unread, until there is room (its deadline starts again then).
GATHER_BUDGET = 64 * 1024 * 1024
_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,12})")


def request_size(data: bytes | bytearray) -> int | None:
    """The bytes the request takes, head and body, once its head is in (None before); 0
    when that isn't known up front (a chunked body, or one waiting for 100 Continue)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(data[:end]).lower()
    if b"\r\ntransfer-encoding" in head or b"\r\nexpect" in head:
        return 0
    match = _LENGTH.search(head)
    return end + 4 + (int(match.group(1)) if match else 0)


class BridgeWorker(ThreadWorker):
    """gthread, with every client connection a ``ClientSocket`` and requests gathered on the
    main loop before a thread takes them."""

    client_timeout = 10.0
    client_min_rate = 16384

    def init_process(self):
        # A WebSocket holds its thread for as long as it is open: half the threads at most,
        # so the other half always answers HTTP.
        limit_per_worker(max(1, self.cfg.threads // 2))
        self.gathering: list = []  # connections read from as their requests arrive
        self.parked: deque = deque()  # heads in, waiting for room under GATHER_BUDGET
        self.reserved = 0  # bytes the requests being gathered will take
        super().init_process()

    def handle_exit(self, sig, frame):
        going_away()  # open WebSockets close (1001) instead of holding the shutdown
        super().handle_exit(sig, frame)

    def enqueue_req(self, conn):
        # On the main loop, for every request: new, kept alive, or with bytes already read.
        if not isinstance(conn.sock, ClientSocket):
            if self.cfg.is_ssl:  # TLS belongs on the reverse proxy; served as gunicorn does
                return super().enqueue_req(conn)
            conn.sock = ClientSocket.adopt(conn.sock, self.client_timeout, self.client_min_rate)
        conn.sock.begin()
        buffered = conn.parser is not None and conn.parser.unreader.buf.getbuffer().nbytes
        if buffered or negotiation.prior_knowledge_allowed(self.cfg, conn.client):
            return super().enqueue_req(conn)
        conn.gathered, conn.size, conn.reserved = bytearray(), None, 0
        self._gather(conn)

    def _gather(self, conn) -> None:
        self.gathering.append(conn)
        conn.sock.setblocking(False)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _readable(self, conn, _sock) -> None:
        wanted = (conn.size or HEAD_MAX + 1) - len(conn.gathered)
        try:
            data = conn.sock.gather(min(wanted, 256 * 1024))
        except OSError:
            data = b""
        if data is None:
            return
        if not data:  # the client left
            return self._close(conn)
        conn.gathered += data
        if conn.size is None:
            conn.size = request_size(conn.gathered)
            if conn.size is None and len(conn.gathered) <= HEAD_MAX:
                return
            if not conn.size or conn.size > GATHER_MAX:
                return self._to_thread(conn)
        if len(conn.gathered) >= conn.size:
            return self._to_thread(conn)
        if not conn.reserved:
            if self.reserved + conn.size > GATHER_BUDGET:
                self._stop_gathering(conn)
                self.parked.append(conn)
                return
            conn.reserved = conn.size
            self.reserved += conn.size

    def _to_thread(self, conn) -> None:
        self._stop_gathering(conn)
        conn.data_ready = True
        super().enqueue_req(conn)

    def _stop_gathering(self, conn) -> None:
        self.gathering.remove(conn)
        self.reserved -= conn.reserved
        conn.reserved = 0
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _close(self, conn, answer: bytes | None = None) -> None:
        if conn in self.gathering:
            self._stop_gathering(conn)
        if answer:
            try:
                socket.socket.send(conn.sock, answer)  # small, and the socket won't block
            except OSError:
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        super().murder_pending()
        for conn in [c for c in self.gathering if c.sock.overdue]:
            self._close(conn, http_answer(TIMED_OUT) if conn.size is not None else None)
        while self.parked and (not self.alive or
                               self.reserved + self.parked[0].size <= GATHER_BUDGET):
            conn = self.parked.popleft()
            if not self.alive:
                self._close(conn)
                continue
            conn.reserved = conn.size
            self.reserved += conn.size
            conn.sock.begin()  # the wait was the server's, not the client's
            self._gather(conn)

    def handle(self, conn):
        if isinstance(conn.sock, ClientSocket):
            conn.sock.begin()  # time spent waiting for a free thread is not the client's
            gathered, conn.gathered = getattr(conn, "gathered", None), None
            if gathered:
                conn.sock.setblocking(True)
                conn.init()
                conn.parser.unreader.unread(bytes(gathered))
        return super().handle(conn)


def worker_class(client_timeout: float, client_min_rate: int) -> type[BridgeWorker]:
    """``BridgeWorker`` with these deadlines, for gunicorn's ``worker_class``."""
    return type("BridgeWorker", (BridgeWorker,), {
        "client_timeout": client_timeout, "client_min_rate": client_min_rate,
        "__module__": __name__})
