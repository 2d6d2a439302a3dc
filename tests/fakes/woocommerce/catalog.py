"""The catalogue: products, variations, categories, tags, attributes and reviews, seeded from
the recorded wc/v3 bodies as they were before the webhook test's PUT and the checkout.
Descriptions are stored raw (context=edit); every change stamps date_modified and tells the
listeners (webhooks).
"""
from __future__ import annotations

import itertools
import threading
from typing import Callable

from . import recordings
from .php import sanitize_title, site_date, unautop

PRODUCTS = "wc-v3/products/list-status-any.json"
VARIATIONS = ("wc-v3/products/variations-tee.json", "wc-v3/products/variations-hoodie.json")
CATEGORIES = "wc-v3/products/categories.json"
TAGS = "wc-v3/products/tags.json"
ATTRIBUTES = "wc-v3/products/attributes.json"
SIZE_TERMS = "wc-v3/products/attribute-terms-size.json"
REVIEWS = "wc-v3/products/reviews-status-all.json"
UNCATEGORIZED = 15
FIRST_FREE_ID = 39  # ids are shared with orders (33-36, refund 37, checkout order 38)
RELATED_LIMIT = 5

# What WooCommerce stores for a product nobody has filled in (WC_Product's defaults).
NEW_PRODUCT = {
    "name": "", "type": "simple", "status": "publish", "featured": False,
    "catalog_visibility": "visible", "description": "", "short_description": "", "sku": "",
    "price": "", "regular_price": "", "sale_price": "", "date_on_sale_from": None,
    "date_on_sale_from_gmt": None, "date_on_sale_to": None, "date_on_sale_to_gmt": None,
    "on_sale": False, "total_sales": 0, "external_url": "", "button_text": "",
    "manage_stock": False, "stock_quantity": None, "stock_status": "instock",
    "backorders": "no", "low_stock_amount": None, "weight": "",
    "dimensions": {"length": "", "width": "", "height": ""}, "average_rating": "0.00",
    "rating_count": 0, "categories": [], "tags": [], "images": [], "attributes": [],
    "default_attributes": [], "variations": [], "grouped_products": [], "menu_order": 0,
    "related_ids": [], "meta_data": [], "has_options": False, "post_password": "",
}
NEW_VARIATION = {
    "description": "", "sku": "", "price": "", "regular_price": "", "sale_price": "",
    "date_on_sale_from": None, "date_on_sale_from_gmt": None, "date_on_sale_to": None,
    "date_on_sale_to_gmt": None, "on_sale": False, "status": "publish", "manage_stock": False,
    "stock_quantity": None, "stock_status": "instock", "backorders": "no", "weight": "",
    "image": None, "attributes": [], "menu_order": 0, "meta_data": [],
}
TERM_FIELDS = ("categories", "tags")


