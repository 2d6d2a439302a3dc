"""The inbox at size: a page of 100 of 100,000 conversations, filtered by intent and date,
through GET /admin/conversations in process; and the delay from a person's reply to the
shopper's widget seeing it.

List: 100,000 synthetic conversations (2 messages each) spread over 90 days, channels,
statuses, intents and sentiments; the filtered page (intent + the last 30 days, with the
total) is timed as shipped and, as the baseline in the same run, with the
(intent, updated_at) index dropped. Reply delay: two apps on one database (two workers);
a shopper polls GET /conversation every --interval seconds on one, a person replies on
the other at random moments; the delay is from the reply's answer to the poll that shows it.
    .venv/bin/python bench/inbox.py [--conversations 100000] [--repeat 200]
        [--postgres URL] [--replies 20] [--interval 3]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from _stats import line, measure, summary  # noqa: E402

from bridge import create_app, db  # noqa: E402
from bridge.inbox.intent import INTENTS, SENTIMENTS  # noqa: E402
from bridge.models import Conversation, Message  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from bridge.settings import Settings  # noqa: E402

TOKEN = "bench-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
SECRET = "bench-secret-0123456789"


def fill(engine, count: int, seed: int = 17) -> None:
    """``count`` conversations with a shopper message and an answer each."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    batch = 5000
    with engine.begin() as conn:
        for start in range(0, count, batch):
            conversations, messages = [], []
            for n in range(start, min(count, start + batch)):
                at = now - timedelta(seconds=rng.randrange(90 * 86400))
                cid = f"cv_bench{n:08d}"
                intent = rng.choice(INTENTS)
                conversations.append({
                    "id": cid, "channel": rng.choice(("storefront", "storefront", "whatsapp")),
                    "created_at": at, "updated_at": at, "client_key": f"c{n}", "client_ref": cid,
                    "status": rng.choice(("open",) * 8 + ("escalated", "resolved")),
                    "intent": intent, "sentiment": rng.choice(SENTIMENTS), "message_count": 2})
                messages += [
                    {"ref": f"msg_u{n}", "conversation_id": cid, "role": "user",
                     "content": f"question {n} about {intent}", "product_ids": [],
                     "created_at": at, "intent": intent},
                    {"ref": f"msg_a{n}", "conversation_id": cid, "role": "assistant",
                     "content": f"answer {n}", "product_ids": [], "created_at": at,
                     "intent": None}]
            conn.execute(sa.insert(Conversation.__table__), conversations)
            conn.execute(sa.insert(Message.__table__), messages)


def app_on(url: str, data_dir: str):
    settings = Settings(data_dir=data_dir, database_url=url, bridge_secret=SECRET,
                        admin_token=TOKEN, providers=("offline",), poll_rate_limit=100_000,
                        rate_limit=100_000)
    db.migrate(settings)
    return create_app(settings)


def bench_list(url: str, data_dir: str, count: int, repeat: int) -> None:
    app = app_on(url, data_dir)
    engine = app.extensions["fahad"].engine
    started = time.perf_counter()
    fill(engine, count)
    with engine.begin() as conn:  # as autovacuum would have by now: the planner's statistics
        conn.execute(sa.text("ANALYZE"))
    print(f"  {count:,} conversations stored in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    since = (datetime.now(timezone.utc) - timedelta(days=30)).date().isoformat()
    query = f"{NAMESPACE}/admin/conversations?intent=order_status&since={since}&per_page=100"

    def page():
        response = client.get(query, headers=ADMIN)
        assert response.status_code == 200 and len(response.get_json()["conversations"]) == 100

    body = client.get(query, headers=ADMIN).get_json()
    print(f"  filter intent=order_status, since {since}: total {body['total']:,}")
    shipped = summary(measure(page, repeat))
    everything = summary(measure(
        lambda: client.get(f"{NAMESPACE}/admin/conversations?per_page=100", headers=ADMIN),
        repeat))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_conversations_intent_updated"))
    baseline = summary(measure(page, max(20, repeat // 4)))
    print(line("  unfiltered page of 100 (with total)", everything))
    print(line("  baseline: filtered, no (intent, updated_at) index", baseline))
    print(line("  filtered page of 100 (intent + date, total)", shipped, baseline))
    engine.dispose()


def bench_reply_delay(url: str, data_dir: str, replies: int, interval: float) -> None:
    worker_a, worker_b = app_on(url, data_dir + "/a"), app_on(url, data_dir + "/b")
    shopper, person = worker_a.test_client(), worker_b.test_client()
    nonce = {"X-WP-Nonce": issue_nonce(SECRET)}
    ref = "bench-delay-ref-1"
    shopper.post(f"{NAMESPACE}/handoff", json={"conversation_ref": ref}, headers=nonce)
    cid = person.get(f"{NAMESPACE}/admin/conversations?status=escalated&per_page=1",
                     headers=ADMIN).get_json()["conversations"][0]["id"]
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()

    def poll():
        after = 0
        while not stop.is_set():
            body = shopper.get(f"{NAMESPACE}/conversation?ref={ref}&after={after}",
                               headers=nonce).get_json()
            now = time.perf_counter()
            for message in body["messages"]:
                after = max(after, message["id"])
                seen.setdefault(message["content"], now)
            stop.wait(interval)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    rng = random.Random(3)
    for n in range(replies):
        time.sleep(rng.uniform(0, interval))
        text = f"reply {n}"
        person.post(f"{NAMESPACE}/admin/conversation/reply", json={"id": cid, "text": text},
                    headers=ADMIN)
        sent[text] = time.perf_counter()
    time.sleep(interval + 0.5)
    stop.set()
    poller.join()
    delays = [(seen[t] - sent[t]) * 1000 for t in sent if t in seen]
    print(f"  {len(delays)}/{replies} replies seen")
    print(line(f"  reply -> shopper's poll (every {interval:g} s)", summary(delays)))
    poll_cost = summary(measure(lambda: shopper.get(
        f"{NAMESPACE}/conversation?ref={ref}&after=0", headers=nonce), 100))
    print(line("  one poll (the request itself)", poll_cost))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (a fresh schema)")
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--interval", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite, {args.conversations:,} conversations")
        bench_list(f"sqlite:///{tmp}/list.sqlite3", tmp + "/l", args.conversations, args.repeat)
        if args.postgres:
            schema = f"bench_{random.randrange(1 << 30)}"
            admin = sa.create_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
            try:
                sep = "&" if "?" in args.postgres else "?"
                print(f"PostgreSQL, {args.conversations:,} conversations")
                bench_list(f"{args.postgres}{sep}options=-csearch_path%3D{schema}", tmp + "/p",
                           args.conversations, args.repeat)
            finally:
                with admin.begin() as conn:
                    conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
        print("Reply delay, two apps on one SQLite database")
        bench_reply_delay(f"sqlite:///{tmp}/delay.sqlite3", tmp + "/d", args.replies,
                          args.interval)


if __name__ == "__main__":
    main()
