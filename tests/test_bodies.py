"""Request bodies are read whole before a view runs, held to their route's cap whether sized or
chunked; too large is 413 (after reading what a client still sends, within reason), too slow
408, unreadable 400, all in WordPress's error shape."""
import io
import json

import pytest

from bridge.bodies import DRAIN
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from conftest import SECRET

TURN = json.dumps({"messages": [{"role": "user", "content": "hoodies under $50"}]}).encode()


class Stream(io.BytesIO):
    """A request body that counts what was read of it, and can fail after some bytes."""

    def __init__(self, data: bytes, fail_after: int | None = None, error=TimeoutError):
        super().__init__(data)
        self.fail_after, self.error = fail_after, error

    def read(self, size=-1):
        if self.fail_after is not None:
            if self.tell() >= self.fail_after:
                raise self.error("the client stopped")
            size = self.fail_after - self.tell() if size < 0 else \
                min(size, self.fail_after - self.tell())
        return super().read(size)


def post(client, path, stream, length=None):
    headers = {"X-WP-Nonce": issue_nonce(SECRET), "Content-Type": "application/json"}
    environ = {"wsgi.input": stream, "wsgi.input_terminated": True}
    if length is None:
        headers["Transfer-Encoding"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return client.post(NAMESPACE + path, headers=headers, environ_overrides=environ)


def refused(response, status, code):
    assert response.status_code == status and response.get_json() == {
        "code": code, "message": response.get_json()["message"], "data": {"status": status}}


def test_a_chunked_body_under_its_cap_reaches_the_view(client):
    response = post(client, "/message", Stream(TURN))
    assert response.status_code == 200 and response.get_json()["cards"]


@pytest.mark.parametrize("path, size", [("/message", 256 * 1024 + 1), ("/cart", 16 * 1024 + 1),
                                        ("/no-such-route", 16 * 1024 + 1)])
def test_a_chunked_body_over_its_routes_cap_is_413(client, path, size):
    stream = Stream(b"{" + b" " * size)
    refused(post(client, path, stream), 413, "fahad_ai_too_large")
    assert stream.tell() == len(stream.getvalue())  # read to its end, so the client sees it


def test_a_sized_body_over_its_cap_is_read_off_and_refused_unread_by_the_view(client):
    stream = Stream(b"x" * (6 * 1024 * 1024))
    refused(post(client, "/visual-search", stream, len(stream.getvalue())), 413,
            "fahad_ai_too_large")
    assert stream.tell() == len(stream.getvalue())


def test_a_body_beyond_what_is_worth_reading_is_refused_without_reading_it(client):
    stream = Stream(b"x" * 1024)
    refused(post(client, "/cart", stream, DRAIN + 1), 413, "fahad_ai_too_large")
    assert stream.tell() == 0


def test_a_client_too_slow_for_the_deadline_is_408(client):
    refused(post(client, "/message", Stream(TURN, fail_after=10), len(TURN)), 408,
            "fahad_ai_request_timeout")
    refused(post(client, "/message", Stream(TURN, fail_after=10)), 408,
            "fahad_ai_request_timeout")


@pytest.mark.parametrize("stream, length", [
    (Stream(TURN), len(TURN) + 100),  # cut short
    (Stream(TURN, fail_after=5, error=ValueError), None),  # chunks that don't parse
], ids=["cut short", "bad chunks"])
def test_a_body_that_cannot_be_read_is_400(client, stream, length):
    refused(post(client, "/message", stream, length), 400, "fahad_ai_invalid_body")


def test_a_signed_context_still_verifies_over_a_body_read_ahead(wordpress):
    # the plugin signs the raw body; reading it before the view changes nothing
    response = wordpress.post("/cart", {"action": "view"})
    assert response.status_code == 200
