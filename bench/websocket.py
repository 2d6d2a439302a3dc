"""The WebSocket chat against /stream: the time from a scripted model's token to the frame
reaching the client, and how many connections one worker holds at once with flat latency.

A scripted Anthropic API (its own process) streams words, each word the wall-clock instant
it was sent, spelt in letters (the claim check leaves letters alone); the client reads the
instant back from each chunk frame, so no clock has to be shared with the bridge, which runs
one gunicorn worker in a process of its own (bench/_served.py, as `fahad-bridge serve` does).

1. Latency: ``--turns`` (30) turns of ``WORDS`` words ``--pace`` ms apart, one at a time,
   alternating /stream and the WebSocket (one connection for all its turns). Baseline, in
   the same run: the anthropic SDK reading the same model directly.
   Then the same turns on one WebSocket while N - 1 (``--counts``) are held open, idle.
2. Load: N connections (``--counts``, 1,50,200) open at once on the gevent worker, every one
   running a turn of ``--turn-seconds`` (5) at the same moment; token-to-frame latency over
   every token, time to the first, GET /healthz meanwhile. /stream with the same N beside it.
The client is Python threads on the same machine (2 cores): at 200 they share it with the
bridge and the model.
    .venv/bin/python bench/websocket.py [--turns 30] [--counts 1,50,200] [--turn-seconds 5]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import string
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from _served import BridgeProcess, free_port, probe  # noqa: E402
from _stats import line, summary  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from ws_client import WSClient  # noqa: E402

SECRET = "bench-websocket"
WORDS = 40
LETTERS = string.ascii_lowercase
EPOCH = 1_700_000_000.0


def stamp() -> str:
    """Now, in microseconds since EPOCH, as a word of letters."""
    n, word = int((time.time() - EPOCH) * 1e6), ""
    while n:
        n, digit = divmod(n, 26)
        word = LETTERS[digit] + word
    return word


def unstamp(word: str) -> float:
    n = 0
    for letter in word:
        n = n * 26 + LETTERS.index(letter)
    return EPOCH + n / 1e6


def scripted_model(port: int, pace: float) -> None:
    """An Anthropic Messages API streaming ``WORDS`` words, ``pace`` seconds apart."""
    import logging

    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    from fakes.anthropic_api import Message, Text, frames

    @Request.application
    def app(request):
        events = frames(Message([Text(" ".join(["w"] * WORDS))]), "m")

        def body():
            first = True
            for event, data in events:
                if data.get("type") == "content_block_delta":
                    if not first:
                        time.sleep(pace)
                    first = False
                    data = {**data, "delta": {"type": "text_delta", "text": " " + stamp()}}
                yield f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
        return Response(body(), mimetype="text/event-stream")

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.request_queue_size = 2048
    server.serve_forever()


def latencies(text: str, now: float) -> list[float]:
    return [(now - unstamp(word)) * 1000 for word in text.split() if word.isalpha()]


def sse_turn(url: str, nonce: str) -> tuple[list[float], float | None]:
    """One /stream turn: each token's ms to its chunk frame; ms to the first."""
    started, first, out = time.time(), None, []
    response = requests.post(url + NAMESPACE + "/stream", stream=True, timeout=600,
                             headers={"X-WP-Nonce": nonce},
                             json={"messages": [{"role": "user", "content": "hi"}]})
    for raw in response.iter_lines(chunk_size=1):
        if raw.startswith(b"data: ") and b'"chunk"' in raw:
            now = time.time()
            first = first or (now - started) * 1000
            out += latencies(json.loads(raw[6:])["content"], now)
    return out, first


def ws_connect(url: str, nonce: str) -> WSClient:
    client = WSClient(url.replace("http://", "ws://") + NAMESPACE + "/ws", timeout=600)
    client.send({"type": "auth", "nonce": nonce})
    assert client.receive()["type"] == "ready"
    return client


def ws_turn(client: WSClient) -> tuple[list[float], float | None]:
    """One turn over an open WebSocket, measured as sse_turn."""
    started, first, out = time.time(), None, []
    client.send({"type": "message", "messages": [{"role": "user", "content": "hi"}]})
    while True:
        frame = client.receive()
        if frame is None or frame["type"] in ("done", "error"):
            return out, first
        if frame["type"] == "chunk":
            now = time.time()
            first = first or (now - started) * 1000
            out += latencies(frame["content"], now)


def direct(model_url: str, turns: int) -> list[float]:
    """Baseline: the anthropic SDK reading the model itself."""
    import anthropic

    client = anthropic.Anthropic(api_key="k", base_url=model_url, max_retries=0)
    out = []
    for _ in range(turns):
        with client.messages.create(model="m", max_tokens=10, stream=True,
                                    messages=[{"role": "user", "content": "hi"}]) as stream:
            for event in stream:
                if event.type == "content_block_delta":
                    out += latencies(event.delta.text, time.time())
    return out


def bridge_env(tmp: str, model_url: str) -> dict:
    return {"FAHAD_DATA_DIR": tmp, "FAHAD_BRIDGE_SECRET": SECRET,
            "FAHAD_RATE_LIMIT": "100000000", "FAHAD_PROVIDERS": "anthropic,offline",
            "ANTHROPIC_API_KEY": "k", "FAHAD_ANTHROPIC_BASE_URL": model_url,
            "FAHAD_MODEL_TIMEOUT": "120", "FAHAD_MODEL_MAX_RETRIES": "0",
            "FAHAD_WEBSOCKET_MAX_TURNS": "100000",
            "FAHAD_WEBSOCKET_FRAMES_PER_MINUTE": "100000"}


