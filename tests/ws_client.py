"""A blocking WebSocket client for tests and benchmarks, on wsproto (the library the bridge
speaks the protocol with, driven here from the client's side): connect, send JSON frames,
read JSON frames, and the close code the server ended with."""
from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Ping,
                            RejectConnection, RejectData, Request, TextMessage)


class Rejected(Exception):
    """The server answered the upgrade with HTTP: ``status`` and ``body``."""

    def __init__(self, status: int, body: bytes):
        super().__init__(f"{status} {body[:200]!r}")
        self.status, self.body = status, body


class WSClient:
    def __init__(self, url: str, headers: dict | None = None, timeout: float = 30.0):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.protocol = WSConnection(ConnectionType.CLIENT)
        self.messages: list = []
        self.close_code: int | None = None
        self.close_reason = ""
        target = parts.path + ("?" + parts.query if parts.query else "")
        self.sock.sendall(self.protocol.send(Request(
            host=f"{parts.hostname}:{parts.port}", target=target,
            extra_headers=[(k.encode(), v.encode()) for k, v in (headers or {}).items()])))
        status, body = None, b""
        while True:
            for event in self._events():
                if isinstance(event, AcceptConnection):
                    return
                if isinstance(event, RejectConnection):
                    status = event.status_code
                    if not event.has_body:
                        raise Rejected(status, b"")
                elif isinstance(event, RejectData):
                    body += event.data
                    if event.body_finished:
                        raise Rejected(status, body)

    def _events(self):
        data = self.sock.recv(65536)
        self.protocol.receive_data(data or None)
        for event in self.protocol.events():
            if isinstance(event, Ping):
                self.sock.sendall(self.protocol.send(event.response()))
            yield event

    def send(self, frame) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        self.sock.sendall(self.protocol.send(TextMessage(data=text)))

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(self.protocol.send(BytesMessage(data=data)))

    def receive(self) -> dict | None:
        """The next frame as JSON; None once the server has closed (``close_code``)."""
        parts: list[str] = []
        while not self.messages:
            if self.close_code is not None:
                return None
            try:
                events = list(self._events())
            except OSError:
                self.close_code = self.close_code or 1006
                return None
            for event in events:
                if isinstance(event, TextMessage):
                    parts.append(event.data)
                    if event.message_finished:
                        self.messages.append(json.loads("".join(parts)))
                        parts = []
                elif isinstance(event, CloseConnection):
                    self.close_code, self.close_reason = event.code, event.reason or ""
                    try:
                        self.sock.sendall(self.protocol.send(event.response()))
                    except Exception:
                        pass
        return self.messages.pop(0)

    def turn(self, body: dict) -> list[dict]:
        """Send a message frame; the frames up to its done or error."""
        self.send({"type": "message", **body})
        frames = []
        while True:
            frame = self.receive()
            if frame is None:
                return frames
            frames.append(frame)
            if frame["type"] in ("done", "error"):
                return frames

    def close(self) -> None:
        try:
            self.sock.sendall(self.protocol.send(CloseConnection(code=1000)))
        except Exception:
            pass
        self.sock.close()

    def __enter__(self) -> "WSClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
