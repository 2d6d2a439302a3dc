"""Slow and oversized request bodies against the real server (`fahad-bridge serve`, with each
worker kind): clients
that trickle are cut (408) instead of holding every thread, /healthz still answers, a
chunked body is held to its route's cap (413), and a client sending a 6 MiB photo reads its
413 instead of a reset connection."""
import io
import json
import socket
import threading
import time

import numpy as np
import pytest
import requests
from PIL import Image

from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from served import ServedBridge

SECRET = "slow-clients-secret"
THREADS = 4
# The server's deadlines, short so the test is quick: 1 s, plus 1 s per KiB received.
ENV = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_CLIENT_TIMEOUT": "1",
       "FAHAD_CLIENT_MIN_RATE": "1024", "FAHAD_RATE_LIMIT": "100000"}
# A trickling client gives up on its own only after this; the server must cut it long before.
PATIENCE = 60


@pytest.fixture(scope="module", params=["gthread", "gevent"])
def bridge(tmp_path_factory, request):
    # gevent has no threads to hold, but the same deadlines and the same body budget
    server = ServedBridge(tmp_path_factory.mktemp("slow") / "bridge",
                          {**ENV, "FAHAD_WORKER": request.param}, threads=THREADS).start()
    yield server
    server.stop()


def head(path: str, length: int | None, content_type="application/json") -> bytes:
    size = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (f"POST {NAMESPACE}{path} HTTP/1.1\r\nHost: bridge.test\r\n"
            f"X-WP-Nonce: {issue_nonce(SECRET)}\r\nContent-Type: {content_type}\r\n"
            f"{size}\r\n\r\n").encode()


def connect(url: str, send_buffer: int | None = None) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    if send_buffer:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.settimeout(PATIENCE)
    sock.connect((host, int(port)))
    return sock


