"""Under the gevent worker every wait a turn makes yields to the other greenlets: the model
SDK (httpx), requests (WooCommerce), PostgreSQL (psycopg, imported before the patch by the
master's migration) and Redis. tests/green_probe.py runs the waits in a patched process."""
import json
import subprocess
import sys
import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from fakes.anthropic_api import FakeAnthropic, Message, Text
from served import ROOT


@Request.application
def slow(request):
    time.sleep(0.5)
    return Response("late", mimetype="text/plain")


@pytest.fixture
def slow_url():
    server = make_server("127.0.0.1", 0, slow, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def probe(*urls) -> dict:
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "green_probe.py"), *urls],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_driver_a_turn_waits_on_yields_under_gevent(slow_url, postgres_url, redis_url):
    fake = FakeAnthropic().start()
    fake.reply(Message([Text("one two three four five six")], pace=0.1))
    try:
        ticks = probe(slow_url, fake.url, postgres_url, redis_url)
    finally:
        fake.stop()
    assert ticks.pop("blocking") == 0  # the probe tells a blocking wait
    assert set(ticks) == {"requests", "httpx", "anthropic", "postgresql", "redis"}
    assert all(count > 0 for count in ticks.values()), ticks
