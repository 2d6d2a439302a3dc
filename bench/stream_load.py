"""Hundreds of open /stream turns on one worker: time to first token and /healthz meanwhile.

A scripted Claude (its own process) answers every turn with its first words at once and
the rest spread over ``--turn-seconds`` (10), like a model thinking; the bridge runs one
gunicorn worker (bench/_served.py, as `fahad-bridge serve` does) in a process of its own.
``--streams`` (300) shoppers open /stream, arriving evenly over one turn's length (so that
about that many are open at once: the most is printed), then all at the same instant, while
a probe asks GET /healthz one request at a time. Baseline, in the same run and the same way:
one stream alone. The gthread worker (8 threads) with ``--gthread-streams`` (24) arriving
the same way is printed beside it. The client is Python threads on the same machine.
GC: the worker's longest collector pause during each run (gc.callbacks in the worker).
    .venv/bin/python bench/stream_load.py [--streams 300] [--turn-seconds 10]
                                          [--gthread-streams 24] [--skip-gthread]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
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
from _stats import gc_line, line, summary, window  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402

SECRET = "bench-stream-load"
WORDS = 20


def scripted_model(port: int, turn_seconds: float) -> None:
    """An Anthropic Messages API whose every streamed answer takes ``turn_seconds``."""
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    from fakes.anthropic_api import Message, Text, frames

    @Request.application
    def app(request):
        events = frames(Message([Text(" ".join(f"word{i}" for i in range(WORDS)))]), "m")
        pace = turn_seconds / WORDS

        def body():
            first = True
            for event, data in events:
                if data.get("type") == "content_block_delta":
                    if not first:
                        time.sleep(pace)
                    first = False
                yield f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
        return Response(body(), mimetype="text/event-stream")

    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", port, app, threaded=True)
    server.request_queue_size = 1024
    server.serve_forever()


class Open:
    """How many streams are open now, and the most at once."""

    def __init__(self):
        self.now = self.most = 0
        self.lock = threading.Lock()

    def change(self, by: int) -> None:
        with self.lock:
            self.now += by
            self.most = max(self.most, self.now)


def one_stream(url: str, nonce: str, firsts: list, ends: list, delay: float,
               open_: Open) -> None:
    time.sleep(delay)
    open_.change(1)
    started = time.perf_counter()
    try:
        response = requests.post(url + NAMESPACE + "/stream", stream=True, timeout=600,
                                 headers={"X-WP-Nonce": nonce},
                                 json={"messages": [{"role": "user", "content": "hi"}]})
        first = None
        # Each HTTP chunk as it arrives (not a byte at a time: 300 such readers took the
        # machine's CPU from the worker they measure).
        for raw in response.iter_lines(chunk_size=None):
            if first is None and raw == b"event: chunk":
                first = (time.perf_counter() - started) * 1000
                firsts.append(first)
            if raw == b"event: done":
                ends.append((time.perf_counter() - started) * 1000)
    except requests.RequestException:
        pass
    finally:
        open_.change(-1)


def run(url: str, streams: int, ramp: float = 0.0) -> dict:
    """``streams`` turns, the i-th starting at i * ramp / streams seconds."""
    nonce = issue_nonce(SECRET)
    began = time.time()
    firsts, ends, health, stop, open_ = [], [], [], threading.Event(), Open()
    prober = threading.Thread(target=probe, args=(url, stop, health), daemon=True)
    prober.start()
    clients = [threading.Thread(target=one_stream, daemon=True, args=(
        url, nonce, firsts, ends, i * ramp / streams, open_)) for i in range(streams)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    stop.set()
    prober.join()
    return {"first": summary(firsts or [0.0]), "health": summary(health),
            "load": os.getloadavg()[0],
            "health_max": max(health),
            "done": len(ends), "streams": streams, "most": open_.most, "ramp": ramp,
            "window": (began, time.time())}


def serve_and_run(model_url: str, worker: str, runs: list[tuple[int, float]],
                  threads: int = 8):
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FAHAD_DATA_DIR": tmp, "FAHAD_BRIDGE_SECRET": SECRET,
               "FAHAD_RATE_LIMIT": "1000000", "FAHAD_PROVIDERS": "anthropic,offline",
               "ANTHROPIC_API_KEY": "k", "FAHAD_ANTHROPIC_BASE_URL": model_url,
               "FAHAD_MODEL_TIMEOUT": "120", "FAHAD_MODEL_MAX_RETRIES": "0"}
        bridge = BridgeProcess(env, worker=worker, threads=threads).start()
        try:
            run(bridge.url, 2)  # warm up: the first turn builds what the worker caches
            results = []
            for n, ramp in runs:
                results.append(run(bridge.url, n, ramp))
                print(f"  ({worker}: {n} streams done)", file=sys.stderr, flush=True)
        finally:
            gc_report = bridge.stop()
    return results, gc_report


def show(worker: str, results: list[dict], gc_report: dict) -> None:
    for r in results:
        pauses = window(gc_report, *r["window"])
        how = f"over {r['ramp']:.0f} s" if r["ramp"] else "at once"
        label = f"{worker}: {r['streams']} {how}"
        print(line(f"{label}, first token", r["first"]))
        print(line(f"{label}, GET /healthz meanwhile", r["health"]))
        print(f"{'':44} slowest /healthz {r['health_max']:.1f} ms of {r['health']['n']};"
              f" {r['most']} open at most; turns completed: {r['done']} of {r['streams']};"
              f" machine load {r['load']:.1f} on {os.cpu_count()} CPUs")
        print(gc_line(f"{'':4}the worker meanwhile", pauses))
    print(gc_line(f"{worker}: the worker, its whole life", window(gc_report)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--turn-seconds", type=float, default=10.0)
    parser.add_argument("--gthread-streams", type=int, default=24)
    parser.add_argument("--skip-gthread", action="store_true")
    args = parser.parse_args()
    port = free_port()
    model = multiprocessing.Process(target=scripted_model, args=(port, args.turn_seconds),
                                    daemon=True)
    model.start()
    model_url = f"http://127.0.0.1:{port}"
    time.sleep(1)
    print(f"a scripted model: first words at once, {args.turn_seconds:.0f} s a turn")
    try:
        ramp = args.turn_seconds
        show("gevent", *serve_and_run(model_url, "gevent", [
            (1, 0), (args.streams, ramp), (args.streams, 0)]))
        if not args.skip_gthread:
            show("gthread", *serve_and_run(model_url, "gthread", [
                (1, 0), (args.gthread_streams, ramp)]))
    finally:
        model.terminate()
    print("targets: /healthz p99 under 50 ms, first token p99 under 200 ms")


if __name__ == "__main__":
    main()
