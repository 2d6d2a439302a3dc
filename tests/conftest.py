"""Fixtures: settings, app and client per test, plus helpers that act as a shopper (with a
standalone nonce) and as the WordPress plugin (signing a context), and real services."""
from __future__ import annotations

import json
import os
import secrets
import socket
import time
from urllib.parse import urlsplit

import pytest

from bridge import create_app, db
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce, sign_context
from bridge.settings import Settings

SECRET = "test-bridge-secret"
# Set by .ci/run: a test that needs a service the machine lacks fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("FAHAD_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("FAHAD_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("FAHAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def pytest_addoption(parser):
    parser.addoption(
        "--clock", metavar="ISO-8601",
        help="start every test with the wall clock faked to this UTC instant, ticking on from "
             "there (time-machine), e.g. 2026-03-01T23:59:59Z; monotonic clocks stay real")


@pytest.fixture(autouse=True)
def fake_clock(request):
    """With --clock, each test (and its function fixtures) starts at that instant."""
    instant = request.config.getoption("--clock")
    if not instant:
        yield None
        return
    import time_machine

    with time_machine.travel(instant.replace("Z", "+00:00"), tick=True) as traveller:
        yield traveller


def service_missing(what: str) -> None:
    """Skip a test whose service is absent, or fail it when CI requires every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (FAHAD_REQUIRE_SERVICES=1) but not reachable")
    pytest.skip(f"{what} not reachable")


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET,
                    public_url="http://shop.test")


def make_app(settings: Settings, start: bool = False):
    """A test app on a migrated database; with ``start``, its background work runs too
    (the catalogue worker, WhatsApp's runner), as in a server's worker."""
    db.migrate(settings)
    app = create_app(settings)
    app.config["TESTING"] = True
    if start:
        app.extensions["fahad"].start()
    return app


@pytest.fixture
def app(settings):
    app = make_app(settings)
    yield app
    app.extensions["fahad"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class Shopper:
    """A storefront client in standalone mode: a nonce, a cookie jar, one IP."""

    def __init__(self, client, secret: str = SECRET, ip: str = "198.51.100.7"):
        self.client = client
        self.nonce = issue_nonce(secret)
        self.ip = ip

    def post(self, path: str, body=None, *, raw: bytes | None = None, headers=None,
             content_type: str = "application/json"):
        headers = {"X-WP-Nonce": self.nonce, **(headers or {})}
        data = raw if raw is not None else json.dumps(body)
        return self.client.post(NAMESPACE + path, data=data, headers=headers,
                                content_type=content_type,
                                environ_base={"REMOTE_ADDR": self.ip})

    def say(self, text: str, history=None, conversation_ref=None):
        messages = list(history or []) + [{"role": "user", "content": text}]
        body = {"messages": messages}
        if conversation_ref:
            body["conversation_ref"] = conversation_ref
        return self.post("/message", body)

    def cart(self, action: str, **fields):
        return self.post("/cart", {"action": action, **fields})


class WordPress:
    """Acts as the plugin: forwards requests with a signed context."""

    def __init__(self, client, secret: str = SECRET):
        self.client = client
        self.secret = secret

    def context(self, uid=0, caps=(), ip="203.0.113.7", iat=None, **extra) -> dict:
        return {"uid": uid, "caps": list(caps), "ip": ip,
                "iat": int(time.time()) if iat is None else iat, **extra}

    def request(self, method: str, path: str, body=None, context=None, *, secret=None,
                query: str = "", raw: bytes | None = None,
                content_type: str = "application/json"):
        if raw is None:
            raw = b"" if body is None else json.dumps(body).encode()
        url = NAMESPACE + path + (f"?{query}" if query else "")
        value, signature = sign_context(secret or self.secret, context or self.context(),
                                        method, url, raw)
        return self.client.open(url, method=method, data=raw,
                                content_type=content_type,
                                headers={"X-Fahad-Context": value,
                                         "X-Fahad-Signature": signature})

    def post(self, path: str, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)


@pytest.fixture
def shopper(client):
    return Shopper(client)


@pytest.fixture
def wordpress(client):
    return WordPress(client)


@pytest.fixture
def store(app):
    return app.extensions["fahad"].store


@pytest.fixture
def postgres_url():
    """A fresh schema on the machine's PostgreSQL, dropped afterwards."""
    if not reachable(POSTGRES_URL):
        service_missing("PostgreSQL at " + POSTGRES_URL)
    import sqlalchemy as sa

    schema = "t_" + secrets.token_hex(6)
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def redis_url():
    if not reachable(REDIS_URL):
        service_missing("Redis at " + REDIS_URL)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def fake():
    """The loopback WooCommerce built from the recordings in ../shared/woocommerce."""
    from fakes.woocommerce import FakeWooCommerce

    server = FakeWooCommerce().start()
    yield server
    server.stop()


@pytest.fixture
def quick_retries(monkeypatch):
    """The WooCommerce adapter retries without its production back-off."""
    from bridge.store.woocommerce import http

    monkeypatch.setattr(http, "BACKOFF", (0.01, 0.02))


@pytest.fixture
def fake_anthropic():
    """A loopback Anthropic Messages API, scripted by the test."""
    from fakes.anthropic_api import FakeAnthropic

    server = FakeAnthropic().start()
    yield server
    server.stop()


@pytest.fixture
def claude_settings(settings, fake_anthropic):
    """Settings with Claude first in the chain, talking to the loopback API."""
    return settings.replace(providers=("anthropic", "offline"), anthropic_api_key="sk-test-key",
                            anthropic_base_url=fake_anthropic.url, model_timeout=3.0,
                            model_max_retries=0)


@pytest.fixture
def claude_app(claude_settings):
    app = make_app(claude_settings)
    yield app
    app.extensions["fahad"].engine.dispose()


@pytest.fixture
def claude_shopper(claude_app):
    return Shopper(claude_app.test_client())


def sse_events(text: str) -> list[tuple[str, dict]]:
    """The (type, data) of each SSE frame; comment lines are skipped."""
    found = []
    for block in text.strip().split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith(":")]
        if not lines:
            continue
        event = next(line[7:] for line in lines if line.startswith("event: "))
        data = json.loads(next(line[6:] for line in lines if line.startswith("data: ")))
        assert data["type"] == event
        found.append((event, data))
    return found


