"""Both worker kinds serve the bridge (`fahad-bridge serve --worker gevent|gthread`, and
config/gunicorn.conf.py with FAHAD_WORKER): the routes answer the same, and under gevent one
worker keeps answering /healthz while dozens of /stream turns wait on a slow model."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bridge.routes import NAMESPACE
from bridge.security import issue_nonce
from fakes.anthropic_api import FakeAnthropic, Message, Text
from served import ServedBridge

SECRET = "workers-test-secret"
ENV = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_RATE_LIMIT": "100000"}


def sse_types(text: str) -> list[str]:
    return [line[7:] for line in text.splitlines() if line.startswith("event: ")]


@pytest.mark.parametrize("how", ["serve", "conf"])
@pytest.mark.parametrize("kind", ["gevent", "gthread"])
def test_each_worker_kind_serves_every_kind_of_route(tmp_path, kind, how):
    env = {**ENV, "FAHAD_WORKER": kind}
    with ServedBridge(tmp_path / "bridge", env, how=how, threads=4) as bridge:
        nonce = {"X-WP-Nonce": issue_nonce(SECRET)}
        api = bridge.url + NAMESPACE
        shopper = requests.Session()  # its chat cookie makes the conversation its own
        assert requests.get(bridge.url + "/healthz", timeout=10).json()["ok"] is True
        said = shopper.post(api + "/message", headers=nonce, timeout=30, json={
            "messages": [{"role": "user", "content": "hoodies under $50"}]}).json()
        assert said["cards"] and said["conversation_ref"].startswith("cv_")
        streamed = shopper.post(api + "/stream", headers=nonce, timeout=30, json={
            "messages": [{"role": "user", "content": "compare the first two"}],
            "conversation_ref": said["conversation_ref"]})
        types = sse_types(streamed.text)
        assert streamed.status_code == 200 and "comparison" in types and types[-1] == "done"
        mcp = requests.post(api + "/agent/mcp", timeout=30, json={
            "jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"Accept": "application/json, text/event-stream"})
        assert {t["name"] for t in mcp.json()["result"]["tools"]} >= {"search_products"}
        bad = requests.post(api + "/message", data=b"{", timeout=30,
                            headers={**nonce, "Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["data"]["status"] == 400
    worker = {"gevent": "GreenWorker", "gthread": "BridgeWorker"}[kind]
    assert f"Using worker: {worker}" in bridge.output()
    assert "Traceback" not in bridge.output()


def test_one_gevent_worker_answers_healthz_while_many_streams_wait_on_the_model(tmp_path):
    streams = 40  # five times the threads a gthread worker has
    fake = FakeAnthropic().start()
    release = threading.Event()
    for _ in range(streams):
        # Each turn sends its first words, then waits for the test to let it finish.
        fake.reply(Message([Text("Hello there, let me think about that for you")],
                           gate=release))
    env = {**ENV, "FAHAD_WORKER": "gevent", "FAHAD_PROVIDERS": "anthropic,offline",
           "ANTHROPIC_API_KEY": "k", "FAHAD_ANTHROPIC_BASE_URL": fake.url,
           "FAHAD_MODEL_MAX_RETRIES": "0", "FAHAD_MODEL_TIMEOUT": "60"}
    first_chunks = threading.Semaphore(0)
    try:
        with ServedBridge(tmp_path / "bridge", env) as bridge:
            nonce = {"X-WP-Nonce": issue_nonce(SECRET)}

            def turn(_):
                response = requests.post(bridge.url + NAMESPACE + "/stream", headers=nonce,
                                         json={"messages": [{"role": "user", "content": "hi"}]},
                                         stream=True, timeout=90)
                types = []
                for line in response.iter_lines(chunk_size=1):
                    if line.startswith(b"event: "):
                        types.append(line[7:].decode())
                        if types.count("chunk") == 1 and types[-1] == "chunk":
                            first_chunks.release()
                return types
            with ThreadPoolExecutor(streams) as pool:
                turns = [pool.submit(turn, i) for i in range(streams)]
                for _ in range(streams):  # every turn has started streaming...
                    assert first_chunks.acquire(timeout=60)
                # ...and none has finished, yet the worker answers
                health = requests.get(bridge.url + "/healthz", timeout=10)
                assert health.status_code == 200
                assert not any(t.done() for t in turns)
                release.set()
                results = [t.result(timeout=90) for t in turns]
        assert all(r[-1] == "done" for r in results), json.dumps(results)[:500]
    finally:
        release.set()
        fake.stop()
