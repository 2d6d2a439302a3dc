"""Many products at once, for sync benchmarks: published simple products and some variable ones
with 2-3 variations, each built from a recorded record so the wc/v3 shape is exact.
"""
from __future__ import annotations

import json
import random

from .catalog import Catalog
from .php import sanitize_title, site_date

ADJECTIVES = ("Classic", "Organic", "Linen", "Merino", "Canvas", "Vintage", "Everyday", "Trail",
              "Summer", "Winter", "Slim", "Relaxed", "Recycled", "Heavy", "Light")
NOUNS = ("Tee", "Hoodie", "Cap", "Scarf", "Tote", "Belt", "Socks", "Jacket", "Shorts", "Shirt",
         "Beanie", "Backpack", "Wallet", "Gloves", "Sweater")
CATEGORIES = (16, 17, 18)  # Clothing, T-Shirts, Accessories
TAGS = (19, 20, 21)
SIZES, COLORS = ("S", "M", "L"), ("Red", "Blue")
VARIABLE_SHARE = 0.2
SPREAD = 60 * 86400  # the recorded catalogue "grew over 60 days"


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def add_generated_products(catalog: Catalog, n: int, seed: int = 0) -> list[int]:
    """Create ``n`` published products (about a fifth variable) and return their ids.
    Deterministic for a given seed and clock; no webhooks fire (it stands for an import)."""
    rng = random.Random(seed)
    now = catalog.clock()
    simple = json.dumps(catalog.simple_template)
    variable = json.dumps(catalog.variable_template)
    variation = json.dumps(catalog.variation_template)
    products, variations = [], []
    for number in range(n):
        is_variable = rng.random() < VARIABLE_SHARE
        record = json.loads(variable if is_variable else simple)
        product_id = catalog.new_id()
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {seed}-{number}"
        created = now - rng.randrange(SPREAD)
        stamps = {"date_created": site_date(created), "date_modified": site_date(
            created + rng.randrange(int(now - created) + 1))}
        regular = rng.randrange(500, 20000)
        on_sale = rng.random() < 0.15
        category = rng.choice(CATEGORIES)
        record.update(
            id=product_id, name=name, slug=f"{sanitize_title(name)}-{product_id}",
            sku=f"GEN-{seed}-{number}", description=f"<p>{name}, generated for tests.</p>",
            short_description=f"<p>{name}.</p>", total_sales=rng.randrange(50),
            average_rating="0.00", rating_count=0, featured=False, images=[], meta_data=[],
            categories=[catalog.term_ref("categories", category)],
            tags=[catalog.term_ref("tags", t) for t in rng.sample(TAGS, rng.randrange(3))],
            **stamps, **{k + "_gmt": v for k, v in stamps.items()})
        if is_variable:
            combos = rng.sample([(s, c) for s in SIZES for c in COLORS], rng.choice((2, 3)))
            record["attributes"][0]["options"] = sorted({s for s, _ in combos},
                                                        key=SIZES.index)
            record["attributes"][1]["options"] = sorted({c for _, c in combos},
                                                        key=COLORS.index)
            record["default_attributes"] = []
            record["variations"] = []
            for size, color in combos:
                child = json.loads(variation)
                child_id = catalog.new_id()
                price = regular + rng.randrange(0, 500, 100)
                managed = rng.random() < 0.7
                child.update(
                    id=child_id, parent_id=product_id, name=f"{size}, {color}",
                    sku=f"GEN-{seed}-{number}-{size}-{color}", regular_price=_money(price),
                    sale_price="", manage_stock=managed,
                    stock_quantity=rng.randrange(0, 30) if managed else None,
                    stock_status="instock", image=None, meta_data=[], **stamps,
                    **{k + "_gmt": v for k, v in stamps.items()},
                    attributes=[{"id": 1, "name": "Size", "slug": "pa_size", "option": size},
                                {"id": 2, "name": "Color", "slug": "pa_color", "option": color}])
                record["variations"].append(child_id)
                variations.append(child)
        else:
            managed = rng.random() < 0.5
            record.update(
                regular_price=_money(regular),
                sale_price=_money(regular * rng.randrange(50, 95) // 100) if on_sale else "",
                manage_stock=managed, stock_quantity=rng.randrange(0, 40) if managed else None,
                stock_status="instock", low_stock_amount=None)
        products.append(record)
    catalog.insert(products, variations)
    return [p["id"] for p in products]
