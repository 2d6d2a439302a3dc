"""Latency the bridge adds to streamed tokens, and time to first frame of a tool turn.

A scripted Anthropic API (the tests' loopback server) sends text deltas a few milliseconds
apart and notes when each left; the bridge serves /stream over real HTTP; a client notes
when each chunk frame arrives. Everything runs in one process so the clocks agree.
Baseline, in the same run: the anthropic SDK reading the same server directly, the floor
any client of the provider pays.
    .venv/bin/python bench/stream_latency.py [--turns 30]
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import anthropic  # noqa: E402
import requests  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from _stats import line, summary  # noqa: E402
from bridge import create_app, db  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from bridge.settings import Settings  # noqa: E402
from fakes.anthropic_api import FakeAnthropic, Message, Text, ToolUse  # noqa: E402

WORDS = 40
PACE = 0.004  # seconds between deltas, like a fast model


def text_message() -> Message:
    return Message([Text(" ".join(f"word{i}" for i in range(WORDS)))], pace=PACE)


def direct(fake: FakeAnthropic, turns: int) -> list[float]:
    """Baseline: ms from the server sending a delta to the SDK handing it to its caller."""
    client = anthropic.Anthropic(api_key="k", base_url=fake.url, max_retries=0)
    latencies = []
    for _ in range(turns):
        fake.sent.clear()
        fake.reply(text_message())
        received = []
        with client.messages.create(model="m", max_tokens=10, stream=True,
                                    messages=[{"role": "user", "content": "hi"}]) as stream:
            for event in stream:
                if event.type == "content_block_delta":
                    received.append(time.perf_counter())
        latencies += [(r - s) * 1000 for (s, _), r in zip(fake.sent, received)]
    return latencies


def through_bridge(fake: FakeAnthropic, url: str, nonce: str, turns: int) -> list[float]:
    """ms from the server sending a delta to the chunk frame arriving at the shopper."""
    latencies = []
    for _ in range(turns):
        fake.sent.clear()
        fake.reply(text_message())
        received = []
        response = requests.post(url + NAMESPACE + "/stream", stream=True, timeout=30,
                                 json={"messages": [{"role": "user", "content": "hi"}]},
                                 headers={"X-WP-Nonce": nonce})
        for raw in response.iter_lines(chunk_size=1):
            if raw.startswith(b"event: chunk"):
                received.append(time.perf_counter())
        latencies += [(r - s) * 1000 for (s, _), r in zip(fake.sent, received)]
    return latencies


def first_frame_of_tool_turn(fake: FakeAnthropic, url: str, nonce: str, turns: int):
    """ms from sending the request to the first frame (the tool announcement), and to the
    products frame, when the model starts with a search."""
    firsts, cards = [], []
    for _ in range(turns):
        fake.reply(Message([ToolUse("search_products", {"query": "hoodie"})]),
                   Message([Text("Here you go.")]))
        started = time.perf_counter()
        response = requests.post(url + NAMESPACE + "/stream", stream=True, timeout=30,
                                 json={"messages": [{"role": "user", "content": "hoodies"}]},
                                 headers={"X-WP-Nonce": nonce})
        first = None
        for raw in response.iter_lines(chunk_size=1):
            if raw.startswith(b"event: "):
                now = time.perf_counter()
                first = first or now
                if raw == b"event: products":
                    cards.append((now - started) * 1000)
        firsts.append((first - started) * 1000)
    return firsts, cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fake = FakeAnthropic().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp, bridge_secret="bench", rate_limit=10**9,
                            providers=("anthropic", "offline"), anthropic_api_key="k",
                            anthropic_base_url=fake.url, model_max_retries=0)
        engine = db.make_engine(settings)
        db.upgrade(engine)
        app = create_app(settings)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        nonce = issue_nonce("bench")
        through_bridge(fake, url, nonce, 2)  # warm up

        base = summary(direct(fake, args.turns))
        ours = summary(through_bridge(fake, url, nonce, args.turns))
        print(f"{args.turns} turns x {WORDS} text deltas, {PACE * 1000:.0f} ms apart")
        print(line("SDK reading the provider directly (baseline)", base))
        print(line("chunk frame reaching the shopper via /stream", ours))
        print(f"{'':44} added by the bridge: median {ours['median'] - base['median']:.3f} ms,"
              f" p99 {ours['p99'] - base['p99']:.3f} ms")
        firsts, cards = first_frame_of_tool_turn(fake, url, nonce, args.turns)
        print(line("tool turn: request to first frame (tool)", summary(firsts)))
        print(line("tool turn: request to products frame", summary(cards)))
        server.shutdown()
    fake.stop()


if __name__ == "__main__":
    main()
