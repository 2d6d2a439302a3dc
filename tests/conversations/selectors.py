"""What a case points at, resolved against the real store and what the turns showed.

A selector names a set of acceptable products, so a case holds whatever cards the
assistant chose: ``"Leather Belt"``; ``{shown: [1, 2], by: price, pick: min}`` (the cheaper
of the first two cards of the last list); ``{catalog: {name_has: [hoodie]}, by: price,
pick: min}`` (the cheapest hoodie the store sells); ``{shown: all, where: {Color: Red}}``
(the red one); ``{shown: all, having: {on_sale: true}}`` (the one on sale).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bridge.store.base import Product, Variation


class CaseError(ValueError):
    """A case that can't be read or points at something the store doesn't hold."""


@dataclass(frozen=True)
class Shop:
    """The store as the eval reads it: published products, and the names never to show."""

    products: dict[int, Product]
    hidden_names: tuple[str, ...]
    currency: str

    @classmethod
    def of(cls, store) -> "Shop":
        listing = store.products(per_page=1000).items
        published = {p.id: p for p in listing}
        everything = getattr(getattr(store, "data", None), "products", ())
        hidden = tuple(p.name for p in everything if p.id not in published)
        return cls(products=published, hidden_names=hidden, currency=store.currency)

    def named(self, name: str) -> Product:
        found = [p for p in self.products.values() if p.name.lower() == name.lower()]
        if not found:
            raise CaseError(f"the store sells no product named {name!r}")
        return found[0]

    def texts(self) -> list[str]:
        """Everything the store wrote that an answer may quote verbatim."""
        found = []
        for p in self.products.values():
            found += [p.name, p.short_description, p.description,
                      *(c.name for c in p.categories)]
            found += [value for a in p.attributes for value in a.options]
        return found


def variation(product: Product, options: dict[str, str] | None) -> Variation | None:
    """The one variation whose options contain every value given; None when none or several."""
    if not options:
        return None
    fits = [v for v in product.variations if option_match(dict(v.attributes), options)]
    return fits[0] if len(fits) == 1 else None


def option_match(attributes: dict[str, str], wanted: dict[str, str]) -> bool:
    """"Grey" matches "Heather Grey"; sizes match whole ("M" is not "XL")."""
    for name, value in wanted.items():
        have = attributes.get(name)
        if have is None:
            return False
        have, value = str(have).lower(), str(value).lower()
        if name.lower() == "size":
            if have != value:
                return False
        elif value not in have:
            return False
    return True


def matches(product: Product, pred: dict[str, Any] | None) -> bool:
    """Whether a product fits a predicate: category, name_has, names, in_stock, on_sale, where."""
    if not pred:
        return True
    for key, want in pred.items():
        if key == "category":
            wanted = [want] if isinstance(want, str) else list(want)
            if not any(c.name in wanted for c in product.categories):
                return False
        elif key == "name_has":
            words = [want] if isinstance(want, str) else list(want)
            if not any(w.lower() in product.name.lower() for w in words):
                return False
        elif key == "names":
            if product.name.lower() not in {n.lower() for n in want}:
                return False
        elif key == "in_stock":
            if product.in_stock != bool(want):
                return False
        elif key == "on_sale":
            if product.on_sale != bool(want):
                return False
        elif key == "where":
            if not has_options(product, want):
                return False
        else:
            raise CaseError(f"unknown predicate {key!r}")
    return True


def has_options(product: Product, where: dict[str, str]) -> bool:
    """The product offers every value (in its attributes or its name)."""
    for name, value in where.items():
        value = str(value).lower()
        options = [o.lower() for a in product.attributes
                   if a.name.lower() == name.lower() or name == "any" for o in a.options]
        if not any(value == o or value in o.split() or value in o for o in options) \
                and value not in product.name.lower():
            return False
    return True


def _measure(product: Product, by: str) -> Decimal | None:
    if by == "price":
        return product.price
    if by == "price_max":
        return product.price_max
    if by == "rating":
        return product.average_rating or Decimal(0)
    if by == "stock":
        if product.variations:
            quantities = [v.stock_quantity for v in product.variations]
            return None if None in quantities else Decimal(sum(quantities))
        return None if product.stock_quantity is None else Decimal(product.stock_quantity)
    raise CaseError(f"unknown ordering {by!r}")


def _extreme(products: list[Product], by: str, pick: str) -> set[int]:
    """The cheapest (or dearest...) among ``products``: in stock, or overall; both count."""
    if pick not in ("min", "max"):
        raise CaseError(f"pick must be min or max, not {pick!r}")
    chosen: set[int] = set()
    for pool in ([p for p in products if p.in_stock], products):
        scored = [(m, p.id) for p in pool if (m := _measure(p, by)) is not None]
        if scored:
            best = (min if pick == "min" else max)(m for m, _ in scored)
            chosen |= {pid for m, pid in scored if m == best}
        if by in ("price", "price_max") and pick == "max":
            # "the most expensive": by its lowest or its highest price, either reading holds.
            other = "price_max" if by == "price" else "price"
            scored = [(m, p.id) for p in pool if (m := _measure(p, other)) is not None]
            if scored:
                best = max(m for m, _ in scored)
                chosen |= {pid for m, pid in scored if m == best}
    return chosen


def resolve(spec: Any, shop: Shop, shown: list[list[dict]]) -> set[int]:
    """Product ids a selector accepts; empty when it points at a list nothing filled.

    ``shown`` holds the cards of each earlier turn, in order.
    """
    if isinstance(spec, str):
        return {shop.named(spec).id}
    if not isinstance(spec, dict):
        raise CaseError(f"a selector is a name or a mapping, not {spec!r}")
    if "name" in spec:
        pool = [shop.named(spec["name"])]
    elif "names" in spec:
        pool = [shop.named(n) for n in spec["names"]]
    elif "shown" in spec:
        pool = _shown(spec, shop, shown)
    elif "catalog" in spec:
        pool = [p for p in shop.products.values() if matches(p, spec["catalog"])]
        if not pool:
            raise CaseError(f"no product of the store fits {spec['catalog']!r}")
    else:
        raise CaseError(f"a selector needs name, names, shown or catalog: {spec!r}")
    if "where" in spec:
        pool = [p for p in pool if has_options(p, spec["where"])]
    if "having" in spec:
        pool = [p for p in pool if matches(p, spec["having"])]
    if "by" in spec or "pick" in spec:
        return _extreme(pool, spec.get("by", "price"), spec.get("pick", "min"))
    return {p.id for p in pool}


def _shown(spec: dict, shop: Shop, shown: list[list[dict]]) -> list[Product]:
    turn = spec.get("turn")
    if turn is None:
        cards = next((c for c in reversed(shown) if c), [])
    elif isinstance(turn, int) and 1 <= turn <= len(shown):
        cards = shown[turn - 1]
    else:
        raise CaseError(f"turn must be an earlier turn (1..{len(shown)}), not {turn!r}")
    which = spec["shown"]
    if which == "all":
        picked = cards
    else:
        positions = [which] if isinstance(which, int) else list(which)
        # 1 is the first card, -1 the last.
        picked = [cards[i - 1 if i > 0 else i] for i in positions
                  if 1 <= i <= len(cards) or -len(cards) <= i <= -1]
    return [shop.products[c["id"]] for c in picked if c.get("id") in shop.products]


def static(spec: Any) -> bool:
    """Whether a selector resolves without any turn having run (a name or the catalogue)."""
    return isinstance(spec, str) or (isinstance(spec, dict) and "shown" not in spec)
