"""Run by tests/integration/test_green.py in a process of its own: import what the gunicorn
master imports (the whole CLI, a PostgreSQL engine, the SDKs), then patch as the gevent
worker does, then wait on each driver in one greenlet while another ticks. Prints, as JSON,
how many ticks each wait let through: 0 means the wait blocked the whole worker.

    python tests/green_probe.py SLOW_HTTP_URL ANTHROPIC_URL POSTGRES_URL|- REDIS_URL|-
"""
import json
import sys

import anthropic  # noqa: F401  (imported before the patch, like the master does)
import bridge.cli  # noqa: F401
import redis
import requests
import sqlalchemy as sa

slow_url, anthropic_url, postgres_url, redis_url = sys.argv[1:5]
engine = None
if postgres_url != "-":
    engine = sa.create_engine(postgres_url)
    with engine.connect() as connection:  # psycopg loaded and its wait function chosen
        connection.execute(sa.text("SELECT 1"))
    engine.dispose()

from bridge.server.green import patch_process  # noqa: E402

patch_process()

import gevent  # noqa: E402
import gevent.monkey  # noqa: E402
import httpx2  # noqa: E402

from bridge.agent.providers.clients import anthropic_client  # noqa: E402
from bridge.settings import Settings  # noqa: E402


def ticks_during(wait) -> int:
    ticks, done = [], []

    def ticker():
        while not done:
            gevent.sleep(0.02)
            ticks.append(1)
    ticking = gevent.spawn(ticker)
    gevent.sleep(0)  # the ticker is running

    def waiter():
        wait()
        done.append(len(ticks))
    gevent.joinall([gevent.spawn(waiter)], raise_error=True)
    ticking.kill()
    return done[0]


def claude():
    client = anthropic_client(Settings(anthropic_api_key="k", anthropic_base_url=anthropic_url,
                                       model_max_retries=0))
    with client.messages.stream(model="m", max_tokens=10,
                                messages=[{"role": "user", "content": "hi"}]) as stream:
        for _ in stream.text_stream:
            pass


waits = {
    # the probe's own check: a wait that blocks the worker lets no tick through
    "blocking": lambda: gevent.monkey.get_original("time", "sleep")(0.3),
    "requests": lambda: requests.get(slow_url, timeout=10),
    "httpx": lambda: httpx2.get(slow_url, timeout=10),
    "anthropic": claude,
}
if engine is not None:
    green_engine = sa.create_engine(postgres_url)

    def pg_sleep():
        with green_engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_sleep(0.5)"))
    waits["postgresql"] = pg_sleep
if redis_url != "-":
    client = redis.Redis.from_url(redis_url)
    waits["redis"] = lambda: client.blpop(["fahad-green-probe"], timeout=1)
print(json.dumps({name: ticks_during(wait) for name, wait in waits.items()}))
