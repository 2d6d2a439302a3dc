"""GET /healthz while N clients trickle request bodies, against /healthz with none, same run.

Serves the bridge as production does (config/gunicorn.conf.py, one worker, 8 threads, the
default deadlines: 10 s plus 1 s per 16 KiB) and probes /healthz one request at a time for
--seconds; then again while --clients connections each send a request's headers and then
one body byte every half second, reconnecting whenever the server cuts them, as an attacker
would: small bodies (a /cart change), then 1 MB bodies (a /visual-search upload), both
gathered before a thread takes the request. For comparison the small-body attack also runs
against gunicorn's plain gthread worker (no deadline at all). A probe that gets no answer
within 5 s counts as failed and adds 5000 ms.
    .venv/bin/python bench/slow_clients.py [--clients 12] [--seconds 20]
"""
from __future__ import annotations

import argparse
import socket
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

from _stats import summary  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from served import ServedBridge  # noqa: E402

SECRET = "bench"
PROBE_TIMEOUT = 5.0


class Attack:
    """``count`` connections trickling a body, each reconnecting when it is cut."""

    def __init__(self, url: str, count: int, path: str = "/cart", length: int = 10_000):
        host, port = url.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.head = (f"POST {NAMESPACE}{path} HTTP/1.1\r\nHost: bench\r\n"
                     f"X-WP-Nonce: {issue_nonce(SECRET)}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {length}\r\n\r\n").encode()
        self.stopping = threading.Event()
        self.cuts = 0
        self.threads = [threading.Thread(target=self.trickle, daemon=True) for _ in range(count)]

    def __enter__(self) -> "Attack":
        for thread in self.threads:
            thread.start()
        time.sleep(1)  # every connection in and trickling
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)

    def trickle(self) -> None:
        while not self.stopping.is_set():
            try:
                with socket.create_connection(self.address, timeout=5) as sock:
                    sock.sendall(self.head)
                    while not self.stopping.wait(0.5):
                        sock.sendall(b" ")
            except OSError:
                self.cuts += 1


def probe(url: str, seconds: float) -> tuple[list[float], int]:
    """Milliseconds of sequential /healthz requests for ``seconds``; failures count 5 s."""
    times, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            ok = requests.get(url + "/healthz", timeout=PROBE_TIMEOUT).status_code == 200
        except requests.RequestException:
            ok = False
        elapsed = (time.perf_counter() - start) * 1000
        failed += not ok
        times.append(elapsed if ok else PROBE_TIMEOUT * 1000)
        time.sleep(0.05)
    return times, failed


def row(label: str, times: list[float], failed: int, baseline: dict | None) -> str:
    stats = summary(times)
    text = (f"{label:<50} p50 {stats['median']:8.1f} ms  p99 {stats['p99']:8.1f} ms  "
            f"{failed:3d}/{stats['n']:<4d} failed")
    if baseline:
        text += f"  p99 x{stats['p99'] / baseline['p99']:.1f} the baseline"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    env = {"FAHAD_BRIDGE_SECRET": SECRET, "FAHAD_RATE_LIMIT": "100000000",
           "FAHAD_LOG_LEVEL": "WARNING"}
    quiet = ("--access-logfile", "/dev/null")
    with tempfile.TemporaryDirectory() as tmp:
        with ServedBridge(Path(tmp) / "deadlines", env, how="conf", args=quiet) as bridge:
            probe(bridge.url, 1)  # warm up
            times, failed = probe(bridge.url, args.seconds)
            baseline = summary(times)
            print(f"1 gunicorn worker, 8 threads; {args.clients} slow clients; "
                  f"{args.seconds:.0f} s per row")
            print(row("GET /healthz, no slow clients (baseline)", times, failed, None))
            for label, path, length in (("small bodies", "/cart", 10_000),
                                        ("1 MB bodies", "/visual-search", 1_000_000)):
                with Attack(bridge.url, args.clients, path, length) as attack:
                    times, failed = probe(bridge.url, args.seconds)
                print(row(f"GET /healthz, {args.clients} clients trickling {label}", times,
                          failed, baseline) + f"  ({attack.cuts} cut)")
        plain = quiet + ("--worker-class", "gthread")
        with ServedBridge(Path(tmp) / "plain", env, how="conf", args=plain) as bridge:
            probe(bridge.url, 1)
            with Attack(bridge.url, args.clients) as attack:
                times, failed = probe(bridge.url, args.seconds)
            print(row("  small bodies on plain gthread (no deadline)", times, failed, baseline)
                  + f"  ({attack.cuts} cut)")


if __name__ == "__main__":
    main()
