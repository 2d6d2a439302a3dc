"""Agent gateway throughput on a 50,000-product catalogue, two gunicorn workers.

Builds an index of 50,000 generated products, serves the bridge with gunicorn (2 gthread
workers), and loads it with wrk (Debian's package; `apt-get install wrk`), or with Python
client threads where wrk is missing, for a few seconds per route: requests per second,
median and p99 latency, with GET /healthz through the same server as the floor.
    .venv/bin/python bench/gateway.py [--products 50000] [--seconds 5]
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from _stats import summary  # noqa: E402
from bridge import db  # noqa: E402
from bridge.catalog.index import CatalogIndex  # noqa: E402
from bridge.settings import Settings  # noqa: E402
from bridge.store.demo.data import generate_catalogue  # noqa: E402

AGENT = "/wp-json/fahad-ai/v1/agent"
SEARCHES = ["hoodie", "black hoodie", "merino wool socks", "waterproof jacket", "linen",
            "mug", "canvas tote bag", "sneakers", "t-shirt", "cotton"]
THREADS = 8


def drive(url: str, paths, seconds: float) -> tuple[float, dict]:
    """Requests per second and latency stats of THREADS clients for ``seconds``."""
    latencies, stop = [], time.monotonic() + seconds
    lock = threading.Lock()
    counter = itertools.count()

    def client():
        session, mine = requests.Session(), []
        while time.monotonic() < stop:
            path = paths[next(counter) % len(paths)]
            started = time.perf_counter()
            response = session.get(url + path, timeout=30)
            mine.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - started), summary(latencies)


def drive_wrk(url: str, paths, seconds: float) -> tuple[float, dict]:
    """The same figures from wrk: THREADS connections, the paths taken in turn."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        listing = ", ".join(f'"{p}"' for p in paths)
        script.write(f"paths = {{{listing}}}\nn = 0\n"
                     "request = function()\n  n = n + 1\n"
                     "  return wrk.format('GET', paths[(n % #paths) + 1])\nend\n")
    out = subprocess.run(["wrk", "-t", "2", "-c", str(THREADS), "-d", f"{seconds:.0f}s",
                          "--latency", "-s", script.name, url], capture_output=True,
                         text=True)
    if out.returncode:
        raise RuntimeError(f"wrk failed: {out.stderr or out.stdout}")
    out = out.stdout
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(out)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, {"median": ms("50%"), "p99": ms("99%")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index_path = Path(tmp) / "bench-catalog.sqlite3"
        started = time.perf_counter()
        CatalogIndex(index_path).replace_all(
            generate_catalogue(args.products, base_url="http://shop.test"), "USD")
        print(f"index of {args.products} products built in {time.perf_counter() - started:.0f} s")
        db.upgrade(db.make_engine(Settings(data_dir=tmp)))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "FAHAD_DATA_DIR": tmp, "FAHAD_BRIDGE_SECRET": "bench",
               "FAHAD_AGENT_RATE_LIMIT": "100000000", "FAHAD_BENCH_INDEX": str(index_path),
               "FAHAD_LOG_LEVEL": "WARNING"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "bench"),
             "-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{port}",
             "gateway_app:app"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if requests.get(url + "/healthz", timeout=5).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            catalog = [f"{AGENT}/catalog?page={n}&per_page=100" for n in range(1, 500, 7)]
            search = [f"{AGENT}/search?q={q.replace(' ', '%20')}" for q in SEARCHES]
            drive(url, catalog + search, 2)  # warm both workers
            load = drive_wrk if shutil.which("wrk") else drive
            print(f"2 gunicorn workers, {THREADS} connections from "
                  f"{'wrk' if load is drive_wrk else 'Python threads'}, "
                  f"{args.seconds:.0f} s per route")
            for label, paths in (("GET /healthz (floor)", ["/healthz"]),
                                 ("GET /agent/catalog (page of 100)", catalog),
                                 ("GET /agent/search", search)):
                rps, stats = load(url, paths, args.seconds)
                print(f"{label:<34} {rps:7.0f} req/s   median {stats['median']:7.2f} ms"
                      f"   p99 {stats['p99']:7.2f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
