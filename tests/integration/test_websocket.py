"""The WebSocket chat (GET /ws) through gunicorn, as `fahad-bridge serve` runs it, over real
sockets on loopback: two gevent workers, the same events as /stream, the auth frame and its
close codes, the per-connection limits, bad frames, and gthread's cap on connections."""
import json
import os
import time

import pytest
import requests

from bridge.routes import NAMESPACE
from bridge import stream_token
from bridge.security import issue_nonce, sign_context
from served import ServedBridge
from ws_client import Rejected, WSClient

SECRET = "websocket-test-secret"
SHOP = "https://shop.example"
ADMIN = "websocket-test-admin"
ENV = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_RATE_LIMIT": "100000",
       "FAHAD_STOREFRONT_ORIGINS": SHOP, "FAHAD_ADMIN_TOKEN": ADMIN}
APP_PATH = NAMESPACE + "/app/ws"
PATH = NAMESPACE + "/ws"
HOODIES = {"messages": [{"role": "user", "content": "hoodies under $50"}]}


def ws_url(bridge, path: str = PATH) -> str:
    return bridge.url.replace("http://", "ws://") + path


def nonce() -> str:
    return issue_nonce(SECRET)


def context(uid: int = 0, **extra) -> dict:
    value, signature = sign_context(SECRET, {"uid": uid, "caps": [], "ip": "203.0.113.9",
                                             "iat": int(time.time()), **extra}, "GET", PATH, b"")
    return {"context": value, "signature": signature}


def sse_events(text: str) -> list[dict]:
    return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]


def without_refs(events: list[dict]) -> list[dict]:
    """The events with what is each turn's own left out: the done frame's refs and its
    measured latency."""
    kept = []
    for event in events:
        event = {k: v for k, v in event.items() if k not in ("conversation_ref", "message_ref")}
        if "metadata" in event:
            event["metadata"] = {k: v for k, v in event["metadata"].items() if k != "latency_ms"}
        kept.append(event)
    return kept


def connect(bridge, auth: dict | None = None, headers: dict | None = None,
            path: str = PATH) -> WSClient:
    client = WSClient(ws_url(bridge, path), headers=headers)
    client.send({"type": "auth", **(auth if auth is not None else {"nonce": nonce()})})
    return client


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    with ServedBridge(tmp_path_factory.mktemp("ws") / "bridge", {**ENV, "FAHAD_WORKER": "gevent"},
                      workers=2) as bridge:
        yield bridge
    assert "Traceback" not in bridge.output()


def test_a_turn_over_the_websocket_carries_the_events_of_stream(two_workers):
    streamed = requests.post(two_workers.url + NAMESPACE + "/stream", json=HOODIES,
                             headers={"X-WP-Nonce": nonce()}, timeout=60)
    with connect(two_workers) as ws:
        ready = ws.receive()
        frames = ws.turn(HOODIES)
    assert ready["type"] == "ready" and ready["client"]
    types = [f["type"] for f in frames]
    assert "products" in types and types[-1] == "done"
    assert without_refs(frames) == without_refs(sse_events(streamed.text))
    assert frames[-1]["conversation_ref"].startswith("cv_")


def test_many_connections_across_two_workers_each_carry_several_turns(two_workers):
    clients = [connect(two_workers, context(uid=40 + i)) for i in range(6)]
    try:
        assert all(c.receive()["type"] == "ready" for c in clients)
        for c in clients:
            c.send({"type": "message", **HOODIES})
        firsts = [_until_done(c) for c in clients]  # all six turns ran at once
        refs = {f[-1]["conversation_ref"] for f in firsts}
        assert len(refs) == 6 and all(f[-1]["type"] == "done" for f in firsts)
        # The next turn of each continues its own conversation.
        again = [c.turn({"messages": [{"role": "user", "content": "compare the first two"}],
                         "conversation_ref": f[-1]["conversation_ref"]})
                 for c, f in zip(clients, firsts)]
        assert all("comparison" in [e["type"] for e in a] for a in again)
        assert [a[-1]["conversation_ref"] for a in again] == [f[-1]["conversation_ref"]
                                                               for f in firsts]
    finally:
        for c in clients:
            c.close()
    pids = {line.split("pid: ")[1].rstrip(")") for line in two_workers.output().splitlines()
            if "Booting worker with pid" in line}
    assert len(pids) == 2


