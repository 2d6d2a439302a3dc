"""WhatsApp: how fast Meta gets its 200, and how many replies 4 workers complete per second.

The bridge serves real HTTP (threaded werkzeug) on loopback with the WhatsApp channel on,
sending to the tests' loopback Graph API. A burst of signed deliveries (one new message from
each of many customers) is posted by 4 concurrent clients while every turn takes 2 s (a
slow provider: the offline planner after a 2 s sleep), and each delivery's time to its 200
is noted. Baseline, in the same run and the same way: GET /healthz, which does nothing,
sent after each delivery on the same connection (interleaved, so a pause of the server
shows on both). GC: the server's longest collector pause meanwhile (its heap frozen after
start-up, as a server's worker does).
The server runs in a forked child process so the load generator doesn't share its GIL.
Then replies completed per second by the worker pool, over a fixed window.
    .venv/bin/python bench/whatsapp.py [--deliveries 500] [--workers 4] [--turn-seconds 2]
                                       [--window 20] [--clients 4]
                                       [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import http.client  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from _stats import GCPauses, gc_line, summary, window  # noqa: E402
from bridge.server import freeze_heap  # noqa: E402
from bridge import create_app, db  # noqa: E402
from channels.whatsapp.models import WhatsAppInbound  # noqa: E402
from bridge.settings import Settings  # noqa: E402
from fakes import meta  # noqa: E402
from fakes.graph_api import FakeGraph  # noqa: E402

SECRET = "bench-app-secret"
CLIENTS = 4


class SlowProvider:
    """The offline planner, after ``seconds`` of thinking, like a slow model."""

    name = "slow-offline"
    model_based = False

    def __init__(self, inner, seconds: float):
        self.inner = inner
        self.seconds = seconds

    def run(self, turn):
        time.sleep(self.seconds)
        yield from self.inner.run(turn)


def serve(app):
    """Serve ``app`` from a forked child process, with its reply workers, so the load
    generator here doesn't share the server's interpreter lock. The parent only reads the
    shared database. The child freezes its heap once started, as a server's worker does,
    and answers ``gc_report(pipe)`` with its collector's pauses."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.get_context("fork").Process(
        target=_serve_child, args=(app, server, theirs), daemon=True)
    child.start()
    server.socket.close()
    child.pipe = ours
    return child, f"http://127.0.0.1:{server.server_port}"


def _serve_child(app, server, pipe) -> None:
    app.extensions["fahad"].engine.dispose(close=False)  # no connections shared across fork
    app.extensions["fahad"].start()  # as a server's worker does, after its fork
    freeze_heap()
    pauses = GCPauses().install()
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    while True:
        since, until = pipe.recv()
        pipe.send(window(pauses.report(), since, until))


def gc_report(child, since: float, until: float) -> dict:
    child.pipe.send((since, until))
    return child.pipe.recv()


def fresh_database(url: str) -> str:
    """A new empty schema on the PostgreSQL server at ``url`` (each phase starts clean)."""
    schema = f"bench_wa_{int(time.time() * 1000) % 10**9}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def build(args, graph: FakeGraph, data_dir: str, turn_seconds: float):
    database_url = ""
    if args.database_url:
        database_url, schema = fresh_database(args.database_url)
        args.schemas.append(schema)
    settings = Settings(
        data_dir=data_dir, bridge_secret="bench", public_url="http://shop.test",
        database_url=database_url, providers=("offline",),
        whatsapp_verify_token="vt", whatsapp_app_secret=SECRET,
        whatsapp_access_token="EAAbench", whatsapp_phone_number_id=meta.PHONE_ID,
        whatsapp_api_base=graph.url, whatsapp_workers=args.workers,
        whatsapp_rate_limit=1000)
    db.migrate(settings)
    app = create_app(settings)  # starts nothing: the workers run in the serving child only
    agent = app.extensions["fahad"].agent
    if turn_seconds:
        agent.providers = [SlowProvider(p, turn_seconds) for p in agent.providers]
    return app


def timed(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
          headers: dict | None = None) -> float:
    """ms from sending a request to having its whole answer (keep-alive, a light client)."""
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"{method} {path} answered {response.status}: {data[:200]!r}")
    return elapsed


def burst(url: str, calls, clients: int) -> list[float]:
    """Run the calls from ``clients`` threads, each with its own keep-alive connection."""
    parts = urlsplit(url)
    local = threading.local()

    def run(call):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        return call(local.conn)

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(run, calls))


def health(count: int):
    return [lambda c: timed(c, "GET", "/healthz")] * count


