"""Client connections with deadlines, shared by the bridge's gunicorn workers.

A request must arrive within ``grace`` seconds plus one second for every ``min_rate`` bytes
received, with no silence longer than ``grace``; a read past that raises ``SlowClient``. A
response the client stops reading is cut after ``SEND_TIMEOUT`` of silence.
"""
from __future__ import annotations

import socket
import time

from gunicorn.http.errors import NoMoreData

# Longest a response may wait on a client that doesn't read it (nginx's send_timeout).
SEND_TIMEOUT = 60.0

class SlowClient(NoMoreData, TimeoutError):
    """The client missed its deadline: gunicorn closes quietly (a NoMoreData), a body drain
    gives up (a TimeoutError), and bridge/bodies.py answers 408."""

    def __str__(self) -> str:
        return "the client was too slow"


class Deadlines:
    """A client connection whose reads keep to the request's deadline and whose writes give
    up after ``SEND_TIMEOUT`` of silence: mixed into a socket class (the standard one for
    gthread, gevent's for the gevent worker)."""

    grace = 10.0
    min_rate = 16384

    @classmethod
    def adopt(cls, sock: socket.socket, grace: float, min_rate: int):
        timeout = sock.gettimeout()
        adopted = cls(sock.family, sock.type, sock.proto, fileno=sock.detach())
        adopted.settimeout(timeout)
        adopted.grace, adopted.min_rate = grace, min_rate
        adopted.begin()
        return adopted

    _client_silence: float | None = None  # set by hold_open: a WebSocket's connection

    def begin(self) -> None:
        """A request starts (or a thread takes it up): its deadline counts from now."""
        self._client_started = self._client_heard = time.monotonic()
        self._client_received = 0

    def hold_open(self, silence: float) -> None:
        """The connection became a WebSocket (bridge/websocket.py): from now on only a
        silence longer than ``silence`` ends it, however long it lasts."""
        self.begin()
        self._client_silence = silence

    def _client_left(self) -> float:
        now = time.monotonic()
        if self._client_silence is not None:
            return self._client_heard + self._client_silence - now
        deadline = min(
            self._client_started + self.grace + self._client_received / self.min_rate,
            self._client_heard + self.grace)
        return deadline - now

    @property
    def overdue(self) -> bool:
        return self._client_left() <= 0

    def _client_wait(self) -> float:
        remaining = self._client_left()
        if remaining <= 0:
            raise SlowClient()
        return remaining

    def _client_count(self, size: int) -> None:
        self._client_received += size
        if size:
            self._client_heard = time.monotonic()

    def gather(self, size: int) -> bytes | None:
        """What has arrived, up to ``size`` bytes, without waiting: None when nothing has,
        b"" when the client has closed."""
        self.setblocking(False)
        try:
            data = super().recv(size)
        except (BlockingIOError, InterruptedError):
            return None
        self._client_count(len(data))
        return data

    def recv(self, size: int, flags: int = 0) -> bytes:
        self.settimeout(self._client_wait())
        try:
            data = super().recv(size, flags)
        except TimeoutError:
            raise SlowClient() from None
        self._client_count(len(data))
        return data

    def recv_into(self, buffer, nbytes: int = 0, flags: int = 0) -> int:
        self.settimeout(self._client_wait())
        try:
            count = super().recv_into(buffer, nbytes, flags)
        except TimeoutError:
            raise SlowClient() from None
        self._client_count(count)
        return count

    def send(self, data, flags: int = 0, **green) -> int:
        # gevent's sendall sends through send(..., timeout=what is left of its own)
        if not green:
            self.settimeout(SEND_TIMEOUT)
        try:
            return super().send(data, flags, **green)
        except TimeoutError:
            raise SlowClient() from None

    def sendall(self, data, flags: int = 0) -> None:
        self.settimeout(SEND_TIMEOUT)
        try:
            super().sendall(data, flags)
        except TimeoutError:
            raise SlowClient() from None

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        self.settimeout(SEND_TIMEOUT)
        try:
            return super().sendfile(file, offset, count)
        except TimeoutError:
            raise SlowClient() from None


class ClientSocket(Deadlines, socket.socket):
    """A standard socket with the deadlines (the gthread worker's connections)."""
