"""Server-side time of a /message turn with the offline provider, in process, at a
conversation's 1st turn and at its 500th.

Each request goes through the whole app (gates, validation, the agent, persistence on
SQLite) via Flask's test client. Turn 1: each measured turn starts a new conversation.
Turn 500: one conversation is first taken to 499 turns, then each measured turn adds one.
Baselines, in the same run: GET /healthz through the same client (the framework's floor),
and reading that long conversation's memory the way every turn did before it was kept on
the conversation row (every assistant message). GC: the collector's longest pause during
each measurement (gc.callbacks); the heap is frozen after start-up, as the server does.
CPU: each turn's own CPU time (this thread's), beside the wall clock, which on a shared
machine follows its load (printed).
    .venv/bin/python bench/turn.py [--repeat 300] [--turns 500]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from _stats import GCPauses, gc_line, line, measure, summary  # noqa: E402
from bridge import create_app, db  # noqa: E402
from bridge.agent import history  # noqa: E402
from bridge.models import Message  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from bridge.server import freeze_heap  # noqa: E402
from bridge.settings import Settings  # noqa: E402

PROMPTS = ["hoodies under $50", "t-shirts between 20 and 40", "hi", "show my cart",
           "tell me about the second one", "compare the first two", "socks on sale"]


def old_recall(session, ref: str) -> dict:
    """How a turn read its memory before: every assistant message of the conversation."""
    rows = session.execute(
        sa.select(Message.product_ids, Message.focus_id)
        .where(Message.conversation_id == ref, Message.role == "assistant")
        .order_by(Message.id.desc())).all()
    seen = [i for ids, focus in rows for i in [*(ids or []), focus] if i]
    return {"shown": list(rows[0][0] or []) if rows else [],
            "focus": rows[0][1] if rows else None, "seen": list(dict.fromkeys(seen))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--turns", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp, bridge_secret="bench", rate_limit=10**9)
        engine = db.make_engine(settings)
        db.upgrade(engine)
        app = create_app(settings)
        sessions = app.extensions["fahad"].sessions
        client = app.test_client()
        headers = {"X-WP-Nonce": issue_nonce("bench")}
        counter = iter(range(10**9))

        def say(ref: str | None) -> str:
            text = PROMPTS[next(counter) % len(PROMPTS)]
            body = {"messages": [{"role": "user", "content": text}]}
            if ref:
                body["conversation_ref"] = ref
            response = client.post(NAMESPACE + "/message", headers=headers, json=body)
            assert response.status_code == 200
            return response.get_json()["conversation_ref"]

        long_ref = say(None)
        for _ in range(args.turns - 2):
            say(long_ref)
        freeze_heap()  # as each server worker does once it has loaded the app

        results = {}
        for label, fn in [("GET /healthz (framework floor)", lambda: client.get("/healthz")),
                          ("POST /message, turn 1 (a new conversation)", lambda: say(None)),
                          (f"POST /message, turn {args.turns}+", lambda: say(long_ref))]:
            cpu: list[float] = []
            with GCPauses() as pauses:
                results[label] = (summary(measure(fn, args.repeat, cpu=cpu)), pauses.report(),
                                  summary(cpu))
        with sessions() as session:
            row = summary(measure(lambda: history.recall(session, long_ref), args.repeat))
            old = summary(measure(lambda: old_recall(session, long_ref), args.repeat))
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        for label, (stats, pauses, cpu) in results.items():
            print(line(label, stats))
            print(line("    its CPU time", cpu))
            print(gc_line("    meanwhile", pauses))
        print(line(f"memory of a {args.turns}-turn conversation, every message", old))
        print(line("  the same from its conversation row (now)", row, old))
        print("target: /message median under 10 ms at turn 1 and at turn 500")


if __name__ == "__main__":
    main()