def interleaved(count: int, tag: str):
    """Each delivery followed by a GET /healthz on the same connection: (kind, ms) each."""
    calls = []
    for call in deliveries(count, tag):
        calls.append(lambda c, call=call: ("ack", call(c)))
        calls.append(lambda c: ("health", timed(c, "GET", "/healthz")))
    return calls


def deliveries(count: int, tag: str):
    bodies = [json.dumps(meta.text(f"1555{tag}{n:06d}", f"hoodies under ${20 + n % 40}",
                                   id=f"wamid.{tag}{n:06d}")).encode() for n in range(count)]
    return [lambda c, b=b: timed(c, "POST", meta.URL, b, {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": meta.signature(b, SECRET)}) for b in bodies]


def finished(app) -> int:
    with app.extensions["fahad"].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(WhatsAppInbound)
                              .where(WhatsAppInbound.status == "done"))


def retried(app) -> int:
    """Messages that needed more than one attempt (a worker error, e.g. a busy database)."""
    with app.extensions["fahad"].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(WhatsAppInbound)
                              .where(WhatsAppInbound.attempts > 1))


def throughput(app, window: float) -> tuple[float, int]:
    """Replies completed per second over ``window`` seconds."""
    begin, started = time.monotonic(), finished(app)
    time.sleep(window)
    done = finished(app) - started
    return done / (time.monotonic() - begin), done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--turn-seconds", type=float, default=2.0)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--clients", type=int, default=CLIENTS,
                        help="concurrent connections posting the burst")
    args = parser.parse_args()
    args.schemas = []
    logging.disable(logging.WARNING)
    try:
        run(args)
    finally:
        for schema in args.schemas:
            drop_schema(args.database_url, schema)


def run(args) -> None:
    graph = FakeGraph().start()
    with tempfile.TemporaryDirectory() as tmp:
        app = build(args, graph, tmp, args.turn_seconds)
        child, url = serve(app)
        wait_up(url)
        burst(url, health(100), args.clients)  # warm up
        began = time.time()
        mixed = burst(url, interleaved(args.deliveries, "1"), args.clients)
        pauses = gc_report(child, began, time.time())
        baseline = summary([ms for kind, ms in mixed if kind == "health"])
        acks = summary([ms for kind, ms in mixed if kind == "ack"])
        rate, done = throughput(app, args.window)
        ceiling = args.workers / args.turn_seconds
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(f"WhatsApp webhook, {args.deliveries} signed deliveries from {args.clients} clients, "
              f"{args.workers} workers, {args.turn_seconds:g} s per turn, {backend}")
        print("  (each ack followed by a GET /healthz on the same connection, interleaved)")
        print(f"  baseline GET /healthz          median {baseline['median']:7.2f} ms   "
              f"p99 {baseline['p99']:7.2f} ms")
        print(f"  POST /whatsapp ack             median {acks['median']:7.2f} ms   "
              f"p99 {acks['p99']:7.2f} ms   (target p99 < 50 ms)")
        print(f"  ack / healthz                  median x{acks['median'] / baseline['median']:5.2f}"
              f"   p99 x{acks['p99'] / baseline['p99']:5.2f}")
        print(gc_line("  the server meanwhile", pauses))
        print(f"  replies completed              {rate:6.2f} /s over {args.window:g} s ({done} "
              f"replies; ceiling {args.workers} workers / {args.turn_seconds:g} s = "
              f"{ceiling:.2f} /s, x{rate / ceiling:.2f} of it)")
        child.terminate()
        child.join()
        app.extensions["fahad"].engine.dispose()

    # The pipeline's own cost: the same pool with an instant provider.
    with tempfile.TemporaryDirectory() as tmp:
        app = build(args, graph, tmp, 0.0)
        child, url = serve(app)
        wait_up(url)
        count = 300
        begin = time.monotonic()
        burst(url, deliveries(count, "2"), args.clients)
        while finished(app) < count and time.monotonic() - begin < 120:
            time.sleep(0.02)
        elapsed = time.monotonic() - begin
        print(f"  instant provider               {finished(app) / elapsed:6.1f} replies/s "
              f"({count} deliveries in a burst, all answered in {elapsed:.2f} s; a turn and "
              f"two Graph API sends each; {retried(app)} needed a second attempt)")
        child.terminate()
        child.join()
        app.extensions["fahad"].engine.dispose()
    graph.stop()


def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            requests.get(url + "/healthz", timeout=1)
            return
        except requests.RequestException:  # not listening yet, or slow to answer its first
            time.sleep(0.02)
    raise SystemExit("the bridge did not start")


if __name__ == "__main__":
    main()
