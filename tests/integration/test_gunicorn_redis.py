"""Two gunicorn workers sharing this machine's Redis: one client's burst passes the limit
exactly, whichever worker answers each request."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from served import ServedBridge

SECRET = "gunicorn-test-secret"


@pytest.fixture
def two_workers(tmp_path, redis_url):
    env = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_RATELIMIT_STORAGE": redis_url,
           "FAHAD_RATE_LIMIT": "20", "FAHAD_RATE_WINDOW": "60"}
    with ServedBridge(tmp_path / "bridge", env, how="conf", workers=2, threads=16,
                      args=("--access-logfile", "/dev/null")) as bridge:
        yield bridge.url


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
