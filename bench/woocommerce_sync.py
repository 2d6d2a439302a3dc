"""A full catalogue sync of 10,000 products from the loopback WooCommerce, then search.

The tests' WooCommerce server (built from the recorded exchanges) serves 10,000 generated
products over HTTP with OAuth 1.0a; the bridge reads them page by page with variations and
builds its index, in a process of its own (so its peak memory is its own, and it doesn't
share a GIL with the server). Prints the server's own speed first (generating the products
against copying a recorded one, a page of ids against one product), then products per
second and that peak memory, then search median and p99 on the synced index against a
LIKE scan of the same rows.
    .venv/bin/python bench/woocommerce_sync.py [--products 10000]
"""
from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from bridge.catalog import sync  # noqa: E402
from bridge.catalog.index import CatalogIndex  # noqa: E402
from bridge.store.woocommerce import WooCommerceStore, WooHttp  # noqa: E402

# The loopback server's read-only key (tests/fakes/woocommerce/auth.py), here so the syncing
# process imports nothing of the server.
READ = ("ck_placeholder_read_only_key_00000000000000", "cs_placeholder_read_only_secret_00000000000")


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent that started it)."""
    with open("/proc/self/status") as status:
        line = next(l for l in status if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(url: str, path: str, workers: str) -> None:
    """The sync itself, run in its own process with ``workers`` reading variations;
    prints its figures as JSON."""
    from bridge.store.woocommerce import store as woo

    woo.VARIATION_WORKERS = int(workers)
    store = WooCommerceStore(WooHttp(url, *READ, 30.0), "bench")
    before = peak_rss_mib()
    started = time.perf_counter()
    count = sync.full_sync(store, CatalogIndex(Path(path)))
    print(json.dumps({"count": count, "seconds": time.perf_counter() - started,
                      "rss_before_mib": before,
                      "max_rss_mib": peak_rss_mib()}))


def generation_figures(fake, count: int) -> None:
    """The loopback server's own speed: generating ``count`` products against copying a
    recorded one as many times, and a page of 100 ids against one product, over HTTP."""
    import requests

    from _stats import line, measure, summary

    template = fake.product(min(fake.catalog.products))
    started = time.perf_counter()
    copies = [json.loads(json.dumps(template)) for _ in range(count)]
    copied = time.perf_counter() - started
    started = time.perf_counter()
    fake.add_generated_products(count, seed=11)
    generated = time.perf_counter() - started
    print(f"loopback WooCommerce: {count} products generated in {generated:.1f} s "
          f"(x{generated / copied:.1f} copying a recorded product {len(copies)} times: "
          f"{copied:.2f} s)")
    session = requests.Session()
    session.auth = READ
    products = f"{fake.url}/wp-json/wc/v3/products"
    https = {"X-Forwarded-Proto": "https"}
    pages = max(1, count // 100)
    cursor = iter(range(10**9))

    def page():
        number = next(cursor) % pages + 1
        session.get(products, headers=https, params={
            "per_page": 100, "page": number, "status": "publish", "orderby": "id",
            "order": "asc", "_fields": "id"}).raise_for_status()

    def one():
        session.get(f"{products}/{template['id']}", headers=https).raise_for_status()

    base = summary(measure(one, 100))
    ours = summary(measure(page, 100))
    print(line("GET products/<id> (baseline)", base))
    print(line(f"GET products, a page of 100 of {count}", ours))
    print(f"  a page costs x{ours['median'] / base['median']:.1f} one product")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    from _stats import line, measure, summary
    from fakes.woocommerce import FakeWooCommerce
    from search import QUERIES, like_search, like_table

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    fake = FakeWooCommerce().start()
    generation_figures(fake, args.products)
    with tempfile.TemporaryDirectory() as tmp:
        from bridge.store.woocommerce.store import VARIATION_WORKERS

        # The bridge's pool (one keep-alive connection per variation reader) against one
        # connection doing everything, in the same run.
        for workers in sorted({1, VARIATION_WORKERS}):
            path = Path(tmp) / f"catalog-{workers}.sqlite3"
            fake.log.clear()
            run = subprocess.run([sys.executable, __file__, "--child", fake.url, str(path),
                                  str(workers)], capture_output=True, text=True, check=True)
            figures = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"full sync, {workers} connection(s) reading: {figures['count']} products "
                  f"indexed in {figures['seconds']:.1f} s = "
                  f"{figures['count'] / figures['seconds']:.0f} products/s over "
                  f"{len(fake.log.entries)} requests ({len(fake.log.connections())} TCP "
                  f"connections)")
            print(f"  peak memory of the syncing process: {figures['max_rss_mib']:.0f} MiB "
                  f"peak RSS, {figures['max_rss_mib'] - figures['rss_before_mib']:.0f} MiB more "
                  f"than before the sync (imports alone: {figures['rss_before_mib']:.0f} MiB)")

        index = CatalogIndex(path)
        store = WooCommerceStore(WooHttp(fake.url, *READ, 30.0), "bench")
        products = sync.all_products(store)
        baseline_db = like_table(products, Path(tmp) / "like.sqlite3")
        cursor = iter(range(10**9))

        def fts():
            query, filters = QUERIES[next(cursor) % len(QUERIES)]
            return index.search(query, limit=5, **filters)

        def like():
            query, filters = QUERIES[next(cursor) % len(QUERIES)]
            return like_search(baseline_db, query, filters)

        base = summary(measure(like, args.repeat))
        ours = summary(measure(fts, args.repeat))
        print(line("LIKE '%term%' scan (baseline)", base))
        print(line("index.search after the sync", ours, base))
    fake.stop()


if __name__ == "__main__":
    main()
