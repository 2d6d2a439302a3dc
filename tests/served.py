"""A real bridge in a process of its own, as production runs it: `fahad-bridge serve`, or
gunicorn with config/gunicorn.conf.py. Its stdout and stderr (the access log included) go to
a file the test reads after stopping it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
SERVE = "from bridge.cli import main; main()"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedBridge:
    """One bridge: ``how`` is "serve" or "conf"; ``env`` adds FAHAD_* variables."""

    def __init__(self, data_dir: Path, env: dict | None = None, how: str = "serve",
                 workers: int = 1, threads: int = 8, home: Path | None = None,
                 args: tuple[str, ...] = ()):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}-output.log"
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("FAHAD_", "ANTHROPIC_"))}
        self.env = {**base, "FAHAD_DATA_DIR": str(self.data_dir), "FAHAD_PROVIDERS": "offline",
                    **(env or {})}
        if home is not None:  # where gunicorn would put a shared control socket
            self.env["HOME"] = str(home)
            self.env.pop("XDG_RUNTIME_DIR", None)
        if how == "serve":
            self.command = [sys.executable, "-c", SERVE, "serve", "--port", str(self.port),
                            "--workers", str(workers), "--threads", str(threads)]
        else:
            self.command = [sys.executable, "-m", "gunicorn", "-c",
                            str(ROOT / "config" / "gunicorn.conf.py"), "--bind",
                            f"127.0.0.1:{self.port}", "--workers", str(workers),
                            "--threads", str(threads)]
        self.command += list(args)  # more command-line options, e.g. another worker class
        self.process: subprocess.Popen | None = None

    def start(self, wait: float = 90) -> "ServedBridge":
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the bridge exited: " + self.output()[-3000:])
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:  # not listening yet, or still loading
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("the bridge did not start: " + self.output()[-3000:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "ServedBridge":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
