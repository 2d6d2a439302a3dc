"""The storefront gate, in contract order: nonce or context (403), pause (503), rate limit
(429), daily cap (503 on billable routes); a request refused early consumes nothing later."""
import io
import time

import pytest
import sqlalchemy as sa

from bridge.models import DailyUsage
from bridge.routes import NAMESPACE, ROUTES, STOREFRONT_GATES, Gate
from bridge.security import issue_nonce
from bridge.store.demo.images import ImageSpec, render_png
from conftest import SECRET, Shopper, make_app
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


class Upload:
    """A multipart body (for /visual-search, the one storefront route that takes no JSON)."""

    def __init__(self, png: bytes):
        boundary, self.raw = encode_multipart({"image": FileStorage(io.BytesIO(png), "p.png")})
        self.content_type = f"multipart/form-data; boundary={boundary}"


STOREFRONT = [r for r in ROUTES if r.gate in STOREFRONT_GATES]
BILLABLE = [r for r in ROUTES if r.gate is Gate.STOREFRONT_BILLABLE]
BODIES = {
    "/message": {"messages": [{"role": "user", "content": "hi"}]},
    "/stream": {"messages": [{"role": "user", "content": "hi"}]},
    "/cart": {"action": "view"},
    "/feedback": {"rating": "up"},
    "/handoff": {"conversation_ref": "gate-test-0001"},
    "/conversation/erase": {"conversation_ref": "gate-test-0001"},
    "/visual-search": Upload(render_png(ImageSpec("hoodie", (30, 60, 140)))),
}
ids = [r.path for r in STOREFRONT]


def body_for(route):
    return BODIES[route.path]


def send(poster, route, **kwargs):
    """POST the route's body as a Shopper or WordPress would."""
    body = body_for(route)
    if isinstance(body, Upload):
        return poster.post(route.path, raw=body.raw, content_type=body.content_type, **kwargs)
    return poster.post(route.path, body, **kwargs)


def bare(client, route, headers):
    """POST the route's body with only these headers."""
    body = body_for(route)
    if isinstance(body, Upload):
        return client.post(route.url, data=body.raw, content_type=body.content_type,
                           headers=headers)
    return client.post(route.url, json=body, headers=headers)


def code(response):
    return response.get_json()["code"]


@pytest.fixture
def app_with(tmp_path):
    apps = []

    def build(**changes):
        from bridge.settings import Settings
        settings = Settings(data_dir=str(tmp_path / str(len(apps))), bridge_secret=SECRET,
                            public_url="http://shop.test", **changes)
        app = make_app(settings)
        apps.append(app)
        return app
    yield build
    for app in apps:
        app.extensions["fahad"].engine.dispose()


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
@pytest.mark.parametrize("nonce", [None, "", "forged.nonce.value"])
def test_a_missing_or_forged_nonce_is_refused_with_403(client, route, nonce):
    headers = {} if nonce is None else {"X-WP-Nonce": nonce}
    response = bare(client, route, headers)
    assert response.status_code == 403 and code(response) == "fahad_ai_invalid_nonce"
    assert response.get_json()["data"]["status"] == 403


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
def test_an_expired_nonce_is_refused_with_403(client, route, monkeypatch):
    nonce = issue_nonce(SECRET)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 13 * 3600)
    response = bare(client, route, {"X-WP-Nonce": nonce})
    assert response.status_code == 403 and code(response) == "fahad_ai_invalid_nonce"


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
def test_a_valid_nonce_passes(shopper, route):
    assert send(shopper, route).status_code == 200


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
def test_a_signed_context_passes_without_a_nonce(wordpress, route):
    assert send(wordpress, route).status_code == 200


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
def test_a_forged_or_stale_context_is_refused_with_403(wordpress, route):
    forged = send(wordpress, route, secret="not-the-secret")
    stale = send(wordpress, route, context=wordpress.context(iat=int(time.time()) - 301))
    for response in (forged, stale):
        assert response.status_code == 403 and code(response) == "fahad_ai_invalid_signature"


def test_a_context_signed_for_another_body_is_refused(client, wordpress):
    from bridge.security import sign_context
    url = NAMESPACE + "/cart"
    value, signature = sign_context(SECRET, wordpress.context(), "POST", url, b'{"action":"view"}')
    response = client.post(url, data=b'{"action":"add","product_id":101}',
                           content_type="application/json",
                           headers={"X-Fahad-Context": value, "X-Fahad-Signature": signature})
    assert response.status_code == 403


@pytest.mark.parametrize("route", STOREFRONT, ids=ids)
def test_the_soft_pause_answers_503_after_the_nonce(app_with, route):
    client = app_with(paused=True).test_client()
    shopper = Shopper(client)
    response = send(shopper, route)
    assert response.status_code == 503 and code(response) == "fahad_ai_disabled"
    bad = bare(client, route, {"X-WP-Nonce": "forged"})
    assert bad.status_code == 403  # the nonce is checked first