def _until_done(client: WSClient) -> list[dict]:
    frames = []
    while not frames or frames[-1]["type"] not in ("done", "error"):
        frames.append(client.receive())
    return frames


def test_the_proof_may_come_in_the_upgrades_headers_from_a_server(two_workers):
    signed = context(uid=7)
    headers = {"X-Fahad-Context": signed["context"], "X-Fahad-Signature": signed["signature"]}
    with connect(two_workers, {}, headers=headers) as ws:
        ready = ws.receive()
        assert ready["type"] == "ready" and "client" not in ready  # a signed-in shopper
        assert ws.turn(HOODIES)[-1]["type"] == "done"
    with connect(two_workers, {}, headers={"X-WP-Nonce": nonce()}) as ws:
        assert ws.receive()["type"] == "ready"


def test_a_wordpress_page_authenticates_with_its_stream_token_and_nonce(two_workers):
    page_nonce = "a-wp-rest-nonce"
    token = stream_token.mint(SECRET, {"uid": 12, "caps": []}, SHOP, page_nonce)
    with connect(two_workers, {"token": token, "nonce": page_nonce},
                 headers={"Origin": SHOP}) as ws:
        ready = ws.receive()
        assert ready["type"] == "ready" and "client" not in ready  # WordPress's user 12
        assert ws.turn(HOODIES)[-1]["type"] == "done"
    for origin, nonce_sent in (("https://elsewhere.example", page_nonce), (SHOP, "another")):
        with connect(two_workers, {"token": token, "nonce": nonce_sent},
                     headers={"Origin": origin}) as ws:
            error = ws.receive()
            assert ws.receive() is None and ws.close_code == 4001
        assert error["code"] in ("fahad_ai_origin_refused", "fahad_ai_invalid_token")


@pytest.mark.parametrize("auth", [
    {"nonce": "forged"},
    {},  # no proof at all
    {"context": "e30", "signature": "v1=00"},
    "signed for another path",
])
def test_bad_auth_gets_an_error_frame_then_4001(two_workers, auth):
    if auth == "signed for another path":
        value, signature = sign_context(SECRET, {"uid": 1, "caps": [], "ip": "203.0.113.9",
                                                 "iat": int(time.time())}, "GET", "/elsewhere", b"")
        auth = {"context": value, "signature": signature}
    with connect(two_workers, auth) as ws:
        error = ws.receive()
        assert ws.receive() is None
    assert error["type"] == "error" and error["code"] in (
        "fahad_ai_invalid_nonce", "fahad_ai_invalid_signature")
    assert ws.close_code == 4001


def test_a_first_frame_that_is_not_auth_closes_4001(two_workers):
    with WSClient(ws_url(two_workers)) as ws:
        ws.send({"type": "message", **HOODIES})
        assert ws.receive()["code"] == "fahad_ai_invalid_auth"
        assert ws.receive() is None and ws.close_code == 4001


def test_bad_frames_get_an_error_frame_and_the_connection_stays(two_workers):
    with connect(two_workers) as ws:
        ws.receive()
        for bad in ("not json", "[1, 2]", json.dumps({"type": "dance"}),
                    json.dumps({"type": "auth", "nonce": nonce()})):
            ws.send(bad)
            assert ws.receive()["code"] == "fahad_ai_invalid_frame"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive()["code"] == "fahad_ai_invalid_frame"
        for body in ({"messages": []}, {"messages": [{"role": "user", "content": 5}]},
                     {"messages": "hi"}, {"conversation_ref": 5, **HOODIES},
                     {"preferences": "cheap", **HOODIES}):
            frames = ws.turn(body)
            assert len(frames) == 1 and frames[0]["type"] == "error"
            assert frames[0]["code"] in ("invalid_messages", "rest_invalid_param")
        ws.send({"type": "ping"})
        assert ws.receive() == {"type": "pong"}
        assert ws.turn(HOODIES)[-1]["type"] == "done"


