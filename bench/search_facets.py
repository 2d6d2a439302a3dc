"""What facets and page tokens cost a search: the chat's search_products (a page of 10 drawn
from the best 100, their facets, a signed token per refinement and for the next page)
against the index's plain best 10 (what search_products read before issue 22), same queries,
same index, same run; and a token-paged page 3 (20 ids to leave out).

    .venv/bin/python bench/search_facets.py [--products 50000] [--repeat 200]
"""
from __future__ import annotations

import argparse
import datetime
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import line, measure, summary  # noqa: E402

from bridge.agent.tools.registry import ToolContext  # noqa: E402
from bridge.agent.tools.search import displayed, search_products  # noqa: E402
from bridge.catalog.index import CatalogIndex  # noqa: E402
from bridge.store.demo.data import generate, generate_catalogue  # noqa: E402

QUERIES = [("hoodie", {}), ("black hoodie", {}), ("hoodies", {"max_price": 50}),
           ("t-shirt", {}), ("merino wool socks", {}), ("waterproof jacket", {}),
           ("sneakers", {"min_price": 40, "max_price": 120}), ("linen", {}), ("mug", {})]
SECRET = "bench-secret-0123456789abcdef"


def run(label: str, products, repeat: int, workdir: Path) -> None:
    index = CatalogIndex(workdir / f"{label}.sqlite3")
    count = index.replace_all(products, "USD")
    print(f"\n== {label}: {count} indexed products")
    rng = random.Random(1)
    mix = [QUERIES[rng.randrange(len(QUERIES))] for _ in range(repeat)]
    cursor = iter(range(10**9))

    def plain():
        query, filters = mix[next(cursor) % len(mix)]
        return index.search(query, limit=10, **filters)

    def tool():
        query, filters = mix[next(cursor) % len(mix)]
        ctx = ToolContext(store=None, index=index, secret=SECRET)
        result = search_products(ctx, {"query": query, "limit": 10, "offset": 0, **filters})
        return displayed(ctx, result, result.cards)

    tokens = []
    for query, filters in QUERIES:
        token = None
        for _ in range(2):
            ctx = ToolContext(store=None, index=index, secret=SECRET)
            args = {"page_token": token} if token else {"query": query, **filters}
            result = search_products(ctx, {"limit": 10, "offset": 0, **args})
            token = (displayed(ctx, result, result.cards) or {}).get("next_page_token")
            if not token:
                break
        if token:
            tokens.append(token)

    def third_page():
        token = tokens[next(cursor) % len(tokens)]
        ctx = ToolContext(store=None, index=index, secret=SECRET)
        result = search_products(ctx, {"page_token": token, "limit": 10, "offset": 0})
        return displayed(ctx, result, result.cards)

    # Interleaved, one call of each in turn, so a busy machine weighs on all three alike.
    runs = [plain, tool, third_page] if tokens else [plain, tool]
    for fn in runs:
        measure(fn, 0)
    times = [[] for _ in runs]
    for _ in range(repeat):
        for fn, out in zip(runs, times):
            out += measure(fn, 1, 0)
    baseline = summary(times[0])
    print(line("index.search best 10 (baseline)", baseline))
    print(line("search_products + facets + tokens", summary(times[1]), baseline))
    if tokens:
        print(line("page 3 by token (20 ids left out)", summary(times[2]), baseline))
    ctx = ToolContext(store=None, index=index, secret=SECRET)
    sample = displayed(ctx, *(lambda r: (r, r.cards))(search_products(
        ctx, {"query": "hoodie", "limit": 10, "offset": 0})))
    size = sum(len(v.get("page_token", "")) for f in sample["facets"] for v in f["values"])
    print(f"   'hoodie': {len(sample['facets'])} facets, {size} characters of refinement "
          f"tokens, next page token {len(sample['next_page_token'] or '')} characters")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run("demo", generate(datetime.date.today(), "http://shop.test").products, args.repeat,
            work)
        run(f"generated {args.products}", generate_catalogue(args.products,
                                                             base_url="http://shop.test"),
            args.repeat, work)


if __name__ == "__main__":
    main()
