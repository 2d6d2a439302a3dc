"""No secret or token in any log line of a real server, its access log included: the WhatsApp
handshake's query string, nonces, bearer tokens, signatures, and failures that name URLs."""
import json
import socket

import pytest
import requests

from bridge.routes import NAMESPACE
from bridge.security import issue_nonce, sign_context
from fakes import meta
from served import ServedBridge, free_port

SECRETS = {
    "FAHAD_BRIDGE_SECRET": "bridge-secret-A1B2C3",
    "FAHAD_ADMIN_TOKEN": "admin-token-D4E5F6",
    "FAHAD_WHATSAPP_VERIFY_TOKEN": "verify-token-G7H8I9",
    "FAHAD_WHATSAPP_APP_SECRET": "app-secret-J9K0L1",
    "FAHAD_WHATSAPP_ACCESS_TOKEN": "access-token-M2N3O4",
    "ANTHROPIC_API_KEY": "sk-ant-secret-P5Q6R7",
    "FAHAD_OPENAI_API_KEY": "sk-openai-secret-S8T9U0",
}
CHALLENGE = "challenge-V1W2X3"
GUESSED = "guessed-token-Y4Z5A6"


@pytest.fixture(params=["serve", "conf"])
def bridge(request, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: every call out fails
    env = {**SECRETS, "FAHAD_PROVIDERS": "anthropic,openai,offline",
           "FAHAD_ANTHROPIC_BASE_URL": closed, "FAHAD_OPENAI_BASE_URL": closed + "/v1",
           "FAHAD_OPENAI_MODEL": "gpt-test", "FAHAD_MODEL_MAX_RETRIES": "0",
           "FAHAD_WHATSAPP_API_BASE": closed, "FAHAD_WHATSAPP_PHONE_NUMBER_ID": meta.PHONE_ID,
           "FAHAD_LOG_LEVEL": "DEBUG", "FAHAD_RATE_LIMIT": "1000"}
    server = ServedBridge(tmp_path / "bridge", env, how=request.param).start()
    yield server
    server.stop()


def raw(url: str, data: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_no_secret_reaches_any_log_line(bridge):
    url = bridge.url + NAMESPACE
    token = SECRETS["FAHAD_WHATSAPP_VERIFY_TOKEN"]
    handshake = requests.get(url + "/whatsapp", timeout=30, params={
        "hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": CHALLENGE})
    assert handshake.status_code == 200 and handshake.text == CHALLENGE
    assert requests.get(url + "/whatsapp", timeout=30, params={
        "hub.mode": "subscribe", "hub.verify_token": GUESSED, "hub.challenge": CHALLENGE,
    }).status_code == 403

    body = json.dumps(meta.text("15551234567", "hoodies under $50")).encode()
    signature = meta.signature(body, SECRETS["FAHAD_WHATSAPP_APP_SECRET"])
    delivered = requests.post(url + "/whatsapp", data=body, timeout=30, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": signature})
    assert delivered.status_code == 200

    nonce = issue_nonce(SECRETS["FAHAD_BRIDGE_SECRET"])
    turn = requests.post(url + "/message", headers={"X-WP-Nonce": nonce}, timeout=60,
                         json={"messages": [{"role": "user", "content": "hoodies"}]})
    assert turn.status_code == 200  # Claude and the OpenAI endpoint failed, offline answered
    admin = SECRETS["FAHAD_ADMIN_TOKEN"]
    assert requests.get(url + "/admin/insights", timeout=60, headers={
        "Authorization": f"Bearer {admin}"}).status_code == 200
    # credentials where they don't belong: in the query string and the referrer
    assert requests.get(url + f"/admin/insights?token={admin}&_wpnonce={nonce}", timeout=30,
                        headers={"Referer": f"https://shop.test/?access_token={admin}"}
                        ).status_code == 403
    context = {"uid": 1, "caps": ["manage_woocommerce"], "ip": "203.0.113.7", "iat": 0}
    value, context_signature = sign_context(SECRETS["FAHAD_BRIDGE_SECRET"], context, "GET",
                                            NAMESPACE + "/admin/insights", b"")
    assert requests.get(url + "/admin/insights", timeout=30, headers={
        "X-Fahad-Context": value, "X-Fahad-Signature": context_signature}).status_code == 403
    # a request gunicorn itself refuses, naming the token in its request line
    refused = raw(bridge.url, f"GET /x?hub.verify_token={token} HTTP/7.1\r\n\r\n".encode())
    assert refused.startswith(b"HTTP/1.1 400")
    bridge.stop()

    output = bridge.output()
    handshake_lines = [line for line in output.splitlines() if "GET /wp-json" in line and
                       "/whatsapp?" in line]
    assert len(handshake_lines) == 2, output[-3000:]  # the access log is there, masked
    assert all("hub.verify_token=[redacted]" in line for line in handshake_lines)
    assert "hub.mode=subscribe" in handshake_lines[0]
    leaked = [name for name, value in {**SECRETS, "challenge": CHALLENGE, "guess": GUESSED,
                                       "nonce": nonce, "signature": signature[7:],
                                       "context": value,
                                       "context signature": context_signature[3:]}.items()
              if value in output]
    assert leaked == [], output[-3000:]
