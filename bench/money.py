"""The one money module's cost: bridge.catalog.money.amount (half up, any length) against
the plain two-place format the cards used before, measured in the same run.

Times the index rows of a generated catalogue (card and catalogue item per product, as a
sync prepares them) built with each, and the single call on a few prices.
    .venv/bin/python bench/money.py [--products 10000] [--repeat 20]
"""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import measure, summary  # noqa: E402

from bridge.catalog import cards, money  # noqa: E402
from bridge.store.demo.data import generate_catalogue  # noqa: E402

PRICES = (Decimal("19.99"), Decimal("5"), Decimal("123.456"), None)


def plain(value: Decimal | None) -> str | None:
    """The baseline: Python's own two-place format (half even)."""
    return None if value is None else f"{value:.2f}"


def rows(products, currency: str = "USD") -> None:
    for product in products:
        cards.card(product, currency)
        cards.catalogue_item(product, currency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    products = generate_catalogue(args.products)
    timed = {}
    for label, writer in (("plain format", plain), ("money.amount", money.amount)):
        cards.money = writer  # the name cards.py writes every price with
        timed[label] = summary(measure(lambda: rows(products), args.repeat, warmup=1))
        calls = summary(measure(lambda: [writer(p) for p in PRICES for _ in range(250)],
                                args.repeat * 10))
        timed[label + " call"] = {k: v / 1000 for k, v in calls.items() if k != "n"}
    cards.money = money.amount
    base, ours = timed["plain format"], timed["money.amount"]
    print(f"index rows of {args.products} products: plain format median {base['median']:.1f} ms"
          f", money.amount median {ours['median']:.1f} ms (p99 {ours['p99']:.1f}), "
          f"x{ours['median'] / base['median']:.2f} of plain")
    base, ours = timed["plain format call"], timed["money.amount call"]
    print(f"one price: plain format {base['median'] * 1000:.2f} us, money.amount "
          f"{ours['median'] * 1000:.2f} us, x{ours['median'] / base['median']:.2f} of plain")


if __name__ == "__main__":
    main()
