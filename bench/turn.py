"""Server-side time of a /message turn with the offline provider, in process.

Each request goes through the whole app (gates, validation, the daily-cap counter, the
agent, persistence on SQLite) via Flask's test client; GET /healthz through the same client
is printed as the floor of the framework itself.
    .venv/bin/python bench/turn.py [--repeat 300]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import line, measure, summary  # noqa: E402

from bridge import create_app, db  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from bridge.settings import Settings  # noqa: E402

PROMPTS = ["hoodies under $50", "t-shirts between 20 and 40", "hi", "show my cart",
           "tell me about the second one", "compare the first two", "socks on sale"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=tmp, bridge_secret="bench", rate_limit=10**9)
        engine = db.make_engine(settings)
        db.upgrade(engine)
        app = create_app(settings)
        client = app.test_client()
        headers = {"X-WP-Nonce": issue_nonce("bench")}
        first = client.post(NAMESPACE + "/message", headers=headers,
                            json={"messages": [{"role": "user", "content": "hoodies"}]})
        ref = first.get_json()["conversation_ref"]
        history = [{"role": "user", "content": "hoodies"},
                   {"role": "assistant", "content": first.get_json()["message"]}]
        counter = iter(range(10**9))

        def turn():
            text = PROMPTS[next(counter) % len(PROMPTS)]
            response = client.post(NAMESPACE + "/message", headers=headers, json={
                "messages": history + [{"role": "user", "content": text}],
                "conversation_ref": ref})
            assert response.status_code == 200

        floor = summary(measure(lambda: client.get("/healthz"), args.repeat))
        turns = summary(measure(turn, args.repeat))
        print(line("GET /healthz (framework floor)", floor))
        print(line("POST /message, offline provider", turns))
        print(f"{'':44} a turn costs {turns['median'] / floor['median']:.0f}x the floor")
        for text in PROMPTS:
            def one(text=text):
                client.post(NAMESPACE + "/message", headers=headers, json={
                    "messages": history + [{"role": "user", "content": text}],
                    "conversation_ref": ref})
            print("   " + line(text, summary(measure(one, 40, 3))))


if __name__ == "__main__":
    main()
