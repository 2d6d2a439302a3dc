"""get_shipping_options against the loopback WooCommerce: a turn's shipping answer with the
store's zones cached (the shipped behaviour, 10 minutes) against reading them afresh each time
(the baseline: zones, then each zone's locations and methods, then the settings and pages),
and that fresh read with ZONE_WORKERS zones at once against one at a time.

The fake serves its recorded zone plus ``--zones`` more, each with a location and two methods,
over OAuth 1.0a on plain http, as a small shop's server would. Prints median and p99 per call
and the requests each made.
    .venv/bin/python bench/shipping_options.py [--zones 20] [--repeat 30]
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from _stats import line, measure, summary  # noqa: E402
from bridge.agent.tools import STOREFRONT_TOOLS  # noqa: E402
from bridge.agent.tools.registry import ToolContext  # noqa: E402
from bridge.store.woocommerce import WooCommerceStore, WooHttp  # noqa: E402
from bridge.store.woocommerce import shipping  # noqa: E402
from fakes.woocommerce import READ, FakeWooCommerce  # noqa: E402

TOOL = STOREFRONT_TOOLS["get_shipping_options"]
COUNTRIES = ("AT", "BE", "CH", "CZ", "DK", "ES", "FI", "FR", "GB", "GR", "HU", "IE", "IT", "NL",
             "NO", "PL", "PT", "RO", "SE", "SK", "CA", "MX", "JP", "AU", "NZ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    fake = FakeWooCommerce().start()
    try:
        for n, country in enumerate(COUNTRIES[:args.zones]):
            fake.shipping.add_zone(country, [("country", country)],
                                   [("flat_rate", {"cost": f"{10 + n}.00"}),
                                    ("free_shipping", {"requires": "min_amount",
                                                       "min_amount": "100"})], order=n + 1)
        shared = WooCommerceStore(WooHttp(fake.url, *READ, 10.0), "Bench Shop")

        def cached():
            TOOL.handler(ToolContext(store=shared, index=None), {"country": "FR"})

        def afresh():
            store = WooCommerceStore(WooHttp(fake.url, *READ, 10.0), "Bench Shop")
            TOOL.handler(ToolContext(store=store, index=None), {"country": "FR"})

        before = len(fake.log.to("/wp-json/"))
        afresh()
        per_cold = len(fake.log.to("/wp-json/")) - before
        cold = summary(measure(afresh, args.repeat, warmup=2))
        workers, shipping.ZONE_WORKERS = shipping.ZONE_WORKERS, 1
        serial = summary(measure(afresh, args.repeat, warmup=2))
        shipping.ZONE_WORKERS = workers
        cached()
        before = len(fake.log.to("/wp-json/"))
        warm = summary(measure(cached, args.repeat * 10, warmup=5))
        per_warm = (len(fake.log.to("/wp-json/")) - before) / (args.repeat * 10 + 5)
    finally:
        fake.stop()
    print(f"{args.zones + 1} zones plus the catch-all, OAuth over http, {args.repeat} cold calls")
    print(line("read afresh, one zone at a time", serial))
    print(line(f"read afresh, {workers} zones at once ({per_cold} requests)", cold, serial))
    print(line(f"cached ({per_warm:.0f} requests a call)", warm, cold))


if __name__ == "__main__":
    main()
