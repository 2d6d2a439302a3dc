"""The facts of a conversation: every figure the store stated through a tool, the merchant's
policy words, and what the shopper said.

A ``Subject`` is one product or cart line a tool returned, with every money figure that
belongs to it (price, regular and sale price, each variation's, the range's top, savings,
the cart line's price and total), its discounts in percent, stock and rating. Figures that
belong to no one product (cart totals, orders, policies, amounts inside descriptions) are
``loose``. The shopper's own figures and the tools' arguments are kept apart (``said``):
they may be repeated back, but never make a product's price.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from .claims import read

HUNDRED = Decimal(100)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,}")
# Keys of tool results and cards whose values are amounts of money.
MONEY_KEYS = {"price", "regular_price", "sale_price", "price_max", "total", "subtotal",
              "discount", "shipping", "line_total", "refunded", "min_price", "max_price",
              "cost", "min_amount"}  # the last two: shipping methods (get_shipping_options)


def decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass
class Subject:
    name: str
    product_id: int | None = None
    price: Decimal | None = None  # what it costs now (the lowest, for a variable product)
    price_max: Decimal | None = None
    stock_total: int | None = None
    rating: Decimal | None = None
    money: set[Decimal] = field(default_factory=set)
    savings: set[Decimal] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    stock: set[Decimal] = field(default_factory=set)
    ratings: set[Decimal] = field(default_factory=set)


@dataclass
class Facts:
    currency: str
    subjects: dict[str, Subject] = field(default_factory=dict)  # by lower-case name
    short_names: dict[str, str] = field(default_factory=dict)  # "liner jacket" -> full name
    loose: dict[str, set] = field(default_factory=lambda: _kinds())
    said: dict[str, set] = field(default_factory=lambda: _kinds())
    tokens: set[str] = field(default_factory=set)  # words tools, policies or the shopper used
    links: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)

    # -- what the store stated ----------------------------------------------------------

    def add_card(self, card: dict) -> None:
        """A product card (search, details, comparison): its figures and its variations'."""
        subject = self._subject(card.get("name"), card.get("id"))
        if subject is None:
            return
        price = decimal(card.get("price"))
        if price is not None and (subject.price is None or price < subject.price):
            subject.price = price
        subject.price_max = decimal(card.get("price_max")) or subject.price_max
        self._priced(subject, card)
        for variation in card.get("variations") or ():
            self._priced(subject, variation)
        if isinstance(card.get("stock_quantity"), int):
            subject.stock_total = card["stock_quantity"]
        rating = decimal(card.get("rating"))
        if rating:
            subject.rating = rating
            subject.ratings.add(rating)
        for link in (card.get("url"), card.get("image")):
            self.add_link(link)
        self.add_strings(card.get("name"), card.get("sku"), card.get("short_description"),
                         card.get("description"), card.get("attributes"), card.get("categories"))

    def _priced(self, subject: Subject, item: dict) -> None:
        price, regular = decimal(item.get("price")), decimal(item.get("regular_price"))
        for key in ("price", "regular_price", "sale_price", "price_max"):
            value = decimal(item.get(key))
            if value is not None:
                subject.money.add(value)
        if price is not None and regular and regular > price:
            subject.savings.add(regular - price)
            subject.percents.add((regular - price) / regular * HUNDRED)
        if isinstance(item.get("stock_quantity"), int):
            subject.stock.add(Decimal(item["stock_quantity"]))

    def add_cart(self, cart: dict) -> None:
        """A verified cart: each line is a subject; totals, coupons and links are loose."""
        for item in cart.get("items") or ():
            subject = self._subject(item.get("name"), item.get("product_id"))
            if subject is not None:
                for key in ("price", "line_total"):
                    value = decimal(item.get(key))
                    if value is not None:
                        subject.money.add(value)
                if subject.price is None:
                    subject.price = decimal(item.get("price"))
        for value in (cart.get("totals") or {}).values():
            if decimal(value) is not None:
                self.loose["money"].add(decimal(value))
        self.tokens.update(str(c).upper() for c in cart.get("coupons") or ())
        self.add_link(cart.get("checkout_url"))

    def add_content(self, content) -> None:
        """A tool's result as the model read it: amounts of things that are not products
        (totals, orders) and every string in it."""
        if isinstance(content, dict):
            is_product = "name" in content and "price" in content
            for key, value in content.items():
                if key in MONEY_KEYS and not is_product and decimal(value) is not None:
                    self.loose["money"].add(decimal(value))
                elif isinstance(value, (dict, list)):
                    self.add_content(value)
                elif isinstance(value, str):
                    self.add_strings(value)
        elif isinstance(content, list):
            for value in content:
                self.add_content(value)
        elif isinstance(content, str):
            self.add_strings(content)

    def add_strings(self, *texts) -> None:
        """Store text (descriptions, policies): its own claims become loose facts."""
        for text in texts:
            if isinstance(text, (list, tuple, dict)):
                self.add_content(text)
                continue
            if not isinstance(text, str) or not text:
                continue
            found, words = _store_text(text)
            for kind, value in found:
                self.loose.setdefault(kind, set()).add(value)
            self.tokens |= words

    def add_link(self, url) -> None:
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            self.links.add(url.lower())
            self.hosts.add(urlsplit(url).netloc.lower())

    # -- what the shopper said ----------------------------------------------------------

    def add_said(self, text: str) -> None:
        for claim in read(text):
            self.said.setdefault(claim.kind, set()).add(claim.value)
        self.tokens.update(w.upper() for w in _WORD.findall(text))

    def add_arguments(self, args: dict) -> None:
        for key, value in args.items():
            if key in MONEY_KEYS and decimal(value) is not None:
                self.said["money"].add(decimal(value))

    # -- reading ------------------------------------------------------------------------

    def _subject(self, name, product_id) -> Subject | None:
        if not isinstance(name, str) or not name.strip():
            return None
        key = " ".join(name.lower().split())
        subject = self.subjects.get(key)
        if subject is None:
            subject = self.subjects[key] = Subject(name=name, product_id=product_id)
            words = key.split()
            if len(words) >= 3:
                short = " ".join(words[-2:])
                # A short name counts only while it points at one product.
                self.short_names[short] = key if short not in self.short_names else ""
        return subject

    def all_of(self, kind: str) -> set:
        """Every figure of a kind the store stated, for products or not."""
        values = set(self.loose.get(kind, ()))
        attribute = {"money": "money", "percent": "percents", "stock": "stock",
                     "rating": "ratings"}.get(kind)
        if attribute:
            for subject in self.subjects.values():
                values |= getattr(subject, attribute)
            if kind == "money":
                for subject in self.subjects.values():
                    values |= subject.savings
        return values

    def named_in(self, text: str) -> list[tuple[int, Subject]]:
        """The subjects a text names, with where each name ends, in order."""
        lower = text.lower()
        found = []
        for key, subject in self.subjects.items():
            at = lower.rfind(key)
            if at >= 0:
                found.append((at + len(key), subject))
        for short, key in self.short_names.items():
            if key and key in self.subjects:
                at = lower.rfind(short)
                if at >= 0 and all(s is not self.subjects[key] for _, s in found):
                    found.append((at + len(short), self.subjects[key]))
        return sorted(found, key=lambda pair: pair[0])

    def products(self) -> list[Subject]:
        return [s for s in self.subjects.values() if s.price is not None]


@lru_cache(maxsize=8192)
def _store_text(text: str) -> tuple[tuple[tuple[str, object], ...], frozenset[str]]:
    """The claims and words of a store text, read once per process: the same descriptions
    come back turn after turn."""
    # An order's date (ISO) grounds "it shipped on March 3".
    found = tuple(("delivery" if c.kind == "date" else c.kind, c.value) for c in read(text))
    return found, frozenset(w.upper() for w in _WORD.findall(text))


def _kinds() -> dict[str, set]:
    return {"money": set(), "percent": set(), "stock": set(), "rating": set(),
            "delivery": set(), "code": set(), "link": set()}
