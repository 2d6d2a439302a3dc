"""What WordPress adds: a request through the plugin versus straight to the bridge, and the
first frame of /stream three ways: direct with a signed context (the baseline), through
WordPress's PHP (the proxy), and straight from the bridge with the stream token the plugin
minted (what the widget does when the bridge is reachable from the browser).

Sets up the tests' real WordPress 6.8 (MariaDB, `php -S`, the plugin active, its "Bridge URL
for browsers" set) in front of a bridge on a loopback port that allows the site's origin,
both on this machine. Baseline, in the same run: the same request sent to the bridge
directly with a signed context, as the plugin would send it.
    .venv/bin/python bench/wordpress.py [--requests 200] [--streams 40]
Needs what the WordPress tests need (scripts/system-deps).
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from _stats import line, summary  # noqa: E402
from bridge.routes import NAMESPACE  # noqa: E402
from bridge.security import sign_context  # noqa: E402
from fakes.anthropic_api import FakeAnthropic, Message, Text  # noqa: E402
from wordpress.conftest import bridge_settings, serve_bridge  # noqa: E402
from wordpress.site import WordPressSite  # noqa: E402

SECRET = "bench-secret"
CART = {"action": "view"}
TURN = {"messages": [{"role": "user", "content": "hi"}]}


def signed(method: str, path: str, body: bytes) -> dict:
    context = {"uid": 0, "caps": [], "ip": "127.0.0.1", "iat": int(time.time())}
    value, signature = sign_context(SECRET, context, method, path, body)
    return {"X-Fahad-Context": value, "X-Fahad-Signature": signature,
            "Content-Type": "application/json"}


def interleaved(fns, n: int, warmup: int = 5) -> list[list[float]]:
    """ms per call of each function, called in turn, so a busy moment of the machine
    weighs on every variant alike."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(n):
        for fn, bucket in zip(fns, times):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return times


def first_frame(send) -> float:
    """ms from sending /stream to the first `event:` line reaching the client."""
    start = time.perf_counter()
    response = send()
    for raw in response.iter_lines(chunk_size=1):
        if raw.startswith(b"event: "):
            elapsed = (time.perf_counter() - start) * 1000
            response.close()
            return elapsed
    raise RuntimeError("no frame: " + str(response.status_code))


def page_config(session: requests.Session, url: str) -> dict:
    html = session.get(url + "/", timeout=30).text
    return json.loads(re.search(r"window\.fahadAiChatbot = (\{.*?\});", html).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--streams", type=int, default=40)
    args = parser.parse_args()
    for name in ("werkzeug", "httpx", "flask-limiter", "bridge"):
        logging.getLogger(name).setLevel(logging.ERROR)
    fake = FakeAnthropic().start()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "bridge").mkdir()
        site = WordPressSite(tmp)
        bridge = serve_bridge(bridge_settings(
            tmp / "bridge", bridge_secret=SECRET, rate_limit=10**9, agent_rate_limit=10**9,
            providers=("anthropic", "offline"), anthropic_api_key="k",
            anthropic_base_url=fake.url, model_max_retries=0, storefront_origins=(site.url,)))
        site.install(bridge.url, SECRET)
        site.set_option("fahad_ai_direct_url", bridge.url)
        site.serve()
        try:
            session = requests.Session()
            nonce = page_config(session, site.url)["nonce"]
            wp_headers = {"X-WP-Nonce": nonce}
            # A returning guest: one cart request set their cookies and brought a token.
            cart = session.post(site.rest + "/cart", json=CART, headers=wp_headers, timeout=30)
            token_headers = {"X-Fahad-Token": cart.headers["X-Fahad-Stream-Token"],
                             "Origin": site.url, "X-WP-Nonce": nonce,
                             "Content-Type": "application/json"}
            direct = requests.Session()
            cart_path = NAMESPACE + "/cart"
            body = json.dumps(CART).encode()

            runs = interleaved([
                lambda: direct.post(bridge.url + cart_path, data=body, timeout=30,
                                    headers=signed("POST", cart_path, body)),
                lambda: session.post(site.rest + "/cart", json=CART, headers=wp_headers, timeout=30),
                lambda: session.post(site.url + "/wp-json/fahad-test/v1/ping", json=CART, timeout=30),
            ], args.requests)
            base, through, floor = (summary(r) for r in runs)
            print(f"POST /cart (view), {args.requests} requests each, one client, interleaved")
            print(line("direct to the bridge (baseline)", base))
            print(line("through WordPress (php -S, opcache)", through))
            print(line("WordPress alone: a no-op REST route", floor))
            added = through["median"] - base["median"]
            print(f"{'':44} added by WordPress: median {added:.2f} ms,"
                  f" p99 {through['p99'] - base['p99']:.2f} ms; ratio x{through['median'] / base['median']:.1f}")
            print(f"{'':44} WordPress booting for any REST request: median {floor['median']:.2f} ms;"
                  f" the plugin's forwarding beyond it: {added - floor['median']:.2f} ms")

            stream_path = NAMESPACE + "/stream"
            turn = json.dumps(TURN).encode()

            def direct_stream():
                fake.reply(Message([Text("hello there")]))
                return direct.post(bridge.url + stream_path, data=turn, stream=True, timeout=30,
                                   headers=signed("POST", stream_path, turn))

            def wp_stream():
                fake.reply(Message([Text("hello there")]))
                return session.post(site.rest + "/stream", json=TURN, stream=True, timeout=30,
                                    headers=wp_headers)

            def token_stream():
                fake.reply(Message([Text("hello there")]))
                return direct.post(bridge.url + stream_path, data=turn, stream=True, timeout=30,
                                   headers=token_headers)

            def preflight():
                start = time.perf_counter()
                direct.options(bridge.url + stream_path, timeout=30, headers={
                    "Origin": site.url, "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,x-fahad-token,x-wp-nonce"})
                return (time.perf_counter() - start) * 1000

            ways = (lambda: first_frame(direct_stream), lambda: first_frame(wp_stream),
                    lambda: first_frame(token_stream), preflight)
            for _ in range(3):
                for way in ways:
                    way()
            rows = [[way() for way in ways] for _ in range(args.streams)]
            ff_base, ff_wp, ff_token, ff_preflight = (summary([row[i] for row in rows])
                                                      for i in range(4))
            fake.script.clear()
            print(f"\nPOST /stream, first frame, {args.streams} turns each, interleaved (scripted model)")
            print(line("direct, signed context (baseline)", ff_base))
            print(line("through WordPress's PHP (the proxy)", ff_wp))
            print(line("direct with the stream token", ff_token))
            for name, ff in (("through WordPress", ff_wp), ("with the stream token", ff_token)):
                added = ff["median"] - ff_base["median"]
                print(f"{'':44} {name}: added median {added:.2f} ms,"
                      f" p99 {ff['p99'] - ff_base['p99']:.2f} ms; ratio x{ff['median'] / ff_base['median']:.2f}"
                      f" (target < 20 ms: {'met' if added < 20 else 'NOT met'})")
            print(f"{'':44} WordPress booting ({floor['median']:.2f} ms) is most of the proxy's cost")
            print(line("CORS preflight (a browser, once per 600 s)", ff_preflight))
        finally:
            site.stop()
            bridge.stop()
    fake.stop()


if __name__ == "__main__":
    main()
