"""Trouble on demand (for the next ``times`` requests under a path prefix), and a log of what
clients sent. Error bodies are WordPress-shaped; 500 is WordPress' fatal error, while 429, 502
and 503 use the fake's own codes, since a host in front of WordPress sends those.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

ERRORS = {
    429: ("rest_too_many_requests", "Too many requests. Please slow down."),
    500: ("internal_server_error", "<p>There has been a critical error on this website.</p><p>"
          "<a href=\"https://wordpress.org/documentation/article/faq-troubleshooting/\">"
          "Learn more about troubleshooting WordPress.</a></p>"),
    502: ("rest_bad_gateway", "Bad gateway."),
    503: ("rest_unavailable",
          "Briefly unavailable for scheduled maintenance. Check back in a minute."),
}


@dataclass
class Fault:
    kind: str  # "status", "delay" (then answer), "hang" (then drop), "drop"
    path: str
    times: int
    status: int = 500
    seconds: float = 0.0
    retry_after: int | None = None
    body: dict | None = None

    def error_body(self) -> dict:
        if self.body is not None:
            return self.body
        code, message = ERRORS.get(self.status, ("rest_error", "Error."))
        body = {"code": code, "message": message, "data": {"status": self.status}}
        if self.status == 500:
            body["additional_errors"] = []
        return body


class Faults:
    """Queued faults, taken in order by the requests they match."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self.waiting = 0  # requests a delay or hang holds right now
        self._released = threading.Event()

    def wait(self, fault: Fault) -> None:
        """Hold the request for the fault's seconds (or until ``release``), counted in
        ``waiting``: a test sees that a client gave up while the server still held it."""
        with self._lock:
            self.waiting += 1
        self._released.wait(fault.seconds)
        with self._lock:
            self.waiting -= 1

    def release(self) -> None:
        """End every wait now and from now on (the server is stopping)."""
        self._released.set()

    def fail(self, status: int, *, times: int = 1, path: str = "",
             retry_after: int | None = None, body: dict | None = None) -> None:
        """Answer ``status`` with a WordPress-shaped error (and Retry-After if given)."""
        self._add(Fault("status", path, times, status=status, retry_after=retry_after,
                        body=body))

    def delay(self, seconds: float, *, times: int = 1, path: str = "") -> None:
        """Wait, then answer normally (latency)."""
        self._add(Fault("delay", path, times, seconds=seconds))

    def hang(self, seconds: float, *, times: int = 1, path: str = "") -> None:
        """Say nothing for ``seconds``, then drop the connection (a client's timeout)."""
        self._add(Fault("hang", path, times, seconds=seconds))

    def drop(self, *, times: int = 1, path: str = "") -> None:
        """Close the connection without answering."""
        self._add(Fault("drop", path, times))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def take(self, path: str) -> Fault | None:
        """The first fault matching ``path``, counted down."""
        with self._lock:
            for fault in self._queue:
                if path.startswith(fault.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._queue.remove(fault)
                    return fault
        return None

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._queue.append(fault)


@dataclass(frozen=True)
class Logged:
    """One request as received. ``client_port`` names its TCP connection: requests sharing a
    port came over one kept-alive connection."""
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    client_port: int

    def arg(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)


@dataclass
class RequestLog:
    entries: list[Logged] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: Logged) -> None:
        with self._lock:
            self.entries.append(entry)

    def to(self, path_prefix: str) -> list[Logged]:
        """The requests whose path starts with ``path_prefix``, in order."""
        with self._lock:
            return [e for e in self.entries if e.path.startswith(path_prefix)]

    def connections(self) -> set[int]:
        """The client ports seen: one per TCP connection."""
        with self._lock:
            return {e.client_port for e in self.entries}

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()