def test_the_limit_is_one_bucket_shared_by_the_storefront_routes(app_with):
    client = app_with(rate_limit=len(STOREFRONT), rate_window=60).test_client()
    shopper = Shopper(client)
    statuses = [send(shopper, r).status_code for r in STOREFRONT]
    assert statuses == [200] * len(STOREFRONT)
    refused = shopper.post("/cart", {"action": "view"})
    assert refused.status_code == 429 and code(refused) == "fahad_ai_rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == str(len(STOREFRONT))
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) > time.time()


def test_every_answer_carries_the_rate_limit_headers_but_no_retry_after(shopper):
    response = shopper.post("/cart", {"action": "view"})
    assert response.headers["X-RateLimit-Limit"] == "20"
    assert response.headers["X-RateLimit-Remaining"] == "19"
    assert "Retry-After" not in response.headers


def test_the_bucket_is_per_client_ip(app_with):
    client = app_with(rate_limit=1).test_client()
    first, second = Shopper(client, ip="198.51.100.1"), Shopper(client, ip="198.51.100.2")
    assert first.post("/cart", {"action": "view"}).status_code == 200
    assert first.post("/cart", {"action": "view"}).status_code == 429
    assert second.post("/cart", {"action": "view"}).status_code == 200


def test_a_forwarded_for_header_does_not_choose_the_bucket(app_with):
    client = app_with(rate_limit=1).test_client()
    shopper = Shopper(client)
    assert shopper.post("/cart", {"action": "view"}).status_code == 200
    again = shopper.post("/cart", {"action": "view"}, headers={"X-Forwarded-For": "192.0.2.9"})
    assert again.status_code == 429


def test_a_signed_in_shopper_is_keyed_by_user_id_not_ip(app_with):
    from conftest import WordPress
    wordpress = WordPress(app_with(rate_limit=1).test_client())
    body = {"action": "view"}
    assert wordpress.post("/cart", body, context=wordpress.context(uid=5, ip="192.0.2.1")) \
        .status_code == 200
    # same user from another IP: same bucket
    assert wordpress.post("/cart", body, context=wordpress.context(uid=5, ip="192.0.2.2")) \
        .status_code == 429
    # a guest from the first IP has a bucket of their own
    assert wordpress.post("/cart", body, context=wordpress.context(uid=0, ip="192.0.2.1")) \
        .status_code == 200


def test_wordpress_can_set_the_limit_for_a_request(app_with):
    from conftest import WordPress
    wordpress = WordPress(app_with(rate_limit=1).test_client())
    context = wordpress.context(rate_limit={"limit": 3, "window": 30})
    statuses = [wordpress.post("/cart", {"action": "view"}, context=context).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_refused_nonce_consumes_no_rate_limit(app_with):
    client = app_with(rate_limit=1).test_client()
    for _ in range(3):
        client.post(NAMESPACE + "/cart", json={"action": "view"}, headers={"X-WP-Nonce": "x"})
    assert Shopper(client).post("/cart", {"action": "view"}).status_code == 200


def test_a_paused_request_consumes_no_rate_limit(app_with, monkeypatch):
    from bridge import gates

    app = app_with(paused=True, rate_limit=1)
    shopper = Shopper(app.test_client())
    for _ in range(3):
        assert shopper.post("/cart", {"action": "view"}).status_code == 503
    # The pause lifted on the same app (its settings are frozen): the same limiter counts.
    monkeypatch.setattr(gates, "not_paused", lambda settings: None)
    assert shopper.post("/cart", {"action": "view"}).status_code == 200


@pytest.mark.parametrize("route", BILLABLE, ids=[r.path for r in BILLABLE])
def test_the_daily_cap_refuses_billable_turns_with_503(app_with, route):
    app = app_with(daily_cap=2)
    shopper = Shopper(app.test_client())
    assert [shopper.post(route.path, body_for(route)).status_code for _ in range(3)] == \
        [200, 200, 503]
    refused = shopper.post(route.path, body_for(route))
    assert code(refused) == "fahad_ai_daily_cap"
    # other storefront routes are not billable
    assert shopper.post("/cart", {"action": "view"}).status_code == 200


def test_the_daily_cap_counts_in_the_database_and_bad_input_is_not_billed(app_with):
    app = app_with(daily_cap=5)
    shopper = Shopper(app.test_client())
    assert shopper.post("/message", {"messages": []}).status_code == 400
    assert shopper.say("hi").status_code == 200
    with app.extensions["fahad"].sessions() as session:
        assert session.scalar(sa.select(DailyUsage.turns)) == 1


def test_the_rate_limit_is_checked_before_the_daily_cap(app_with):
    shopper = Shopper(app_with(daily_cap=1, rate_limit=2).test_client())
    assert shopper.say("hi").status_code == 200
    assert shopper.say("hi").status_code == 503  # the cap: this consumed the second slot
    assert shopper.say("hi").status_code == 429
