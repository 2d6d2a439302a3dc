"""A bridge served by gunicorn as `fahad-bridge serve` runs it (bridge.server.options: the
worker kind, its deadlines, the heap frozen after boot), one worker, in a process of its own,
with the collector's pauses in that worker written to a JSON file when it exits.

    BridgeProcess(env, worker="gevent").start() ... .stop() -> the GC report (dict)
Settings come from ``env`` (FAHAD_* variables), as the bridge reads them.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def probe(url: str, stop: threading.Event, times: list, pause: float = 0.02) -> None:
    """GET /healthz one request at a time until ``stop``, each time in ms (60 s when it
    fails): the baseline a benchmark's load is read against."""
    session = requests.Session()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            session.get(url + "/healthz", timeout=60)
            times.append((time.perf_counter() - started) * 1000)
        except requests.RequestException:
            times.append(60_000.0)
        time.sleep(pause)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BridgeProcess:
    def __init__(self, env: dict, worker: str = "gevent", threads: int = 8):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder = Path(tempfile.mkdtemp())
        self.report, self.log = folder / "gc.json", folder / "output.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("FAHAD_", "ANTHROPIC_"))}
        self.env = {**base, "FAHAD_WORKER": worker, **env}
        self.command = [sys.executable, __file__, str(self.port), str(threads), str(self.report)]
        self.process = None

    def start(self, wait: float = 180) -> "BridgeProcess":  # a busy machine boots slowly
        with open(self.log, "wb") as log:  # a pipe nobody reads would block the worker
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text(errors="replace")[-3000:])
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("the bridge did not start")

    def stop(self) -> dict:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return json.loads(self.report.read_text()) if self.report.exists() else {}


def serve(port: int, threads: int, report: str) -> None:
    from gunicorn.app.base import BaseApplication

    sys.path.insert(0, str(ROOT / "bench"))
    from _stats import GCPauses

    from bridge import db
    from bridge.server import options
    from bridge.settings import load_settings

    settings = load_settings()
    db.migrate(settings)
    chosen = {**options(settings), "bind": f"127.0.0.1:{port}", "workers": 1,
              "threads": threads, "worker_connections": 2000, "accesslog": None,
              "loglevel": "warning"}
    started, exited = chosen["post_worker_init"], chosen["worker_exit"]
    pauses = GCPauses()

    def post_worker_init(worker):
        started(worker)  # the bridge's own: background work, then the heap frozen
        pauses.install()

    def worker_exit(server, worker):
        Path(report).write_text(json.dumps(pauses.report()))
        exited(server, worker)

    chosen.update(post_worker_init=post_worker_init, worker_exit=worker_exit)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in chosen.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            from bridge import create_app
            return create_app(settings)

    Server().run()


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
