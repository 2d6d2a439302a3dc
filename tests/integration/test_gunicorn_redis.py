"""Two gunicorn workers sharing this machine's Redis: one client's burst passes the limit
exactly, whichever worker answers each request."""
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from bridge.routes import NAMESPACE
from bridge.security import issue_nonce

ROOT = Path(__file__).resolve().parents[2]
SECRET = "gunicorn-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_workers(tmp_path, redis_url):
    port = free_port()
    env = {**os.environ, "FAHAD_DATA_DIR": str(tmp_path), "FAHAD_BRIDGE_SECRET": SECRET,
           "FAHAD_RATELIMIT_STORAGE": redis_url, "FAHAD_RATE_LIMIT": "20",
           "FAHAD_RATE_WINDOW": "60"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "16",
         "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or still loading the app
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode()[-2000:])
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def test_one_client_sending_100_at_once_gets_exactly_the_limit(two_workers):
    nonce = issue_nonce(SECRET)
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=100))

    def send(_):
        return session.post(two_workers + NAMESPACE + "/cart", json={"action": "view"},
                            headers={"X-WP-Nonce": nonce}, timeout=30)
    with ThreadPoolExecutor(100) as pool:
        responses = list(pool.map(send, range(100)))
    statuses = [r.status_code for r in responses]
    assert statuses.count(200) == 20, statuses
    assert statuses.count(429) == 80
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["code"] == "fahad_ai_rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
