"""Property-based fuzzing of every route against docs/openapi.yaml (schemathesis).

For each documented operation schemathesis generates requests from the spec, valid and
invalid ones, from a fixed seed and a bounded number of examples. Each request passes its
gate (a storefront nonce, the admin token, a WhatsApp or WooCommerce signature over the
exact body), so the fuzzer reaches the views. Every answer must be no 5xx, a documented
status and content type, and match the documented schema and headers.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from conftest import SECRET, WA_APP_SECRET, WA_VERIFY_TOKEN, make_app
from bridge.routes import NAMESPACE, ROUTES
from bridge.security import issue_nonce, sign_context
from bridge.settings import Settings

SPEC = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"
EXAMPLES = 40  # per operation and generation mode: under a minute for the whole spec
ADMIN_TOKEN = "fuzz-admin-token"
WC_SECRET = "fuzz-wc-webhook-secret"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
GATES = {r.path: r.gate.value for r in ROUTES}
# Credentials the spec's security schemes make the fuzzer invent: the gate gets real ones.
INVENTED = {"x-wp-nonce", "x-fahad-context", "x-fahad-signature", "authorization",
            "x-hub-signature-256", "x-wc-webhook-signature"}
GATE_REFUSALS = {"fahad_ai_invalid_nonce", "fahad_ai_invalid_signature", "fahad_ai_forbidden",
                 "fahad_ai_webhooks_disabled", "fahad_ai_rate_limited",
                 "fahad_ai_invalid_api_key", "fahad_ai_missing_scope", "rest_not_logged_in"}
SHOPPER_UID = 2  # a registered customer of the demo store
API_KEY = {}  # the key the api-key gate is given, made with each app

SCHEMA = schemathesis.openapi.from_path(SPEC)
OPERATIONS = {f"{op.method.upper()} {op.path}": op
              for op in (result.ok() for result in SCHEMA.get_all_operations())}


def fuzz_settings(tmp_path_factory, **changes) -> Settings:
    return Settings(
        data_dir=str(tmp_path_factory.mktemp("fuzz")), bridge_secret=SECRET,
        public_url="http://shop.test", providers=("offline",), admin_token=ADMIN_TOKEN,
        whatsapp_verify_token=WA_VERIFY_TOKEN, whatsapp_app_secret=WA_APP_SECRET,
        # Far past what the fuzzer sends, so every request reaches its view.
        rate_limit=1_000_000, agent_rate_limit=1_000_000, poll_rate_limit=1_000_000,
        **changes)


class SignedAsPlugin:
    """Signs every request to a "signed" route as the plugin would, over the exact path,
    query and body the app receives (the fuzzer's query can't be known before it is sent)."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        gate = GATES.get(path.removeprefix(NAMESPACE))
        if gate in ("signed", "shopper") and "HTTP_X_FAHAD_CONTEXT" not in environ:
            from io import BytesIO

            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = BytesIO(body)
            query = environ.get("QUERY_STRING", "")
            raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
                quote(environ.get("SCRIPT_NAME", "") + path) + ("?" + query if query else ""))
            context = {"uid": SHOPPER_UID if gate == "shopper" else 0, "caps": [],
                       "ip": "203.0.113.7", "iat": int(time.time())}
            value, signature = sign_context(SECRET, context, environ["REQUEST_METHOD"], raw,
                                            body)
            environ.update(HTTP_X_FAHAD_CONTEXT=value, HTTP_X_FAHAD_SIGNATURE=signature)
        return self.inner(environ, start_response)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    from bridge.apikeys import SCOPES, create_key

    app = make_app(fuzz_settings(tmp_path_factory))
    app.wsgi_app = SignedAsPlugin(app.wsgi_app)
    API_KEY["raw"], _ = create_key(app.extensions["fahad"].sessions, "fuzz", "live", SCOPES,
                                   100_000, 60)
    app.extensions["whatsapp"].stop()  # deliveries are stored; nobody needs to answer them
    yield app
    app.extensions["fahad"].engine.dispose()


