"""Delay from a person's reply in the inbox to the words on the shopper's screen, in chromium.

A real bridge (werkzeug, threaded, SQLite, the demo store, the offline provider) on a loopback
port; Debian's chromium opens the demo page, asks for a person, and then, --replies times, the
bench posts a reply as the store (POST /admin/conversation/reply) and times until the widget
has drawn it (a MutationObserver in the page stamps the moment). The widget polls
GET /conversation every --poll ms (its default, 3000). Beside it, in the same run: one
GET /conversation straight from Python (the floor a poll costs), and the same delay with a
250 ms poll, to show what the interval itself adds.
    .venv/bin/python bench/handoff_delay.py [--replies 20]
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import line, measure, summary  # noqa: E402

from bridge import create_app, db  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import issue_nonce  # noqa: E402
from bridge.settings import Settings  # noqa: E402

TOKEN = "bench-admin-token"
CHROMIUM = "/usr/bin/chromium"

STAMP = """() => {
  window.__seen = {};
  new MutationObserver(() => {
    for (const m of document.querySelectorAll('.fahad-ai-msg-person')) {
      const text = m.textContent;
      const key = (text.match(/reply-\\d+-\\d+/) || [])[0];
      if (key && !(key in window.__seen)) window.__seen[key] = Date.now();
    }
  }).observe(document.getElementById('fahad-ai-messages'), {subtree: true, childList: true});
}"""


def serve(tmp: Path):
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per poll

    settings = Settings(data_dir=str(tmp), admin_token=TOKEN, providers=("offline",),
                        rate_limit=100_000, bridge_secret="bench-secret-" + "x" * 20)
    server = make_server("127.0.0.1", 0, None, threaded=True)  # only to pick a port
    port = server.server_port
    server.server_close()
    settings = settings.replace(public_url=f"http://127.0.0.1:{port}")
    engine = db.make_engine(settings)
    db.upgrade(engine)
    engine.dispose()
    app = create_app(settings)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{port}", app


def delays(browser, url: str, replies: int, poll_ms: int) -> list[float]:
    context = browser.new_context()
    page = context.new_page()
    # The demo page writes its config inline; the bench only shortens the poll when asked.
    page.add_init_script(f"""Object.defineProperty(window, 'fahadAiChatbot', {{
        configurable: true,
        set(v) {{ v.pollInterval = {poll_ms}; Object.defineProperty(window, 'fahadAiChatbot',
                  {{value: v, writable: true, configurable: true}}); }} }});""")
    page.goto(url + "/")
    page.click("#fahad-ai-launcher")
    page.click("#fahad-ai-person")
    page.wait_for_selector("#fahad-ai-handoff:not([hidden])", timeout=30_000)
    page.evaluate(STAMP)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    listed = requests.get(url + NAMESPACE + "/admin/conversations?status=escalated",
                          headers=admin, timeout=30).json()["conversations"]
    conversation = listed[0]["id"]
    out = []
    jitter = random.Random(17)
    for n in range(replies):
        key = f"reply-{poll_ms}-{n}"
        # The browser's clock and this one are the same machine's wall clock.
        sent = time.time() * 1000
        answer = requests.post(url + NAMESPACE + "/admin/conversation/reply", headers=admin,
                               json={"id": conversation, "text": f"Hello {key}", "author": "Sam"},
                               timeout=30)
        answer.raise_for_status()
        page.wait_for_function(f"() => '{key}' in window.__seen", timeout=30_000)
        out.append(page.evaluate(f"window.__seen['{key}']") - sent)
        # The next reply lands anywhere in the poll cycle, not just after a poll returned.
        time.sleep(jitter.uniform(0, poll_ms / 1000))
    context.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--poll", type=int, default=3000, help="the widget's poll (ms)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server, url, app = serve(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=["--no-sandbox"])
                slow = delays(browser, url, args.replies, args.poll)
                fast = delays(browser, url, args.replies, 250)
                browser.close()
            # The floor: what one poll costs, a shopper's GET /conversation from Python.
            shopper = requests.Session()
            shopper.headers["X-WP-Nonce"] = issue_nonce(app.extensions["fahad"].settings.bridge_secret)
            shopper.post(url + NAMESPACE + "/handoff", json={"conversation_ref": "bench-floor-1"},
                         timeout=30).raise_for_status()
            floor = measure(lambda: shopper.get(
                url + NAMESPACE + "/conversation?ref=bench-floor-1&after=0", timeout=30
            ).raise_for_status(), repeat=50)
        finally:
            server.shutdown()
            app.extensions["fahad"].engine.dispose()
    print(json.dumps({"replies": args.replies, "poll_ms": args.poll}))
    base = summary(floor)
    print(line("one read of the conversation (floor)", base))
    print(line(f"reply -> shopper's screen, {args.poll} ms poll", summary(slow)))
    print(line("reply -> shopper's screen, 250 ms poll", summary(fast)))


if __name__ == "__main__":
    main()