def read_answer(sock: socket.socket) -> tuple[int, dict]:
    """The status and JSON body of the one answer on ``sock``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed without an answer after {data!r}"
        data += chunk
    headers, body = data.split(b"\r\n\r\n", 1)
    length = int(next(line.split(b":")[1] for line in headers.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")))
    while len(body) < length:
        body += sock.recv(65536)
    return int(headers.split()[1]), json.loads(body)


class Trickler(threading.Thread):
    """Sends ``start``, then a byte every quarter second until the server stops listening."""

    def __init__(self, url: str, start: bytes):
        super().__init__(daemon=True)
        self.sock = connect(url)
        self.start_bytes = start
        self.sent = 0
        self.cut = False
        self.answer: bytes = b""

    def run(self):
        self.sock.sendall(self.start_bytes)
        began = time.monotonic()
        try:
            while time.monotonic() - began < PATIENCE:
                self.sock.sendall(b"x")
                self.sent += 1
                time.sleep(0.25)
        except OSError:
            self.cut = True
        try:
            self.answer = self.sock.recv(65536)
            self.cut = True if not self.answer else self.cut
        except OSError:
            self.cut = True
        self.sock.close()


def trickle(url: str, start: bytes, count: int) -> list[Trickler]:
    clients = [Trickler(url, start) for _ in range(count)]
    for client in clients:
        client.start()
    while min(c.sent for c in clients) < 2 and not any(c.cut for c in clients):
        time.sleep(0.05)  # until every one of them is being read by the server
    return clients


@pytest.mark.parametrize("start", [
    head("/cart", 10_000), head("/visual-search", 1_000_000),
    head("/message", None) + b"ffff\r\n",  # a chunk of 64 KiB, coming a byte at a time
], ids=["small, gathered", "large, gathered", "chunked, read by a thread"])
def test_trickling_bodies_are_cut_with_408_and_healthz_answers(bridge, start):
    clients = trickle(bridge.url, start, 3 * THREADS)
    # Without deadlines each thread reads a trickle for as long as it lasts: /healthz waits.
    for _ in range(5):
        assert requests.get(bridge.url + "/healthz", timeout=PATIENCE / 2).status_code == 200
    for client in clients:
        client.join(PATIENCE + 5)
        assert client.cut, "the server let a trickling body go on"
        status, _, rest = client.answer.partition(b"\r\n")
        assert status == b"HTTP/1.1 408 Request Timeout", client.answer[:200]
        assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["code"] == "fahad_ai_request_timeout"


def test_more_trickling_uploads_than_a_worker_gathers_at_once_wait_their_turn(bridge):
    # 100 heads announcing 1 MB each: 64 fit under the worker's 64 MiB, the rest wait
    clients = trickle(bridge.url, head("/visual-search", 1_000_000), 100)
    assert requests.get(bridge.url + "/healthz", timeout=PATIENCE / 2).status_code == 200
    for client in clients:
        client.join(PATIENCE + 5)
        assert client.cut and client.answer.startswith(b"HTTP/1.1 408 ")


def test_trickling_headers_are_cut(bridge):
    start = f"GET {NAMESPACE}/agent/llms HTTP/1.1\r\nHost: bridge.test\r\nX-Slow: ".encode()
    clients = trickle(bridge.url, start, 3 * THREADS)
    assert requests.get(bridge.url + "/healthz", timeout=PATIENCE / 2).status_code == 200
    for client in clients:
        client.join(PATIENCE + 5)
        assert client.cut and client.answer == b""  # no request was read: closed, no answer


def test_a_slow_client_above_the_minimum_rate_is_served(bridge):
    text = "hoodie " * 28_000  # ~200 KB, under /message's 256 KiB
    body = json.dumps({"messages": [{"role": "user", "content": "hoodies"},
                                    {"role": "assistant", "content": text[:3900]}] * 25
                      + [{"role": "user", "content": "hoodies under $50"}]}).encode()
    sock = connect(bridge.url)
    sock.sendall(head("/message", len(body)))
    for start in range(0, len(body), 4096):  # about 80 KiB/s: 80 times the minimum
        sock.sendall(body[start:start + 4096])
        time.sleep(0.05)
    status, answer = read_answer(sock)
    sock.close()
    assert status == 200 and answer["cards"], answer


def test_a_photo_of_a_few_mib_is_gathered_and_searched(bridge):
    noise = (np.random.default_rng(1).random((1700, 1700, 3)) * 255).astype("uint8")
    photo = io.BytesIO()
    Image.fromarray(noise).save(photo, "JPEG", quality=95)
    assert len(photo.getvalue()) > 3 * 1024 * 1024
    response = requests.post(bridge.url + NAMESPACE + "/visual-search", timeout=PATIENCE,
                             headers={"X-WP-Nonce": issue_nonce(SECRET)},
                             files={"image": ("photo.jpg", photo.getvalue(), "image/jpeg")})
    assert response.status_code == 200 and response.json()["available"] is True


def chunked(body: bytes, size: int = 8192):
    for start in range(0, len(body), size):
        yield body[start:start + size]


def test_a_chunked_body_gets_its_routes_cap_as_413(bridge):
    over = json.dumps({"messages": [{"role": "user", "content": "x" * 300_000}]}).encode()
    response = requests.post(bridge.url + NAMESPACE + "/message", data=chunked(over),
                             headers={"X-WP-Nonce": issue_nonce(SECRET),
                                      "Content-Type": "application/json"}, timeout=PATIENCE)
    assert response.status_code == 413 and response.json() == {
        "code": "fahad_ai_too_large", "message": "The request body is too large.",
        "data": {"status": 413}}
    cart = requests.post(bridge.url + NAMESPACE + "/cart", data=chunked(b" " * 20_000),
                         headers={"X-WP-Nonce": issue_nonce(SECRET)}, timeout=PATIENCE)
    assert cart.status_code == 413
    fine = json.dumps({"messages": [{"role": "user", "content": "hoodies under $50"}]})
    answer = requests.post(bridge.url + NAMESPACE + "/message", data=chunked(fine.encode(), 7),
                           headers={"X-WP-Nonce": issue_nonce(SECRET),
                                    "Content-Type": "application/json"}, timeout=PATIENCE)
    assert answer.status_code == 200 and answer.json()["cards"]


@pytest.mark.parametrize("path", ["/visual-search", "/cart"])
def test_a_client_sending_a_6_mib_photo_reads_its_413(bridge, path):
    boundary = "photo-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; "
            f"filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() \
        + b"\xff\xd8\xff\xe0" + bytes(6 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    # A small send buffer and a paced upload, like a phone's: the client is still sending
    # when the answer is ready.
    sock = connect(bridge.url, send_buffer=32 * 1024)
    sock.sendall(head(path, len(body), f"multipart/form-data; boundary={boundary}"))
    for start in range(0, len(body), 256 * 1024):
        sock.sendall(body[start:start + 256 * 1024])  # raises if the server reset the upload
        time.sleep(0.01)
    status, answer = read_answer(sock)
    sock.close()
    assert status == 413 and answer["code"] == "fahad_ai_too_large"
