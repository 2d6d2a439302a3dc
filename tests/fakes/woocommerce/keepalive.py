"""HTTP keep-alive for werkzeug's server, so clients reuse connections as with a store behind
nginx (the recording's php -S closed each one). Werkzeug closes them because its drain of
unread request bytes would swallow the next request; the fake reads every request whole, so
the drain is pointed at an empty buffer and "Connection: close" is left out.
"""
from __future__ import annotations

import io
import socket
import threading

from werkzeug.serving import WSGIRequestHandler


class Connections:
    """The open client connections of one server, so stopping it can cut them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def add(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.add(connection)

    def discard(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)

    def close_all(self) -> None:
        with self._lock:
            for connection in self._open:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # the client closed it already
            self._open.clear()


def handler_for(connections: Connections) -> type[WSGIRequestHandler]:
    """A request handler class that keeps connections alive and registers them."""

    class KeepAliveHandler(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body leave in separate writes; without this, Nagle's algorithm and
            # delayed ACKs hold each answer on a kept-alive connection for ~40 ms.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connections.add(self.connection)
            # A socket at end-of-file: werkzeug's drain sees it readable, reads the empty
            # buffer below, and stops at once instead of waiting for more bytes.
            self._eof, other = socket.socketpair()
            other.close()

        def finish(self) -> None:
            connections.discard(self.connection)
            self._eof.close()
            super().finish()

        def make_environ(self):
            environ = super().make_environ()  # keeps the real socket and input stream
            self._real = (self.rfile, self.connection)
            self.rfile, self.connection = io.BytesIO(), self._eof
            return environ

        def run_wsgi(self) -> None:
            try:
                super().run_wsgi()
            finally:
                if hasattr(self, "_real"):
                    self.rfile, self.connection = self._real

        def send_header(self, keyword: str, value: str) -> None:
            if keyword.lower() == "connection" and value.lower() == "close":
                return
            super().send_header(keyword, value)

    return KeepAliveHandler
