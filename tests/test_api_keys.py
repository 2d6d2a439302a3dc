"""API keys: made by a store manager (route and command), stored hashed, shown once, scoped,
rate limited per key, revocable, refused from browsers; errors in WordPress's shape."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from apps import ADMIN_TOKEN, AppServer, Manager
from bridge.apikeys import authenticate, require_scope
from bridge.apikeys.keys import LAST_USED_EVERY
from bridge.apikeys.models import ApiKey
from bridge.db import utc_now
from bridge.errors import BridgeError
from bridge.routes import NAMESPACE
from conftest import SECRET, make_app
from bridge.settings import Settings

KEY = re.compile(r"sk_(live|test)_[A-Za-z0-9]{32}")


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    admin_token=ADMIN_TOKEN)


@pytest.fixture
def manager(client):
    return Manager(client)


def sessions_of(app):
    return app.extensions["fahad"].sessions


def test_a_key_is_shown_once_and_only_its_hash_is_stored(app, manager):
    made = manager.create(mode="test")
    assert KEY.fullmatch(made["key"]) and made["key"].startswith("sk_test_")
    assert made["prefix"] == made["key"][:12] and made["active"] is True
    listed = manager.get("/admin/api-keys").get_json()["keys"]
    assert [k["id"] for k in listed] == [made["id"]]
    assert made["key"] not in str(listed) and "digest" not in listed[0]
    with app.extensions["fahad"].engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM api_keys")).all()
    assert len(rows) == 1
    assert made["key"] not in repr(rows)  # the digest only
    assert made["key"][12:] not in repr(rows)


def test_two_keys_are_different_and_live_is_the_default(manager):
    first = manager.post("/admin/api-keys", {"name": "a", "scopes": ["chat"]}).get_json()
    second = manager.post("/admin/api-keys", {"name": "b", "scopes": ["chat"]}).get_json()
    assert first["key"].startswith("sk_live_") and first["key"] != second["key"]
    assert first["rate_limit"] == 60 and first["rate_window"] == 60  # the settings' default


def test_authenticate_gives_the_principal_of_a_live_key(app, manager):
    made = manager.create(scopes=["chat", "orders:read"], rate_limit=7, rate_window=30)
    principal = authenticate(made["key"], sessions_of(app))
    assert principal.key_id == made["id"] and principal.mode == "live" and not principal.test
    assert principal.scopes == {"chat", "orders:read"}
    assert (principal.rate_limit, principal.rate_window) == (7, 30)
    require_scope(principal, "chat")
    with pytest.raises(BridgeError) as refused:
        require_scope(principal, "catalog:read")
    assert refused.value.status == 403 and refused.value.code == "fahad_ai_missing_scope"
    for wrong in ("", "sk_live_", made["key"][:-1] + ("A" if made["key"][-1] != "A" else "B"),
                  made["key"] + "x", None, 42, made["key"].replace("live", "test")):
        assert authenticate(wrong, sessions_of(app)) is None


def test_a_revoked_key_is_refused_with_401(app, manager):
    made = manager.create()
    server = AppServer(app.test_client(), made["key"])
    assert server.say("hi").status_code == 200
    revoked = manager.post("/admin/api-keys/revoke", {"id": made["id"]})
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    response = server.say("hi")
    assert response.status_code == 401
    assert response.get_json() == {"code": "fahad_ai_invalid_api_key",
                                   "message": response.get_json()["message"],
                                   "data": {"status": 401}}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert authenticate(made["key"], sessions_of(app)) is None
    unknown = manager.post("/admin/api-keys/revoke", {"id": "ak_0000000000"})
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "fahad_ai_unknown_api_key"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nope", "Basic abc",
                                    "Bearer sk_live_" + "a" * 32, "bearer sk_live_x"])
def test_a_missing_or_unknown_key_is_401(client, header):
    headers = {"X-App-User": "u1"} | ({"Authorization": header} if header else {})
    response = client.get(NAMESPACE + "/app/conversations", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == "fahad_ai_invalid_api_key"


def test_a_key_sent_by_a_browser_is_refused(app, manager):
    made = manager.create()
    server = AppServer(app.test_client(), made["key"])
    for origin in ("https://shop.example", "null"):
        response = server.say("hi", headers={"Origin": origin})
        assert response.status_code == 403
        assert response.get_json()["code"] == "fahad_ai_browser_key"
    # Refused before the key is even read: an unknown key from a browser is the same 403.
    response = AppServer(app.test_client(), "sk_live_" + "x" * 32).say(
        "hi", headers={"Origin": "https://shop.example"})
    assert response.status_code == 403


def test_a_key_without_the_routes_scope_gets_403(app, manager):
    made = manager.create(scopes=["chat"])
    server = AppServer(app.test_client(), made["key"])
    for path in ("/app/orders", "/app/order", "/app/addresses", "/app/conversations",
                 "/app/conversation"):
        response = server.get(path, "id=1&ref=abcdefgh")
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "fahad_ai_missing_scope"
        assert response.get_json()["data"]["status"] == 403
    reader = AppServer(app.test_client(), manager.create(scopes=["conversations:read"])["key"])
    assert reader.say("hi").status_code == 403


def test_each_key_has_its_own_rate_limit(app, manager):
    tight = AppServer(app.test_client(), manager.create(rate_limit=2, rate_window=60)["key"])
    other = AppServer(app.test_client(), manager.create(rate_limit=2, rate_window=60)["key"])
    assert [tight.get("/app/conversations").status_code for _ in range(2)] == [200, 200]
    refused = tight.get("/app/conversations", user="someone-else")  # the key's bucket
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "fahad_ai_rate_limited"
    assert "Retry-After" in refused.headers and refused.headers["X-RateLimit-Limit"] == "2"
    assert other.get("/app/conversations").status_code == 200


def test_a_refused_scope_consumes_no_rate_limit(app, manager):
    server = AppServer(app.test_client(), manager.create(scopes=["chat"], rate_limit=1)["key"])
    for _ in range(3):
        assert server.get("/app/orders").status_code == 403
    assert server.say("hi").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(app, manager):
    made = manager.create()
    sessions = sessions_of(app)

    def last_used():
        with sessions() as session:
            return session.get(ApiKey, made["id"]).last_used_at

    assert last_used() is None
    now = utc_now()
    authenticate(made["key"], sessions, now=now)
    first = last_used()
    assert first is not None
    authenticate(made["key"], sessions, now=now + timedelta(seconds=30))
    assert last_used() == first
    later = now + LAST_USED_EVERY + timedelta(seconds=1)
    authenticate(made["key"], sessions, now=later)
    assert last_used() > first
    assert manager.get("/admin/api-keys").get_json()["keys"][0]["last_used_at"]


@pytest.mark.parametrize("body", [
    {}, {"name": "x"}, {"name": "x", "scopes": []}, {"name": "x", "scopes": ["admin"]},
    {"name": "x", "scopes": "chat"}, {"name": "", "scopes": ["chat"]},
    {"name": "x" * 101, "scopes": ["chat"]}, {"name": 5, "scopes": ["chat"]},
    {"name": "x", "scopes": ["chat"], "mode": "prod"},
    {"name": "x", "scopes": ["chat"], "rate_limit": 0},
    {"name": "x", "scopes": ["chat"], "rate_limit": "10"},
    {"name": "x", "scopes": ["chat"], "rate_window": 10**9},
    {"name": "x", "scopes": ["chat"], "rate_limit": True},
    [1, 2], "text",
])
def test_bad_key_requests_are_400_and_make_nothing(app, manager, body):
    response = manager.post("/admin/api-keys", body)
    assert response.status_code == 400, response.get_json()
    assert set(response.get_json()) == {"code", "message", "data"}
    assert manager.get("/admin/api-keys").get_json()["keys"] == []


def test_the_key_routes_need_a_store_manager(client, wordpress):
    assert client.get(NAMESPACE + "/admin/api-keys").status_code == 403
    response = wordpress.request("GET", "/admin/api-keys", context=wordpress.context(uid=3))
    assert response.status_code == 403
    response = wordpress.post("/admin/api-keys", {"name": "wp", "scopes": ["chat"]},
                              context=wordpress.context(uid=1, caps=["manage_woocommerce"]))
    assert response.status_code == 201


def test_the_command_makes_lists_and_revokes_keys(settings, monkeypatch):
    from bridge.cli import main

    app = make_app(settings)  # migrated
    for name, value in (("FAHAD_DATA_DIR", settings.data_dir),
                        ("FAHAD_BRIDGE_SECRET", SECRET)):
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    made = runner.invoke(main, ["api-keys", "create", "--name", "cli app", "--mode", "test",
                                "--scope", "chat", "--scope", "orders:read",
                                "--rate-limit", "5"])
    assert made.exit_code == 0, made.output
    raw = KEY.search(made.output).group()
    principal = authenticate(raw, sessions_of(app))
    assert principal.test and principal.scopes == {"chat", "orders:read"}
    assert principal.rate_limit == 5
    listed = runner.invoke(main, ["api-keys", "list"])
    assert principal.key_id in listed.output and raw not in listed.output
    revoked = runner.invoke(main, ["api-keys", "revoke", principal.key_id])
    assert revoked.exit_code == 0 and authenticate(raw, sessions_of(app)) is None
    bad = runner.invoke(main, ["api-keys", "create", "--name", "x", "--scope", "nope"])
    assert bad.exit_code != 0
    unknown = runner.invoke(main, ["api-keys", "revoke", "ak_0000000000"])
    assert unknown.exit_code != 0 and "No API key" in unknown.output
    app.extensions["fahad"].engine.dispose()


def test_the_spec_names_each_api_key_routes_scope():
    from pathlib import Path

    import yaml

    from bridge.routes import API_KEY_GATES, ROUTES

    spec = yaml.safe_load((Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml")
                          .read_text())
    documented = {(path, method.upper()): op.get("x-scope")
                  for path, item in spec["paths"].items() for method, op in item.items()}
    for route in ROUTES:
        assert documented[(route.path, route.method)] == route.scope
        assert (route.scope is not None) == (route.gate in API_KEY_GATES)


def test_a_key_is_masked_in_log_lines_and_never_logged_by_a_request(app, manager, caplog):
    import logging

    from bridge.redact import MASK, Redactor

    made = manager.create()
    assert Redactor().text(f"GET /x?k={made['key']} then {made['key']}.") == \
        f"GET /x?k={MASK} then {MASK}."
    with caplog.at_level(logging.DEBUG):
        AppServer(app.test_client(), made["key"]).say("hi")
        AppServer(app.test_client(), made["key"]).say("hi", headers={"Origin": "https://x.test"})
        manager.post("/admin/api-keys/revoke", {"id": made["id"]})
        AppServer(app.test_client(), made["key"]).say("hi")
    assert made["key"] not in caplog.text and made["key"][12:] not in caplog.text


def test_with_redis_two_workers_count_a_key_in_one_bucket(settings, redis_url, tmp_path):
    shared = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    apps = [make_app(settings.replace(ratelimit_storage=redis_url, database_url=shared,
                                      data_dir=str(tmp_path / f"w{n}"))) for n in range(2)]
    try:
        made = Manager(apps[0].test_client()).create(rate_limit=3, rate_window=60)
        servers = [AppServer(a.test_client(), made["key"]) for a in apps]
        statuses = [servers[n % 2].get("/app/conversations").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
    finally:
        for a in apps:
            a.extensions["fahad"].engine.dispose()


def test_the_bearer_scheme_is_case_blind(app, manager):
    made = manager.create()
    for scheme in ("bearer", "BEARER", "Bearer "):
        response = app.test_client().get(NAMESPACE + "/app/conversations", headers={
            "Authorization": f"{scheme} {made['key']}", "X-App-User": "u1"})
        assert response.status_code == 200, scheme


@pytest.mark.parametrize("header,key", [("Bearer sk", "sk"), ("bearer  sk ", "sk"),
                                        ("BEARER sk", "sk"), ("Basic sk", ""), ("Bearer", ""),
                                        ("", ""), (None, ""), ("sk_live_x", "")])
def test_bearer_reads_the_key_of_a_bearer_header_only(header, key):
    from bridge.apikeys import bearer

    assert bearer(header) == key