def test_a_bad_turn_body_answers_as_stream_does(two_workers):
    bad = {"messages": [{"role": "user", "content": 5}]}
    streamed = requests.post(two_workers.url + NAMESPACE + "/stream", json=bad,
                             headers={"X-WP-Nonce": nonce()}, timeout=30)
    with connect(two_workers) as ws:
        ws.receive()
        frames = ws.turn(bad)
        assert ws.turn(HOODIES)[-1]["type"] == "done"  # still open
    assert streamed.status_code == 400 and frames == sse_events(streamed.text)


# The browser client of docs/websocket.md, on the demo page (its nonce in window.fahadAiChatbot).
BROWSER_CLIENT = """() => new Promise((resolve) => {
  const ws = new WebSocket(location.origin.replace("http", "ws") + "/wp-json/fahad-ai/v1/ws");
  const events = [];
  ws.onopen = () => ws.send(JSON.stringify({type: "auth", nonce: window.fahadAiChatbot.nonce}));
  ws.onmessage = ({data}) => {
    const event = JSON.parse(data);
    events.push(event);
    if (event.type === "ready") {
      ws.send(JSON.stringify({type: "message",
                              messages: [{role: "user", content: "hoodies under $50"}]}));
    } else if (event.type === "done" || event.type === "error") {
      ws.close();
      resolve({events});
    }
  };
  ws.onclose = ({code}) => resolve({closed: code, events});
})"""


