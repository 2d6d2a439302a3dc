"""What GET /healthz costs with its dependency checks, in process.

Each case is a fresh app served through Flask's test client: the checks as shipped (results
reused for a second), the checks run on every poll, and a dependency unreachable (a port
where nothing listens). The baseline, in the same run and the same way, is a route that
answers {"ok": true} and checks nothing (what /healthz was before it had checks). GC: the
collector's longest pause during each case (gc.callbacks), the heap frozen once the app is
built, as a server's worker does.
    .venv/bin/python bench/health.py [--repeat 500] [--postgres URL] [--redis URL]
"""
from __future__ import annotations

import argparse
import logging
import socket
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import GCPauses, gc_line, measure, summary  # noqa: E402
from flask import jsonify  # noqa: E402

from bridge import create_app, db, health  # noqa: E402
from bridge.server import freeze_heap  # noqa: E402
from bridge.settings import Settings  # noqa: E402


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(url: str) -> bool:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except OSError:
        return False


def app_for(tmp: str, migrate: bool = True, **changes):
    settings = Settings(data_dir=tmp, bridge_secret="bench", **changes)
    if migrate:
        engine = db.make_engine(settings)
        db.upgrade(engine)
        engine.dispose()
    app = create_app(settings)
    app.add_url_rule("/bench-floor", "bench_floor", lambda: jsonify({"ok": True}))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()
    # A check that fails logs a warning per poll here; the figures are the point.
    logging.getLogger("bridge").setLevel(logging.ERROR)
    dead_redis = f"redis://127.0.0.1:{dead_port()}/0"
    dead_postgres = f"postgresql+psycopg://postgres@127.0.0.1:{dead_port()}/test"
    cases = [("SQLite, memory://", {}, True)]
    if reachable(args.postgres) and reachable(args.redis):
        cases.append(("PostgreSQL, Redis", {"database_url": args.postgres,
                                            "ratelimit_storage": args.redis}, True))
    else:
        print(f"(PostgreSQL at {args.postgres} or Redis at {args.redis} not reachable: skipped)")
    cases += [("SQLite, Redis unreachable", {"ratelimit_storage": dead_redis}, True),
              ("PostgreSQL unreachable", {"database_url": dead_postgres}, False)]
    ttl = health.CHECK_TTL
    print(f"{'':36} {'median':>9} {'p99':>9}   median / floor")
    for label, changes, migrate in cases:
        with tempfile.TemporaryDirectory() as tmp:
            app = app_for(tmp, migrate, **changes)
            client = app.test_client()
            freeze_heap()
            pauses = GCPauses().install()
            floor = summary(measure(lambda: client.get("/bench-floor"), args.repeat))
            shipped = summary(measure(lambda: client.get("/healthz"), args.repeat))
            health.CHECK_TTL = 0.0
            every = summary(measure(lambda: client.get("/healthz"), args.repeat))
            health.CHECK_TTL = ttl
            status = client.get("/healthz").get_json()
            pauses.remove()
            app.extensions["fahad"].engine.dispose()
        print(f"{label}: {status}")
        for name, stats in (("  floor (no checks)", floor),
                            (f"  /healthz, checks reused {ttl:g} s", shipped),
                            ("  /healthz, checks on every poll", every)):
            print(f"{name:<36} {stats['median']:7.3f}ms {stats['p99']:7.3f}ms   "
                  f"x{stats['median'] / floor['median']:.2f}")
        print(gc_line("  meanwhile", pauses.report()))


if __name__ == "__main__":
    main()
