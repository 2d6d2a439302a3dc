"""A server WebSocket on the connection gunicorn hands the app (``environ["gunicorn.socket"]``):
wsproto speaks the protocol, this module the socket.

``accept(environ, ...)`` answers the upgrade (101) or raises ``NotUpgradable`` while the
request can still get an HTTP answer. Then ``receive`` returns whole text messages (a binary
one as bytes) up to ``max_message`` characters, answering pings and pinging a quiet client;
``send`` writes one text message whole (sendall, under a lock: a turn's thread and the
connection's own both send); ``close`` ends with a code. The connection lives in the
request's own greenlet (gevent) or thread (gthread): nothing here starts another.

``Slots`` counts a process's open WebSockets against a limit (gthread: half its threads).
"""
from __future__ import annotations

import select
import threading
import time
from collections import deque

from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Ping, Request,
                            TextMessage)
from wsproto.utilities import ProtocolError

# Close codes of RFC 6455 the bridge sends.
NORMAL, GOING_AWAY, TOO_BIG, TRY_LATER = 1000, 1001, 1009, 1013
READ_SIZE = 64 * 1024
# Longest wait for a frame before looking whether the worker is stopping.
TICK = 1.0
_stopping = False


def going_away() -> None:
    """The worker is stopping (SIGTERM): each WebSocket closes with 1001 at its next wait
    for a frame (a turn under way finishes first), so the worker exits within its graceful
    timeout and clients know to reconnect."""
    global _stopping
    _stopping = True


class NotUpgradable(Exception):
    """The request is not a WebSocket upgrade this server can take."""


class Closed(Exception):
    """The connection is over: the client closed it, left, or broke the protocol."""

    def __init__(self, code: int = 1006, reason: str = ""):
        super().__init__(f"{code} {reason}".strip())
        self.code, self.reason = code, reason


def _headers(environ: dict) -> list[tuple[bytes, bytes]]:
    return [(key[5:].replace("_", "-").encode("latin-1"), str(value).encode("latin-1"))
            for key, value in environ.items() if key.startswith("HTTP_")]


def accept(environ: dict, max_message: int, ping_every: float,
           silence: float) -> "WebSocket":
    """Answer the upgrade in ``environ`` with 101. ``silence``: seconds a client may send
    nothing at all (not even a pong to the ping sent after ``ping_every`` quiet ones)."""
    sock = environ.get("gunicorn.socket")
    if sock is None:
        raise NotUpgradable("WebSockets are served by `fahad-bridge serve` (gunicorn).")
    protocol = WSConnection(ConnectionType.SERVER)
    try:
        protocol.initiate_upgrade_connection(_headers(environ), environ.get("RAW_URI") or "/")
        request = next((e for e in protocol.events() if isinstance(e, Request)), None)
    except ProtocolError as exc:
        raise NotUpgradable(str(exc)) from None
    if request is None:
        raise NotUpgradable("Not a WebSocket handshake.")
    # No permessage-deflate: its zlib state costs each connection hundreds of KiB, and the
    # frames a turn sends are small.
    handshake = protocol.send(AcceptConnection())
    hold_open = getattr(sock, "hold_open", None)
    if hold_open is not None:  # bridge/server/sockets.py: only silence ends it from now on
        hold_open(silence)
    ws = WebSocket(sock, protocol, max_message, ping_every, silence)
    ws._write(handshake)
    return ws


