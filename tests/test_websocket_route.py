"""GET /ws over plain HTTP (no gunicorn socket): the answers before any upgrade. The chat
itself is tested through gunicorn in tests/integration/test_websocket.py."""
from bridge.routes import NAMESPACE

UPGRADE = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def test_a_plain_get_is_told_to_upgrade(client):
    response = client.get(NAMESPACE + "/ws")
    assert response.status_code == 426
    assert response.get_json()["code"] == "fahad_ai_websocket_required"
    assert response.headers["Upgrade"] == "websocket"


def test_an_upgrade_without_gunicorns_socket_is_refused_not_crashed(client):
    response = client.get(NAMESPACE + "/ws", headers=UPGRADE)
    assert response.status_code == 426
    assert "fahad-bridge serve" in response.get_json()["message"]


def test_an_upgrade_to_any_other_route_is_no_route(client):
    for path in ("/message", "/conversation", "/nope"):
        response = client.get(NAMESPACE + path, headers=UPGRADE)
        assert response.status_code == 404
        assert response.get_json()["code"] == "rest_no_route"