class Catalog:
    """Products and their taxonomy. ``lock`` guards reads and writes from server threads;
    change records through the methods below, which bump ``version`` for the caches."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.lock = threading.RLock()
        self.listeners: list[Callable[[str, int], None]] = []
        self.version = 0  # bumped on every change; caches key on it
        self._ids = itertools.count(FIRST_FREE_ID)
        self._memo: tuple[int, dict] = (-1, {})
        self.products: dict[int, dict] = {}
        for record in recordings.body(PRODUCTS):
            record["description"] = unautop(record["description"])
            record["short_description"] = unautop(record["short_description"])
            self.products[record["id"]] = record
        self.variations: dict[int, dict] = {
            v["id"]: v for path in VARIATIONS for v in recordings.body(path)}
        self.categories = {c["id"]: c for c in recordings.body(CATEGORIES)}
        self.tags = {t["id"]: t for t in recordings.body(TAGS)}
        self.attributes = {a["id"]: a for a in recordings.body(ATTRIBUTES)}
        # Only Size's terms were recorded; Color's are the ones the Store API shows (25, 26).
        self.terms = {1: recordings.body(SIZE_TERMS), 2: self._color_terms()}
        self.reviews = {r["id"]: r for r in recordings.body(REVIEWS)}
        # Shapes for new records: a plain simple product, a variable product with global
        # attributes, and a managed-stock variation.
        self.simple_template = recordings.fresh(self.products[15])
        self.variable_template = recordings.fresh(self.products[20])
        self.variation_template = recordings.fresh(self.variations[24])

    def _color_terms(self) -> list[dict]:
        size = recordings.body(SIZE_TERMS)[0]
        terms = []
        for term_id, name in ((25, "Red"), (26, "Blue")):
            term = {**size, "id": term_id, "name": name, "slug": name.lower()}
            base = f"{recordings.ORIGIN}/wp-json/wc/v3/products/attributes/2/terms"
            term["_links"] = {"self": [{**size["_links"]["self"][0], "href": f"{base}/{term_id}"}],
                              "collection": [{"href": base}]}
            terms.append(term)
        return terms

    # -- reads --

    def get(self, product_id: int) -> dict | None:
        """A product or a variation record, trashed ones included."""
        return self.products.get(product_id) or self.variations.get(product_id)

    def children(self, record: dict) -> list[dict]:
        """A variable product's variations, or a grouped product's published children."""
        if record["type"] == "variable":
            return [self.variations[v] for v in record["variations"] if v in self.variations]
        if record["type"] == "grouped":
            return [self.products[c] for c in record["grouped_products"]
                    if c in self.products and self.products[c]["status"] == "publish"]
        return []

    def category_tree(self, category_id: int) -> set[int]:
        """A category and all its descendants."""
        tree, frontier = {category_id}, [category_id]
        while frontier:
            parent = frontier.pop()
            for child in (c["id"] for c in self.categories.values() if c["parent"] == parent):
                if child not in tree:
                    tree.add(child)
                    frontier.append(child)
        return tree

    def term_count(self, field: str, term_id: int) -> int:
        """A term's count as WordPress keeps it: published and private products in it."""
        return sum(1 for p in self.products.values() if p["status"] in ("publish", "private")
                   and any(t["id"] == term_id for t in p[field]))

    def related_ids(self, record: dict) -> list[int]:
        """Up to 5 published, visible products sharing a category or a tag (WooCommerce
        shuffles them; the fake keeps index order so responses are reproducible)."""
        index = self.memo("related index", self._related_index)
        related: list[int] = []
        for field in TERM_FIELDS:
            for term in record.get(field, ()):
                for candidate in index.get((field, term["id"]), ()):
                    if candidate != record["id"] and candidate not in related:
                        related.append(candidate)
                        if len(related) == RELATED_LIMIT:
                            return related
        return related

    def _related_index(self) -> dict:
        index: dict = {}
        for product in self.products.values():
            if product["status"] == "publish" and product["catalog_visibility"] in (
                    "visible", "catalog"):
                for field in TERM_FIELDS:
                    for term in product[field]:
                        index.setdefault((field, term["id"]), []).append(product["id"])
        return index

    def memo(self, key, compute: Callable[[], object]):
        """``compute()``, remembered until the catalogue next changes (10,000 products are
        too many to index or sort again on every request)."""
        version, values = self._memo
        if version != self.version:
            values = {}
            self._memo = (self.version, values)
        if key not in values:
            values[key] = compute()
        return values[key]

    # -- writes --

    def new_id(self) -> int:
        """The next post id (WordPress shares one sequence for products, orders, coupons)."""
        return next(self._ids)

    def create(self, fields: dict) -> dict:
        """A new parent product: the recorded shape, WooCommerce's defaults, then ``fields``."""
        stamp = site_date(self.clock())
        record = {**recordings.fresh(self.simple_template), **recordings.fresh(NEW_PRODUCT),
                  "id": self.new_id(), "date_created": stamp, "date_created_gmt": stamp,
                  "date_modified": stamp, "date_modified_gmt": stamp,
                  "categories": [self.term_ref("categories", UNCATEGORIZED)]}
        self._apply(record, fields)
        record["slug"] = fields.get("slug") or self.unique_slug(record["name"])
        self.products[record["id"]] = record
        self._changed("created", record["id"])
        return record

    def create_variation(self, parent_id: int, fields: dict) -> dict:
        """A new variation of a variable product, from the recorded variation shape."""
        parent = self.products[parent_id]
        stamp = site_date(self.clock())
        record = {**recordings.fresh(self.variation_template),
                  **recordings.fresh(NEW_VARIATION), "id": self.new_id(), "parent_id": parent_id,
                  "date_created": stamp, "date_created_gmt": stamp, "date_modified": stamp,
                  "date_modified_gmt": stamp}
        self._apply(record, fields)
        record["name"] = ", ".join(a["option"] for a in record["attributes"])
        self.variations[record["id"]] = record
        parent["variations"].append(record["id"])
        self._changed("created", record["id"])
        return record

    def update(self, product_id: int, fields: dict) -> dict:
        """Apply wc/v3 fields to a product or variation and stamp date_modified."""
        record = self.get(product_id)
        self._apply(record, fields)
        stamp = site_date(self.clock())
        record["date_modified"] = record["date_modified_gmt"] = stamp
        self._changed("updated", product_id)
        return record

    def trash(self, product_id: int) -> dict:
        """DELETE without force: the product moves to the trash (fires product.deleted)."""
        record = self.products[product_id]
        record["meta_data"].append({"id": 0, "key": "_wp_trash_meta_status",
                                    "value": record["status"]})
        record["status"] = "trash"
        self._changed("deleted", product_id)
        return record

    def restore(self, product_id: int) -> dict:
        """Untrash: back to the status it had (fires product.restored)."""
        record = self.products[product_id]
        previous = [m for m in record["meta_data"] if m["key"] == "_wp_trash_meta_status"]
        record["status"] = previous[-1]["value"] if previous else "draft"
        record["meta_data"] = [m for m in record["meta_data"]
                               if m["key"] != "_wp_trash_meta_status"]
        self._changed("restored", product_id)
        return record

    def delete(self, product_id: int) -> dict:
        """Permanent deletion. WooCommerce hooks product.deleted to the trash only, so a
        forced delete sends no webhook."""
        record = self.products.pop(product_id, None)
        if record is None:
            record = self.variations.pop(product_id)
            parent = self.products.get(record["parent_id"])
            if parent:
                parent["variations"].remove(product_id)
        else:
            for variation_id in record["variations"]:
                self.variations.pop(variation_id, None)
        self.version += 1
        return record

    def unique_slug(self, name: str) -> str:
        """wp_unique_post_slug(): the name's slug, with -2, -3... when it is taken."""
        base = sanitize_title(name) or "product"
        taken = {p["slug"] for p in self.products.values()}
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def insert(self, products: list[dict], variations: list[dict]) -> None:
        """Add ready-made records in one go (the generator's bulk path; no webhooks)."""
        self.products.update((p["id"], p) for p in products)
        self.variations.update((v["id"], v) for v in variations)
        self.version += 1

    def term_ref(self, field: str, term_id: int) -> dict:
        """How a product record names a category or tag: {id, name, slug}."""
        term = (self.categories if field == "categories" else self.tags)[term_id]
        return {"id": term["id"], "name": term["name"], "slug": term["slug"]}

    def _apply(self, record: dict, fields: dict) -> None:
        for key, value in fields.items():
            if key in TERM_FIELDS:
                value = [self.term_ref(key, t["id"] if isinstance(t, dict) else t)
                         for t in value]
            elif key in ("date_on_sale_from", "date_on_sale_to"):
                record[key + "_gmt"] = value
            record[key] = value

    def _changed(self, event: str, product_id: int) -> None:
        self.version += 1
        for listener in self.listeners:
            listener(event, product_id)