@pytest.fixture(scope="module")
def woocommerce_app(tmp_path_factory):
    """The store webhook exists only with a WooCommerce store: the loopback one."""
    from fakes.woocommerce import FakeWooCommerce
    from fakes.woocommerce.auth import READ

    fake = FakeWooCommerce().start()
    app = make_app(fuzz_settings(tmp_path_factory, store="woocommerce", wc_url=fake.url,
                                 wc_consumer_key=READ[0], wc_consumer_secret=READ[1],
                                 wc_webhook_secret=WC_SECRET, wc_background_sync=False))
    app.extensions["whatsapp"].stop()
    yield app
    app.extensions["fahad"].engine.dispose()
    fake.stop()


def gate_headers(path: str, body: bytes) -> dict[str, str]:
    """What each gate needs to let the request through to its view."""
    gate = GATES[path]
    if gate.startswith("storefront"):
        return {"X-WP-Nonce": issue_nonce(SECRET)}
    if gate == "admin":
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    if gate.startswith("api-key"):
        return {"Authorization": f"Bearer {API_KEY['raw']}"}
    if gate == "whatsapp":
        digest = hmac.new(WA_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        return {"X-Hub-Signature-256": "sha256=" + digest}
    if gate == "store-webhook":
        digest = hmac.new(WC_SECRET.encode(), body, hashlib.sha256).digest()
        return {"X-WC-Webhook-Signature": base64.b64encode(digest).decode()}
    if path == "/agent/mcp":
        return {"Accept": "application/json, text/event-stream"}  # as MCP clients send
    return {}


def raw_body(case) -> bytes | None:
    """The exact bytes schemathesis would send, so a signature can cover them."""
    sent = WSGI_TRANSPORT.serialize_case(case)
    if "json" in sent:
        return json.dumps(sent["json"]).encode()
    data = sent.get("data")
    if isinstance(data, str):
        return data.encode()
    return data if isinstance(data, bytes) else None


def call(app, case):
    """Send ``case`` through its gate; the response as schemathesis records it."""
    case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in INVENTED}
    if case.path == "/whatsapp" and case.method == "GET":
        # The handshake's gate is its own token: the right one, and a fuzzed challenge.
        case.query = {**(case.query or {}), "hub.mode": "subscribe",
                      "hub.verify_token": WA_VERIFY_TOKEN}
    body = raw_body(case)
    extra = {"data": body} if body is not None else {}
    return case.call(app=app, headers=gate_headers(case.path, body or b""), **extra)


def refusal(response) -> str | None:
    """The gate's error code when a gate (not the view) answered."""
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        return None
    return code if code in GATE_REFUSALS else None


def strategy(operation):
    return st.one_of(operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                     operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_answer_is_documented_and_none_is_a_server_error(request, label):
    operation = OPERATIONS[label]
    app = request.getfixturevalue(
        "woocommerce_app" if GATES[operation.path] == "store-webhook" else "demo_app")
    refused = []

    @hypothesis_settings(max_examples=2 * EXAMPLES, derandomize=True, database=None,
                         deadline=None, suppress_health_check=list(HealthCheck),
                         phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=strategy(operation))
    def fuzz(case):
        response = call(app, case)
        # An invalid request may lose what its gate needs (schemathesis drops a required
        # header to test that): only valid ones must all reach the view.
        if refusal(response) and case.meta.generation.mode == GenerationMode.POSITIVE:
            refused.append((refusal(response), case.as_curl_command()))
        case.validate_response(response, checks=CHECKS)

    fuzz()
    assert refused == [], "a gate refused a valid request, so its view went untested"


# -- what the fuzzer found, pinned down --------------------------------------------------------

@pytest.mark.parametrize("listing", ["catalog", "feed"])
def test_a_next_page_link_is_a_valid_uri_with_only_the_listings_own_parameters(client, listing):
    query = "per_page=10&updated_since=2000-01-01T00:00:00%2B00:00&q=a%26b%00%F0%9F%91%95"
    body = client.get(f"{NAMESPACE}/agent/{listing}?{query}").get_json()
    link = urlsplit(body["next"])
    assert link.path == f"{NAMESPACE}/agent/{listing}"
    assert parse_qsl(link.query) == [("page", "2"), ("per_page", "10"),
                                     ("updated_since", "2000-01-01T00:00:00+00:00")]
    assert re.fullmatch(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", body["next"])