def test_a_browser_chats_with_the_nonce_in_its_first_frame(two_workers):
    import shutil

    from conftest import service_missing
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("the playwright package (pip install -e '.[test]')")
    chromium = os.environ.get("FAHAD_CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium):
        service_missing(f"chromium at {chromium} (scripts/system-deps installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(two_workers.url + "/")
            result = page.evaluate(BROWSER_CLIENT)
        finally:
            browser.close()
    types = [e["type"] for e in result["events"]]
    assert "closed" not in result, result
    assert types[0] == "ready" and "products" in types and types[-1] == "done"


def test_a_plain_get_is_told_to_upgrade(two_workers):
    response = requests.get(two_workers.url + PATH, timeout=10)
    assert response.status_code == 426
    assert response.json()["code"] == "fahad_ai_websocket_required"
    assert response.headers["Upgrade"] == "websocket"


def make_key(bridge, scopes=("chat", "conversations:read"), **extra) -> dict:
    response = requests.post(bridge.url + NAMESPACE + "/admin/api-keys", timeout=30,
                             headers={"Authorization": f"Bearer {ADMIN}"},
                             json={"name": "ws app", "mode": "live", "scopes": list(scopes),
                                   **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_an_app_chats_with_its_key_and_user_in_the_auth_frame(two_workers):
    key = make_key(two_workers)["key"]
    with connect(two_workers, {"key": key, "user": "user-7"}, path=APP_PATH) as ws:
        assert ws.receive()["type"] == "ready"
        first = ws.turn(HOODIES)
    assert first[-1]["type"] == "done" and "products" in [f["type"] for f in first]
    ref = first[-1]["conversation_ref"]
    # The conversation is the key's and this user's: /app/conversations lists it.
    listed = requests.get(two_workers.url + NAMESPACE + "/app/conversations", timeout=30,
                          headers={"Authorization": f"Bearer {key}", "X-App-User": "user-7"})
    assert ref in [c["conversation_ref"] for c in listed.json()["conversations"]]
    other = requests.get(two_workers.url + NAMESPACE + "/app/conversations", timeout=30,
                         headers={"Authorization": f"Bearer {key}", "X-App-User": "user-8"})
    assert ref not in [c["conversation_ref"] for c in other.json()["conversations"]]
    # A server may send the key and user as headers instead, and continue the conversation.
    with connect(two_workers, {}, path=APP_PATH,
                 headers={"Authorization": f"Bearer {key}", "X-App-User": "user-7"}) as ws:
        assert ws.receive()["type"] == "ready"
        again = ws.turn({"messages": [{"role": "user", "content": "compare the first two"}],
                         "conversation_ref": ref})
    assert again[-1]["conversation_ref"] == ref and "comparison" in [f["type"] for f in again]


@pytest.mark.parametrize("case", ["unknown key", "no key", "browser", "revoked", "no chat scope",
                                  "no user", "bad user"])
def test_an_apps_bad_auth_closes_4001_and_a_bad_user_4004(two_workers, case):
    made = make_key(two_workers, scopes=("conversations:read",) if case == "no chat scope"
                    else ("chat",))
    if case == "revoked":
        requests.post(two_workers.url + NAMESPACE + "/admin/api-keys/revoke", timeout=30,
                      headers={"Authorization": f"Bearer {ADMIN}"}, json={"id": made["id"]})
    auth = {"key": made["key"], "user": "user-1"}
    headers = {}
    if case == "unknown key":
        auth["key"] = "sk_live_" + "x" * 32
    elif case == "no key":
        del auth["key"]
    elif case == "browser":
        headers = {"Origin": SHOP}
    elif case == "no user":
        del auth["user"]
    elif case == "bad user":
        auth["user"] = "not a user id!"
    with connect(two_workers, auth, headers=headers, path=APP_PATH) as ws:
        error = ws.receive()
        assert ws.receive() is None
    expected = {"unknown key": (4001, "fahad_ai_invalid_api_key"),
                "no key": (4001, "fahad_ai_invalid_api_key"),
                "browser": (4001, "fahad_ai_browser_key"),
                "revoked": (4001, "fahad_ai_invalid_api_key"),
                "no chat scope": (4001, "fahad_ai_missing_scope"),
                "no user": (4004, "fahad_ai_unknown_app_user"),
                "bad user": (4004, "fahad_ai_unknown_app_user")}[case]
    assert (ws.close_code, error["code"]) == expected


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    env = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_RATE_LIMIT": "3",
           "FAHAD_WEBSOCKET_MAX_MESSAGE": "2000", "FAHAD_WEBSOCKET_FRAMES_PER_MINUTE": "5",
           "FAHAD_WEBSOCKET_MAX_TURNS": "2", "FAHAD_ADMIN_TOKEN": ADMIN}
    with ServedBridge(tmp_path_factory.mktemp("ws") / "bridge", env) as bridge:
        yield bridge
    assert "Traceback" not in bridge.output()


def test_a_frame_over_the_size_limit_closes_1009(limited):
    with connect(limited, context(uid=101)) as ws:
        ws.receive()
        ws.send({"type": "message", "messages": [{"role": "user", "content": "x" * 3000}]})
        assert ws.receive() is None
    assert ws.close_code == 1009


def test_too_many_frames_on_one_connection_close_4029(limited):
    with connect(limited, context(uid=102)) as ws:
        ws.receive()
        answers = []
        for _ in range(5):  # the auth frame was the first of five
            ws.send({"type": "ping"})
        while (frame := ws.receive()) is not None:
            answers.append(frame)
    assert answers[:4] == [{"type": "pong"}] * 4
    assert answers[-1]["code"] == "fahad_ai_rate_limited" and ws.close_code == 4029


def test_a_connection_carries_at_most_its_turns(limited):
    with connect(limited, context(uid=103)) as ws:
        ws.receive()
        assert ws.turn(HOODIES)[-1]["type"] == "done"
        assert ws.turn(HOODIES)[-1]["type"] == "done"
        third = ws.turn(HOODIES)
        assert ws.receive() is None
    assert third[-1]["code"] == "fahad_ai_rate_limited" and ws.close_code == 4029


def test_the_storefront_rate_limit_is_shared_with_stream_and_closes_4029(limited):
    signed = context(uid=104)
    for _ in range(2):  # two of the client's three requests, over HTTP
        viewed = requests.post(limited.url + NAMESPACE + "/cart", json={"action": "view"},
                               timeout=30,
                               headers=_signed_headers("POST", "/cart", {"action": "view"}, 104))
        assert viewed.status_code == 200
    with connect(limited, signed) as ws:
        ws.receive()
        assert ws.turn(HOODIES)[-1]["type"] == "done"  # the third
        refused = ws.turn(HOODIES)
        assert ws.receive() is None
    assert refused[-1]["code"] == "fahad_ai_rate_limited" and ws.close_code == 4029


def _signed_headers(method: str, path: str, body: dict, uid: int) -> dict:
    raw = json.dumps(body).encode()
    value, signature = sign_context(SECRET, {"uid": uid, "caps": [], "ip": "203.0.113.9",
                                             "iat": int(time.time())}, method,
                                    NAMESPACE + path, raw)
    return {"X-Fahad-Context": value, "X-Fahad-Signature": signature,
            "Content-Type": "application/json"}


def _connects_again(bridge, wait: float = 20.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with connect(bridge) as ws:
                return ws.receive()["type"] == "ready"
        except Rejected:
            time.sleep(0.1)  # the closes are still on their way to the worker
    return False


def test_a_gthread_worker_holds_at_most_half_its_threads_in_websockets(tmp_path):
    # The other half answers HTTP meanwhile: a turn's thread among them.
    env = {**ENV, "FAHAD_WORKER": "gthread"}
    with ServedBridge(tmp_path / "bridge", env, threads=4) as bridge:
        held = [connect(bridge) for _ in range(2)]
        try:
            assert [c.receive()["type"] for c in held] == ["ready", "ready"]
            with pytest.raises(Rejected) as refused:
                WSClient(ws_url(bridge))
            assert refused.value.status == 503
            assert json.loads(refused.value.body)["code"] == "fahad_ai_busy"
            assert requests.get(bridge.url + "/healthz", timeout=10).status_code == 200
            assert held[0].turn(HOODIES)[-1]["type"] == "done"
        finally:
            for c in held:
                c.close()
        assert _connects_again(bridge)  # the slots are given back

    assert "Traceback" not in bridge.output()


@pytest.mark.parametrize("kind", ["gevent", "gthread"])
def test_a_stopping_worker_closes_its_websockets_with_1001(tmp_path, kind):
    import threading

    bridge = ServedBridge(tmp_path / "bridge", {**ENV, "FAHAD_WORKER": kind}, threads=4).start()
    try:
        with connect(bridge) as ws:
            assert ws.receive()["type"] == "ready"
            stopping = threading.Thread(target=bridge.stop)
            stopping.start()
            assert ws.receive() is None
            stopping.join()
        assert ws.close_code == 1001
        assert "Traceback" not in bridge.output()
        # The connection's own line in the log, as gunicorn's access log has none for it.
        assert f"websocket {PATH} closed 1001 'the server is restarting' after 0 turns" \
            in bridge.output()
    finally:
        bridge.stop()


def test_an_apps_turns_count_in_its_keys_rate_limit_and_close_4029(limited):
    key = make_key(limited, rate_limit=2, rate_window=3600)["key"]
    app = {"Authorization": f"Bearer {key}", "X-App-User": "user-1"}
    assert requests.get(limited.url + NAMESPACE + "/app/conversations", headers=app,
                        timeout=30).status_code == 200  # the key's first request
    with connect(limited, {"key": key, "user": "user-1"}, path=APP_PATH) as ws:
        ws.receive()
        assert ws.turn(HOODIES)[-1]["type"] == "done"  # the key's second request
        refused = ws.turn(HOODIES)
        assert ws.receive() is None
    assert refused[-1]["code"] == "fahad_ai_rate_limited" and ws.close_code == 4029