WA_VERIFY_TOKEN = "wa-verify-token"
WA_APP_SECRET = "wa-app-secret"
WA_ACCESS_TOKEN = "EAAwa-test-token"


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


@pytest.fixture
def fake_graph():
    """A loopback Graph API (WhatsApp Cloud API) recording what the bridge sends."""
    from fakes.graph_api import FakeGraph

    server = FakeGraph().start()
    yield server
    server.stop()


def whatsapp_config(settings: Settings, graph_url: str, **changes) -> Settings:
    from fakes.meta import PHONE_ID

    return settings.replace(**{
        "whatsapp_verify_token": WA_VERIFY_TOKEN, "whatsapp_app_secret": WA_APP_SECRET,
        "whatsapp_access_token": WA_ACCESS_TOKEN, "whatsapp_phone_number_id": PHONE_ID,
        "whatsapp_api_base": graph_url, "whatsapp_poll_interval": 0.2,
        "providers": ("offline",), **changes})


@pytest.fixture
def wa_settings(settings, fake_graph):
    return whatsapp_config(settings, fake_graph.url)


@pytest.fixture
def wa_app(wa_settings):
    app = make_app(wa_settings, start=True)
    yield app
    app.extensions["fahad"].stop()
    app.extensions["whatsapp"].stop()
    app.extensions["fahad"].engine.dispose()


@pytest.fixture
def meta(wa_app):
    from fakes.meta import Meta

    return Meta(wa_app.test_client(), WA_APP_SECRET)
