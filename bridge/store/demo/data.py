"""The demo shop's data, generated without network from a fixed seed.

``generate(anchor)`` gives the whole shop (``DemoData``) for the demo store; the same anchor
always gives identical data, and ``anchor_for(now)`` is the anchor whose data has no future. ``generate_catalogue(count)`` gives many products for benchmarks.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from ..base import Category, Coupon, Order, Product, Review
from .history import make_orders, make_reviews
from .products import CENT, build_product, category, slugify
from .assortment import EXTERNAL, SECTIONS, UNMANAGED, UNPUBLISHED
from .vocabulary import COLOURS, PREFIXES

SEED = 20240611
FIRST_PRODUCT_ID = 101
FIRST_VARIATION_ID = 1001
# Orders and reviews end at 06:00 UTC on the anchor day: the demo store takes today as its
# anchor from 06:00 UTC on, and yesterday before, so nothing it holds is dated after now.
ANCHOR_HOUR = 6
# Order statuses whose units count towards a product's total_sales.
SOLD_STATUSES = frozenset({"processing", "completed", "on-hold"})


@dataclass(frozen=True)
class DemoData:
    """Everything in the demo shop; ``products`` includes drafts and private products."""

    anchor: date
    categories: tuple[Category, ...]
    products: tuple[Product, ...]
    reviews: tuple[Review, ...]
    orders: tuple[Order, ...]
    coupons: tuple[Coupon, ...]


def anchor_for(moment: datetime) -> date:
    """The latest anchor day whose end (06:00 UTC) is not after ``moment``: a shop generated
    for it holds no order or review dated in the future, at any hour."""
    return (moment.astimezone(timezone.utc) - timedelta(hours=ANCHOR_HOUR)).date()


def generate(anchor: date, base_url: str = "", currency: str = "USD") -> DemoData:
    """The demo shop as of ``anchor``; only dates depend on it.

    Orders span the 90 days before 06:00 UTC on the anchor day and reviews the 120 days.
    A product's ``total_sales`` counts the units of its processing, completed and on-hold
    orders (partly refunded ones in full); cancelled and refunded orders don't count.
    Ratings average the approved reviews only. URLs are ``base_url`` plus a path.
    """
    rng = random.Random(SEED)
    end = datetime.combine(anchor, time(ANCHOR_HOUR), tzinfo=timezone.utc)
    products = shop_products(rng, end, base_url.rstrip("/"))
    # Popularity: a few bestsellers, a long tail.
    weights = [rng.uniform(0.5, 2.0) ** 3 for _ in products]
    reviews = make_reviews(rng, products, weights, end)
    orders, coupons = make_orders(rng, products, weights, end, currency)
    return DemoData(
        anchor=anchor,
        categories=tuple(category(section) for section, _ in SECTIONS),
        products=tuple(with_stats(products, reviews, orders)),
        reviews=tuple(reviews), orders=tuple(orders), coupons=tuple(coupons))


def shop_products(rng: random.Random, end: datetime, base_url: str) -> list[Product]:
    """Every template once, unpublished ones mixed in, ids in a shuffled order as in a real shop."""
    sections = {section.id: section for section, _ in SECTIONS}
    entries = [(s, t, "publish", None) for s, templates in SECTIONS for t in templates]
    entries.append((sections[EXTERNAL[0]], EXTERNAL[1], "publish", "external"))
    entries += [(sections[sid], t, status, None) for sid, status, t in UNPUBLISHED]
    rng.shuffle(entries)
    products, next_variation = [], FIRST_VARIATION_ID
    for pid, (section, template, status, kind) in enumerate(entries, start=FIRST_PRODUCT_ID):
        created = end - timedelta(seconds=rng.randint(150 * 86400, 900 * 86400))
        modified = max(created, end - timedelta(seconds=rng.randint(3600, 200 * 86400)))
        product = build_product(
            rng, pid, next_variation, section, template, base_url=base_url, created=created,
            modified=modified, status=status, kind=kind, managed=template.name not in UNMANAGED)
        next_variation += len(product.variations)
        products.append(product)
    return products


def with_stats(products: list[Product], reviews: list[Review],
               orders: list[Order]) -> list[Product]:
    ratings = defaultdict(list)
    for review in reviews:
        if review.status == "approved":
            ratings[review.product_id].append(review.rating)
    sold = Counter()
    for order in orders:
        if order.status in SOLD_STATUSES:
            for line in order.lines:
                sold[line.product_id] += line.quantity
    return [replace(
        p, rating_count=len(ratings[p.id]), total_sales=sold[p.id],
        average_rating=(Decimal(sum(ratings[p.id])) / len(ratings[p.id])).quantize(CENT)
        if ratings[p.id] else None) for p in products]


def generate_catalogue(count: int, seed: int = 7, base_url: str = "") -> list[Product]:
    """``count`` published products with varied names, prices, colours, sales and stock.

    Ids run from 101; variations (two or three per variable product) follow the last product id.
    """
    rng = random.Random(seed)
    base_url = base_url.rstrip("/")
    pool = [(section, template) for section, templates in SECTIONS for template in templates]
    colours = tuple(COLOURS)
    epoch = datetime(2025, 1, 1, tzinfo=timezone.utc)
    next_variation = max(FIRST_VARIATION_ID, FIRST_PRODUCT_ID + count)
    products = []
    for pid in range(FIRST_PRODUCT_ID, FIRST_PRODUCT_ID + count):
        section, template = pool[rng.randrange(len(pool))]
        colour = colours[rng.randrange(len(colours))]
        # 70% to 140% of the template's price, to the half dollar.
        halves = (Decimal(template.price) * rng.randint(70, 140) / 50).quantize(Decimal(1))
        template = template._replace(colours=(colour,), price=str((halves / 2).quantize(CENT)))
        name = f"{PREFIXES[rng.randrange(len(PREFIXES))]} {template.name} in {colour}"
        created = epoch - timedelta(seconds=rng.randint(0, 700 * 86400))
        product = build_product(
            rng, pid, next_variation, section, template, base_url=base_url, created=created,
            modified=created + timedelta(seconds=rng.randint(0, 300 * 86400)), name=name,
            slug=f"{slugify(name)}-{pid}", managed=rng.random() > 0.02,
            max_variations=rng.randint(2, 3))
        next_variation += len(product.variations)
        products.append(product)
    return products