def latency_run(url: str, model_url: str, turns: int) -> None:
    nonce = issue_nonce(SECRET)
    sse, ws = [], []
    client = ws_connect(url, nonce)
    for _ in range(2):  # warm up
        sse_turn(url, nonce), ws_turn(client)
    for _ in range(turns):
        sse += sse_turn(url, nonce)[0]
        ws += ws_turn(client)[0]
    client.close()
    base = summary(direct(model_url, turns))
    sse_s, ws_s = summary(sse), summary(ws)
    print(line("SDK reading the model directly (baseline)", base))
    print(line("token to chunk frame via /stream", sse_s))
    print(line("token to chunk frame via the WebSocket", ws_s))
    print(f"{'':44} WebSocket/stream: median x{ws_s['median'] / sse_s['median']:.2f},"
          f" p99 x{ws_s['p99'] / sse_s['p99']:.2f}; added over the SDK: /stream"
          f" {sse_s['median'] - base['median']:.2f} ms, WebSocket"
          f" {ws_s['median'] - base['median']:.2f} ms (medians)")


def load_run(url: str, n: int, kind: str) -> dict:
    """``n`` turns at once; over a WebSocket each on its own connection, opened first."""
    nonce = issue_nonce(SECRET)
    clients = [ws_connect(url, nonce) for _ in range(n)] if kind == "ws" else [None] * n
    tokens, firsts, done, lock = [], [], [0], threading.Lock()
    go, stop, health = threading.Barrier(n + 1), threading.Event(), []

    def one(client) -> None:
        go.wait()
        out, first = ws_turn(client) if client else sse_turn(url, nonce)
        with lock:
            tokens.extend(out)
            firsts.append(first or 0.0)
            done[0] += len(out) == WORDS

    threads = [threading.Thread(target=one, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    prober = threading.Thread(target=probe, args=(url, stop, health, 0.05), daemon=True)
    prober.start()
    go.wait()
    for t in threads:
        t.join()
    stop.set()
    prober.join()
    for c in clients:
        if c:
            c.close()
    return {"tokens": summary(tokens or [0.0]), "first": summary(firsts),
            "health": summary(health or [0.0]), "complete": done[0], "n": n}


def held_run(url: str, n: int, turns: int) -> dict:
    """``n`` - 1 WebSockets open and idle (authenticated, between turns) while one more
    runs ``turns`` turns: what holding connections costs the ones that talk."""
    nonce = issue_nonce(SECRET)
    idle = [ws_connect(url, nonce) for _ in range(n - 1)]
    talker, tokens, health, stop = ws_connect(url, nonce), [], [], threading.Event()
    prober = threading.Thread(target=probe, args=(url, stop, health, 0.05), daemon=True)
    prober.start()
    for _ in range(turns):
        tokens += ws_turn(talker)[0]
    stop.set()
    prober.join()
    for c in idle + [talker]:
        c.close()
    return {"tokens": summary(tokens), "health": summary(health or [0.0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--pace", type=float, default=4.0, help="ms between words (latency)")
    parser.add_argument("--counts", default="1,50,200")
    parser.add_argument("--turn-seconds", type=float, default=5.0)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    port = free_port()
    model = multiprocessing.Process(target=scripted_model, args=(port, args.pace / 1000),
                                    daemon=True)
    model.start()
    model_url = f"http://127.0.0.1:{port}"
    time.sleep(1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bridge = BridgeProcess(bridge_env(tmp, model_url), worker="gevent").start()
            try:
                print(f"1. {args.turns} turns each x {WORDS} words, {args.pace:.0f} ms apart,"
                      " one at a time, gevent worker")
                latency_run(bridge.url, model_url, args.turns)
                print("   the same, 10 turns on one WebSocket while N - 1 others are held open")
                base = None
                for n in counts:
                    r = held_run(bridge.url, n, 10)
                    base = base or r["tokens"]
                    print(line(f"{n} open: token to frame", r["tokens"]) +
                          f"   x{r['tokens']['median'] / base['median']:.2f} of 1 open")
                    print(line(f"{n} open: GET /healthz meanwhile", r["health"]))
            finally:
                bridge.stop()
        model.terminate()
        model.join()
        model = multiprocessing.Process(target=scripted_model,
                                        args=(port, args.turn_seconds / WORDS), daemon=True)
        model.start()
        time.sleep(1)
        print(f"2. N turns at once, {WORDS} words over {args.turn_seconds:.0f} s each,"
              " one gevent worker")
        with tempfile.TemporaryDirectory() as tmp:
            bridge = BridgeProcess(bridge_env(tmp, model_url), worker="gevent").start()
            try:
                load_run(bridge.url, 2, "ws")  # warm up
                for n in counts:
                    for kind, label in (("sse", "/stream"), ("ws", "WebSocket")):
                        r = load_run(bridge.url, n, kind)
                        print(line(f"{label} x{n}: token to frame", r["tokens"]))
                        print(line(f"{label} x{n}: request to first chunk", r["first"]))
                        print(line(f"{label} x{n}: GET /healthz meanwhile", r["health"]))
                        print(f"{'':44} turns with every token: {r['complete']} of {n}",
                              flush=True)
            finally:
                bridge.stop()
    finally:
        model.terminate()


if __name__ == "__main__":
    main()
