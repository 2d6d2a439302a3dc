"""POST /stream: the same turn as SSE frames, each written the moment its event exists."""
import json
import threading

import pytest
import requests
from werkzeug.serving import make_server

from bridge.agent.events import Chunk, Products
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from conftest import SECRET


def frames(text: str) -> list[tuple[str, dict]]:
    found = []
    for block in text.strip().split("\n\n"):
        lines = [l for l in block.split("\n") if not l.startswith(":")]
        event = next(l[7:] for l in lines if l.startswith("event: "))
        data = json.loads(next(l[6:] for l in lines if l.startswith("data: ")))
        assert data["type"] == event
        found.append((event, data))
    return found


def test_a_turn_streams_tool_products_chunks_then_done(shopper):
    response = shopper.post("/stream", {"messages": [{"role": "user", "content": "hoodies"}]})
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert response.headers["Cache-Control"] == "no-cache"
    events = frames(response.get_data(as_text=True))
    types = [e for e, _ in events]
    assert types[0] == "tool" and events[0][1]["name"] == "search_products"
    assert types.index("products") < types.index("chunk")  # cards when the tool returns
    assert types[-1] == "done" and types.count("done") == 1
    assert events[-1][1]["conversation_ref"].startswith("cv_")
    products = next(d for e, d in events if e == "products")["products"]
    assert products and all("price" in card for card in products)


def test_a_malformed_body_answers_400_with_one_error_frame(shopper):
    response = shopper.post("/stream", raw=b"{not json")
    assert response.status_code == 400 and response.mimetype == "text/event-stream"
    events = frames(response.get_data(as_text=True))
    assert [e for e, _ in events] == ["error"]
    assert events[0][1]["code"] == "invalid_json" and events[0][1]["message"]


def test_bad_messages_answer_400_with_one_error_frame(shopper):
    response = shopper.post("/stream", {"messages": [{"role": "system", "content": "x"}]})
    assert response.status_code == 400
    assert frames(response.get_data(as_text=True))[0][1]["code"] == "invalid_messages"


def test_a_failure_mid_stream_ends_with_an_error_frame(app, shopper, monkeypatch):
    agent = app.extensions["fahad"].agent

    def broken(request):
        yield Chunk("Looking")
        raise RuntimeError("database went away")
    monkeypatch.setattr(agent, "run", broken)
    response = shopper.post("/stream", {"messages": [{"role": "user", "content": "hi"}]})
    events = frames(response.get_data(as_text=True))
    assert [e for e, _ in events] == ["chunk", "error"]
    assert events[1][1]["code"] == "fahad_ai_stream_failed"
    assert "database" not in events[1][1]["message"]


class GatedProvider:
    """A provider that sends one chunk, then waits until the test has read it."""

    name = "gated"
    model_based = True

    def __init__(self):
        self.release = threading.Event()

    def run(self, turn):
        yield Chunk("first words")
        assert self.release.wait(10), "the client never saw the first chunk"
        yield Products(({"id": 1, "name": "x"},))
        yield Chunk(" and the rest")


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_chunk_reaches_the_client_before_the_turn_has_finished(app, live_server):
    provider = GatedProvider()
    app.extensions["fahad"].agent.providers = [provider]
    response = requests.post(
        live_server + NAMESPACE + "/stream", stream=True, timeout=10,
        json={"messages": [{"role": "user", "content": "hi"}]},
        headers={"X-WP-Nonce": issue_nonce(SECRET)})
    lines = response.iter_lines(decode_unicode=True)
    assert next(lines) == "event: chunk"
    assert json.loads(next(lines)[6:]) == {"type": "chunk", "content": "first words"}
    assert not provider.release.is_set()  # the turn is still waiting on us
    provider.release.set()
    rest = "\n".join(lines)
    assert "event: products" in rest and rest.rstrip().split("\n")[-2] == "event: done"
