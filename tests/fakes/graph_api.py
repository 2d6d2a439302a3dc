"""A loopback server that answers like Meta's Graph API for the WhatsApp Cloud API.

pywa's own HTTP client talks to it (the bridge rewrites graph.facebook.com to its address).
It serves POST /v<version>/<phone id>/messages (recording each request's exact JSON body
and bearer token and answering with a new wamid), GET /v<version>/<phone id> (a number in
``phones``), GET /v<version>/<media id> (a media URL on this server) and GET /media/<media
id> (the bytes); with ``tokens`` set, only those bearer tokens are accepted. A test can script refusals shaped like
Meta's errors: ``fail(code, ...)`` for the next sends, or ``unreachable`` by stopping it;
``hold(n)`` keeps the n-th send unanswered after recording it (the moment to kill a worker),
``garble(n)`` accepts the next n sends but answers with a body the client can't read, and
``drop(n)`` accepts them and closes the connection without any answer.
"""
from __future__ import annotations

import itertools
import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

_ids = itertools.count(1)


@dataclass
class GraphError:
    code: int
    message: str = "scripted failure"
    status: int = 400
    kind: str = "OAuthException"
    details: str = ""


# Meta's own words for the errors tests use.
WINDOW_CLOSED = GraphError(
    131047, "Re-engagement message", 400,
    details="Message failed to send because more than 24 hours have passed since the "
            "customer last replied to this number.")
RATE_LIMITED = GraphError(130429, "Rate limit hit", 400, kind="OAuthException")
SERVER_ERROR = GraphError(131000, "Something went wrong", 500)


class FakeGraph:
    def __init__(self, delay: float = 0.0):
        self.sent: list[dict] = []  # exact JSON bodies of POST .../messages, in order
        self.requests: list[dict] = []  # every request: method, path, token
        self.media: dict[str, bytes] = {}
        self.phones: dict[str, dict] = {}  # phone number id -> GET /v<version>/<id>'s fields
        self.tokens: set[str] | None = None  # when set, other bearer tokens are refused (190)
        self.delay = delay
        self._failures: deque[GraphError] = deque()
        self._hold_at = 0  # the 1-based number of the send to hold, 0 for none
        self.held = threading.Event()  # set when that send has arrived (and is recorded)
        self._release = threading.Event()
        self._garbled = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def start(self) -> "FakeGraph":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def fail(self, *errors: GraphError) -> None:
        """The next sends are refused with these errors, in order."""
        with self._lock:
            self._failures.extend(errors)

    def hold(self, number: int) -> None:
        """Record the ``number``-th send (counting every send so far), set ``held``, and
        answer it only after ``release()``: its sender is stuck between send and mark."""
        with self._lock:
            self._hold_at = number
            self.held.clear()
            self._release.clear()

    def release(self) -> None:
        self._release.set()

    def garble(self, count: int = 1) -> None:
        """Accept the next ``count`` sends (Meta delivers them) but answer each with a 200
        whose body lacks the recipient, which the client fails to read."""
        with self._lock:
            self._garbled += count

    def drop(self, count: int = 1) -> None:
        """Accept the next ``count`` sends, then close the connection without answering."""
        with self._lock:
            self._dropped += count

    def texts(self, to: str | None = None) -> list[str]:
        """The text (or interactive body text) of every message sent, optionally to one number."""
        found = []
        for body in self.sent:
            if to is not None and body.get("to") != to:
                continue
            if body.get("type") == "text":
                found.append(body["text"]["body"])
            elif body.get("type") == "interactive":
                found.append(body["interactive"]["body"]["text"])
        return found

    def _app(self, environ, start_response):
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        with self._lock:
            self.requests.append({"method": request.method, "path": request.path,
                                  "token": auth.removeprefix("Bearer ")})
        if not auth.startswith("Bearer ") or len(auth) <= 7 or (
                self.tokens is not None and auth[7:] not in self.tokens):
            return _error(GraphError(190, "Invalid OAuth access token.", 401))
        if match := re.fullmatch(r"/v[\d.]+/(\w+)/messages", request.path):
            if request.method != "POST":
                return _error(GraphError(100, "Unsupported get request.", 400))
            return self._send(request, match.group(1))
        if match := re.fullmatch(r"/media/(\w+)", request.path):
            data = self.media.get(match.group(1))
            if data is None:
                return Response(b"not found", status=404)
            return Response(data, mimetype="image/jpeg")
        if (match := re.fullmatch(r"/v[\d.]+/(\w+)", request.path)) and \
                match.group(1) in self.phones:
            return Response(json.dumps({**self.phones[match.group(1)], "id": match.group(1)}),
                            mimetype="application/json")
        if match := re.fullmatch(r"/v[\d.]+/(\w+)", request.path):
            if match.group(1) not in self.media:
                return _error(GraphError(100, "Unsupported get request. Object does not "
                                              "exist.", 400, kind="GraphMethodException"))
            data = self.media[match.group(1)]
            return Response(json.dumps({
                "messaging_product": "whatsapp", "id": match.group(1),
                "url": f"{self.url}/media/{match.group(1)}", "mime_type": "image/jpeg",
                "sha256": "0" * 64, "file_size": len(data)}), mimetype="application/json")
        return _error(GraphError(100, "Unknown path components", 400))

    def _send(self, request: Request, phone_id: str) -> Response:
        try:
            body = json.loads(request.get_data())
        except ValueError:
            return _error(GraphError(100, "Invalid parameter", 400))
        if self.delay:
            import time
            time.sleep(self.delay)
        with self._lock:
            self.sent.append(body)
            failure = self._failures.popleft() if self._failures else None
            hold = len(self.sent) == self._hold_at
            garbled = not failure and self._garbled > 0
            self._garbled -= garbled
            dropped = not failure and not garbled and self._dropped > 0
            self._dropped -= dropped
        if hold:
            self.held.set()
            self._release.wait(60)
        if failure is not None:
            return _error(failure)
        if dropped:
            connection = request.environ["werkzeug.socket"]
            connection.shutdown(socket.SHUT_RDWR)
            return Response(status=204)  # never reaches the client
        if body.get("messaging_product") != "whatsapp" or not body.get("to"):
            return _error(GraphError(100, "Invalid parameter", 400))
        wamid = f"wamid.OUT{next(_ids):06d}"
        if garbled:
            return Response(json.dumps({"messaging_product": "whatsapp",
                                        "messages": [{"id": wamid}]}),
                            mimetype="application/json")
        return Response(json.dumps({
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": wamid}]}), mimetype="application/json")


def _error(error: GraphError) -> Response:
    payload = {"error": {"message": f"({error.code}) {error.message}", "type": error.kind,
                         "code": error.code, "fbtrace_id": "AbCdEf123"}}
    if error.details:
        payload["error"]["error_data"] = {"messaging_product": "whatsapp",
                                          "details": error.details}
    return Response(json.dumps(payload), status=error.status, mimetype="application/json")
