"""Redis and the database down: the rate limit falls back to this process's memory (same
gates, same headers, a logged warning), routes that need the database answer 503
fahad_ai_database_unavailable, and /healthz names the dependency that is degraded or down."""
import logging
import socket
import sqlite3

import pytest
import sqlalchemy as sa

from bridge import create_app, health
from bridge.routes import NAMESPACE, ROUTES
from bridge.security import issue_nonce
from conftest import Shopper, WordPress, make_app
from test_gates import BODIES, Upload

MANAGER = ["manage_woocommerce"]


def dead_port() -> int:
    """A loopback port nothing listens on: bound once for a free number, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def poll_health(client):
    """Status and body, less the visual rankers (test_visual_embedding.py checks those)."""
    response = client.get("/healthz")
    body = response.get_json()
    assert set(body.pop("visual")) == {"rankers", "off"}
    assert body.pop("search") in ("hybrid", "lexical")  # how search ranks: tested below
    return response.status_code, body


def test_health_says_whether_search_is_hybrid_or_lexical(settings):
    from bridge.catalog import semantic
    lexical = make_app(settings.replace(search_semantic=False)).test_client()
    assert lexical.get("/healthz").get_json()["search"] == "lexical"
    expected = "lexical" if semantic.load()[0] is None else "hybrid"
    assert make_app(settings).test_client().get("/healthz").get_json()["search"] == expected


# -- the rate-limit store -------------------------------------------------------------

@pytest.fixture
def redis_down(settings):
    app = make_app(settings.replace(ratelimit_storage=f"redis://127.0.0.1:{dead_port()}/0",
                                    rate_limit=3))
    yield app
    app.extensions["fahad"].engine.dispose()


def test_with_redis_down_the_limit_holds_in_memory_with_its_headers(redis_down, caplog):
    shopper = Shopper(redis_down.test_client())
    with caplog.at_level(logging.WARNING):
        answers = [shopper.post("/feedback", {"rating": "up"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    for answer in answers:
        assert answer.headers["X-RateLimit-Limit"] == "3" and "X-RateLimit-Reset" in answer.headers
    refused = answers[3]
    assert refused.get_json()["code"] == "fahad_ai_rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert any("falling back to in-memory" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


def test_with_redis_down_the_gates_keep_their_order(redis_down):
    client = redis_down.test_client()
    forged = Shopper(client)
    forged.nonce = "forged"
    for _ in range(5):  # refused before the rate limit: nothing counted
        assert forged.post("/feedback", {"rating": "up"}).status_code == 403
    shopper = Shopper(client)
    assert shopper.post("/feedback", {"rating": "up"}).headers["X-RateLimit-Remaining"] == "2"


def test_with_redis_down_agents_keep_their_own_limit(redis_down):
    response = redis_down.test_client().get(NAMESPACE + "/agent/search?q=hoodie")
    assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "120"


def test_with_redis_down_health_says_the_rate_limit_is_degraded(redis_down):
    client = redis_down.test_client()
    assert poll_health(client) == (200, {"ok": True, "checks": {"database": "ok",
                                                           "ratelimit": "degraded"}})


@pytest.mark.needs_redis
def test_with_redis_up_health_says_ok_and_the_limit_is_shared(settings, redis_url):
    app = make_app(settings.replace(ratelimit_storage=redis_url, rate_limit=3))
    try:
        client = app.test_client()
        assert poll_health(client) == (200, {"ok": True, "checks": {"database": "ok",
                                                               "ratelimit": "ok"}})
        answer = Shopper(client).post("/feedback", {"rating": "up"})
        assert answer.status_code == 200 and answer.headers["X-RateLimit-Remaining"] == "2"
        import redis
        assert redis.Redis.from_url(redis_url).keys("LIMITS*")  # counted in Redis, not here
    finally:
        app.extensions["fahad"].engine.dispose()


def test_health_on_the_embedded_default(client):
    assert poll_health(client) == (200, {"ok": True, "checks": {"database": "ok",
                                                           "ratelimit": "ok"}})


# -- the database ---------------------------------------------------------------------

@pytest.fixture
def database_down(settings):
    """A bridge whose PostgreSQL is on a port where nothing listens (never migrated: it
    was never reachable)."""
    app = create_app(settings.replace(
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{dead_port()}/test"))
    app.config["TESTING"] = True
    yield app
    app.extensions["fahad"].engine.dispose()


# What each route answers with the database down (the demo store, standalone). The chat,
# carts (the demo store keeps them in the database), feedback and the copilot's own numbers
# need it; the agent gateway and visual search read the local index only.
WITHOUT_DATABASE = {
    "/message": 503, "/stream": 503, "/cart": 503, "/feedback": 503, "/visual-search": 200,
    "/admin/insights": 503, "/admin/sale-candidates": 200, "/admin/product-context": 503,
    "/admin/review-drafts": 200,
    "/agent/llms": 200, "/agent/catalog": 200, "/agent/search": 200, "/agent/product": 200,
    "/agent/checkout-handoff": 200, "/agent/feed": 200, "/agent/mcp": 200,
    # Not configured on the embedded default: refused at the gate, before any storage.
    "/whatsapp": 403, "/webhooks/woocommerce": 403,
    # Signed contexts only: an unsigned request is refused at the gate, before any storage.
    "/doctor": 403,
    # The inbox lives in the bridge's database: a handoff, a shopper's view of their
    # conversation and every inbox route wait for it.
    "/handoff": 503, "/conversation": 503, "/conversation/erase": 503,
    "/admin/conversations": 503,
    "/admin/conversation": 503, "/admin/conversation/reply": 503,
    "/admin/conversation/take-over": 503, "/admin/conversation/hand-back": 503,
    "/admin/conversation/resolve": 503, "/admin/conversation/erase": 503,
    "/admin/webhook-deliveries": 503, "/admin/inbox-insights": 503,
    # API keys live in the bridge's database; a request without a key, or a shopper's
    # without a signed context, is refused at the gate before any storage.
    "/admin/api-keys": 503, "/admin/api-keys/revoke": 503, "/admin/api-keys/customer": 503,
    "/app/message": 401, "/app/stream": 401, "/app/conversations": 401,
    "/app/conversation": 401, "/app/orders": 401, "/app/order": 401,
    "/app/addresses": 401, "/app/analytics": 401,
    "/app/personas": 401, "/app/handoff": 401, "/app/feedback": 401,
    "/app/conversation/erase": 401,
    "/app/catalog": 401, "/app/search": 401, "/app/product": 401,
    # A WebSocket route asked without an upgrade says so (426) before anything else.
    "/ws": 426, "/app/ws": 426,
    "/orders": 403, "/order": 403, "/addresses": 403,
}
# What the inbox's writes are sent (each names a conversation the database can't look up).
ADMIN_BODIES = {"/admin/conversation/reply": {"id": "cv_gone", "text": "Hello"},
                "/admin/conversation/resolve": {"id": "cv_gone", "summary": "done"},
                "/admin/api-keys": {"name": "app", "scopes": ["chat"]},
                "/admin/api-keys/customer": {"key_id": "ak_0000000000", "app_user": "u1",
                                             "customer_id": 2}}
QUERIES = {"/admin/product-context": "id=110", "/admin/conversation": "id=cv_gone",
           "/conversation": "ref=gate-test-0001", "/agent/search": "q=hoodie",
           "/agent/product": "id=110", "/agent/checkout-handoff": "ids=101"}


def send(client, route):
    query = QUERIES.get(route.path, "")
    if route.path.startswith("/admin/"):
        wordpress = WordPress(client)
        body = ADMIN_BODIES.get(route.path, {"id": "cv_gone"}) if route.method == "POST" \
            else None
        return wordpress.request(route.method, route.path, body, query=query,
                                 context=wordpress.context(caps=MANAGER))
    if route.path == "/agent/mcp":
        return client.post(route.url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                           headers={"Accept": "application/json, text/event-stream"})
    if route.path in BODIES:
        body = BODIES[route.path]
        shopper = Shopper(client)
        if isinstance(body, Upload):
            return shopper.post(route.path, raw=body.raw, content_type=body.content_type)
        return shopper.post(route.path, body)
    headers = {"X-WP-Nonce": Shopper(client).nonce} if route.path == "/conversation" else {}
    return client.open(route.url + (f"?{query}" if query else ""), method=route.method,
                       headers=headers)


def test_the_table_covers_every_route():
    assert set(WITHOUT_DATABASE) == {r.path for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_with_the_database_down_a_route_is_503_or_needs_none(database_down, route):
    response = send(database_down.test_client(), route)
    expected = WITHOUT_DATABASE[route.path]
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected == 503:
        assert response.get_json() == {
            "code": "fahad_ai_database_unavailable",
            "message": "The service can't reach its database just now. Please try again "
                       "in a moment.",
            "data": {"status": 503}}
        assert int(response.headers["Retry-After"]) > 0


def test_with_the_database_down_health_is_503_naming_it(database_down):
    assert poll_health(database_down.test_client()) == \
        (503, {"ok": False, "checks": {"database": "down", "ratelimit": "ok"}})


def make_sqlite_unreadable(app) -> None:
    """Put a folder where the app's SQLite file was: opening it fails, even for root (the
    tests run as root, for whom chmod 000 still reads)."""
    app.extensions["fahad"].engine.dispose()  # no pooled connection hides the damage
    path = app.extensions["fahad"].settings.data_path / "bridge.sqlite3"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    path.mkdir()


def test_a_sqlite_file_gone_unreadable_mid_run_is_503_and_health_says_so(app):
    shopper = Shopper(app.test_client())
    assert shopper.post("/feedback", {"rating": "up"}).status_code == 200
    make_sqlite_unreadable(app)
    for answer in (shopper.post("/feedback", {"rating": "up"}), shopper.say("hoodies")):
        assert answer.status_code == 503
        assert answer.get_json()["code"] == "fahad_ai_database_unavailable"
    assert poll_health(app.test_client()) == \
        (503, {"ok": False, "checks": {"database": "down", "ratelimit": "ok"}})


def test_a_whatsapp_delivery_that_cannot_be_stored_is_503_so_meta_sends_it_again(wa_app, meta):
    from fakes import meta as m
    # Its workers poll the database and would open a new file where the old one was.
    wa_app.extensions["whatsapp"].stop()
    make_sqlite_unreadable(wa_app)
    response = meta.post(m.text("15551234567", "hello", id="wamid.DOWN1"))
    assert response.status_code == 503
    assert response.get_json()["code"] == "fahad_ai_database_unavailable"


@pytest.mark.needs_postgres
def test_with_postgresql_up_health_says_ok(settings, postgres_url):
    app = make_app(settings.replace(database_url=postgres_url))
    try:
        assert poll_health(app.test_client()) == \
            (200, {"ok": True, "checks": {"database": "ok", "ratelimit": "ok"}})
    finally:
        app.extensions["fahad"].engine.dispose()


def test_a_nonce_is_still_needed_when_the_database_is_down(database_down):
    client = database_down.test_client()
    response = client.post(NAMESPACE + "/feedback", json={"rating": "up"},
                           headers={"X-WP-Nonce": issue_nonce("another-secret")})
    assert response.status_code == 403


# Raised by a view of the test app: the handler sees what SQLAlchemy would raise.
REFUSED_INSERT = ("INSERT INTO feedback (reason) VALUES (?)", ("private words",))


@pytest.mark.parametrize("error, status", [
    (sa.exc.OperationalError(*REFUSED_INSERT, sqlite3.OperationalError("database is locked")),
     503),
    (sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"), 503),
    (sa.exc.DBAPIError(*REFUSED_INSERT, Exception("server closed the connection"),
                       connection_invalidated=True), 503),
    # A database that answered and refused the statement is a bug, not an outage.
    (sa.exc.IntegrityError(*REFUSED_INSERT, sqlite3.IntegrityError("UNIQUE constraint")), 500),
    (sa.exc.ProgrammingError(*REFUSED_INSERT, sqlite3.ProgrammingError("bad SQL")), 500),
], ids=["locked", "pool-timeout", "disconnected", "integrity", "programming"])
def test_only_a_failing_database_is_503_and_the_log_never_holds_parameters(
        app, caplog, error, status):
    def fails():
        raise error
    app.add_url_rule("/test-database-error", "test_database_error", fails)
    with caplog.at_level(logging.WARNING):
        response = app.test_client().get("/test-database-error")
    assert response.status_code == status
    code = "fahad_ai_database_unavailable" if status == 503 else "fahad_ai_internal_error"
    assert response.get_json()["code"] == code
    if status == 503:
        assert "private words" not in caplog.text
        assert any(r.getMessage().startswith("database unavailable:") for r in caplog.records)


def test_health_checks_at_most_once_a_ttl_however_often_it_is_polled(app, monkeypatch):
    statements = []
    sa.event.listen(app.extensions["fahad"].engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2]))
    clock = [1000.0]
    monkeypatch.setattr(health, "monotonic", lambda: clock[0])
    client = app.test_client()
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
    assert statements == ["SELECT 1"]
    clock[0] += health.CHECK_TTL
    client.get("/healthz")
    assert statements == ["SELECT 1", "SELECT 1"]