class WebSocket:
    def __init__(self, sock, protocol: WSConnection, max_message: int, ping_every: float,
                 silence: float):
        self.sock, self.protocol = sock, protocol
        self.max_message, self.ping_every, self.silence = max_message, ping_every, silence
        self.closed: Closed | None = None
        self._messages: deque = deque()
        self._parts: list = []
        self._size = 0
        self._heard = self._pinged = time.monotonic()
        self._lock = threading.Lock()

    # -- receiving ----------------------------------------------------------------------

    def receive(self, timeout: float) -> str | bytes | None:
        """The next whole message, or None when ``timeout`` seconds pass without one.

        :raise Closed: the connection is over (after any messages that came before).
        """
        deadline = time.monotonic() + timeout
        while not self._messages:
            if self.closed:
                raise self.closed
            now = time.monotonic()
            if _stopping:
                self.close(GOING_AWAY, "the server is restarting")
                continue
            if now - self._heard > self.silence:
                self.close(GOING_AWAY, "no answer to ping")
                continue
            if now - max(self._heard, self._pinged) >= self.ping_every:
                self._pinged = now
                self._send_event(Ping())
            wait = min(deadline, self._heard + self.silence, now + TICK,
                       max(self._heard, self._pinged) + self.ping_every) - now
            if deadline <= now:
                return None
            self._read(max(wait, 0.0))
        return self._messages.popleft()

    def _read(self, wait: float) -> None:
        try:
            ready, _, _ = select.select([self.sock], [], [], wait)
            if not ready:
                return
            data = self.sock.recv(READ_SIZE)
        except (OSError, ValueError):
            data = b""
        if not data:
            self.closed = self.closed or Closed(1006, "the client left")
            self.protocol.receive_data(None)
            return
        self._heard = time.monotonic()
        self.protocol.receive_data(data)
        for event in self.protocol.events():
            self._handle(event)

    def _handle(self, event) -> None:
        if isinstance(event, (TextMessage, BytesMessage)):
            self._size += len(event.data)
            if self._size > self.max_message:
                self.close(TOO_BIG, f"a message may have {self.max_message} characters")
                return
            self._parts.append(event.data)
            if event.message_finished:
                empty = "" if isinstance(event, TextMessage) else b""
                self._messages.append(empty.join(self._parts))
                self._parts, self._size = [], 0
        elif isinstance(event, Ping):
            self._send_event(event.response())
        elif isinstance(event, CloseConnection):
            # The client's close (or wsproto's, for a frame that breaks the protocol).
            if self.protocol.state is ConnectionState.REMOTE_CLOSING:
                self._send_event(event.response())
                self.closed = Closed(event.code, event.reason or "")
            else:
                self.close(event.code, event.reason or "")

    # -- sending ------------------------------------------------------------------------

    def send(self, text: str) -> None:
        """Send one text message whole.

        :raise Closed: the connection is over.
        """
        if self.closed:
            raise self.closed
        self._send_event(TextMessage(data=text))

    def close(self, code: int = NORMAL, reason: str = "") -> None:
        """Send a close frame (if the connection is still open) and end the connection."""
        if self.closed:
            return
        self.closed = Closed(code, reason)
        try:
            self._send_event(CloseConnection(code=code, reason=reason[:120]))
        except Closed:
            pass

    def _send_event(self, event) -> None:
        try:
            data = self.protocol.send(event)
        except ProtocolError:
            data = b""  # already closing: nothing more may be sent
        self._write(data)

    def _write(self, data: bytes) -> None:
        if not data:
            return
        with self._lock:
            try:
                self.sock.sendall(data)
            except OSError:  # gone, or stopped reading for SEND_TIMEOUT (a SlowClient)
                self.closed = self.closed or Closed(1006, "the client stopped reading")
                raise self.closed from None

    def ping(self) -> None:
        """Ping now (a turn's quiet moment), so proxies see the connection alive."""
        self._pinged = time.monotonic()
        self._send_event(Ping())

    def shutdown(self) -> None:
        """Let go of the socket (gunicorn closes it once the request returns)."""
        try:
            self.sock.shutdown(2)
        except OSError:
            pass


_worker_cap: int | None = None


def limit_per_worker(cap: int) -> None:
    """The most WebSockets one worker process holds (gthread: each holds a thread)."""
    global _worker_cap
    _worker_cap = cap


def worker_cap() -> int | None:
    return _worker_cap


class Slots:
    """Open WebSockets in this process, at most ``limit`` at once."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.used >= self.limit:
                return False
            self.used += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.used -= 1
