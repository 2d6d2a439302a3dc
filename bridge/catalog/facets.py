"""Facets of a search's results, and the card tests its refinements and dislikes apply.

``facets(cards)`` counts what the matching cards hold: their categories, the price band each
falls in (a fixed ladder, so bands read the same across searches) and their attributes (size,
colour, material...): each variation's options, and the product's own attributes no variation
is chosen by, which is all of a simple product's (WooCommerce ``attributes`` with their
``options``). Counts are of products: a product in two categories counts in each, a product
with a colour in three sizes counts once for that colour.
"""
from __future__ import annotations

import re

# Band edges in the store's currency: a product is in [edge, next edge).
BANDS = (10, 25, 50, 100, 250, 500, 1000, 2500)
MAX_VALUES = 12  # values of one facet, the most common first
MAX_ATTRIBUTES = 4


def facets(cards: list[dict]) -> list[dict]:
    """``[{"kind", "name", "values": [{"value", "count", ...}]}]``: categories, price, then
    each option name, values the most common first (ties in name order)."""
    categories: dict[str, int] = {}
    bands: dict[tuple, int] = {}
    options: dict[str, dict[str, int]] = {}
    for card in cards:
        for name in dict.fromkeys(card.get("categories") or ()):
            categories[name] = categories.get(name, 0) + 1
        band = price_band(card.get("price"))
        if band is not None:
            bands[band] = bands.get(band, 0) + 1
        for name, value in option_pairs(card):
            values = options.setdefault(name, {})
            values[value] = values.get(value, 0) + 1
    found = []
    if categories:
        found.append({"kind": "category", "name": "Category", "values": _top(categories)})
    if bands:
        found.append({"kind": "price", "name": "Price", "values": [
            {"value": _band_label(low, high), "min": low, "max": high, "count": count}
            for (low, high), count in sorted(bands.items())]})
    for name in sorted(options, key=lambda n: (-sum(options[n].values()), n))[:MAX_ATTRIBUTES]:
        found.append({"kind": "attribute", "name": name, "values": _top(options[name])})
    return found


def for_model(found: list[dict]) -> dict:
    """The facets as the model reads them: ``{name: {value: count}}``."""
    return {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in found}


def price_band(price) -> tuple[int, int | None] | None:
    try:
        amount = float(price)
    except (TypeError, ValueError):
        return None
    low = 0
    for edge in BANDS:
        if amount < edge:
            return (low, edge)
        low = edge
    return (low, None)


def units(card: dict) -> list[set[tuple[str, str]]]:
    """The (name, value) pairs of each thing a shopper can buy of a product: a variation's own
    options plus the product's attributes that no variation is chosen by; a product without
    variations is one unit of its attributes. A fixed attribute with several options (a
    simple shirt in "Cotton, Linen") offers each of them."""
    variations = card.get("variations") or ()
    chosen = {str(name) for v in variations for name in (v.get("attributes") or {})}
    fixed = {(str(name), str(option)) for name, options in (card.get("attributes") or {}).items()
             if str(name) not in chosen for option in options or () if option}
    if not variations:
        return [fixed] if fixed else []
    return [fixed | {(str(name), str(value)) for name, value in (v.get("attributes") or {})
                     .items() if value} for v in variations]


def option_pairs(card: dict) -> set[tuple[str, str]]:
    """Each (attribute name, value) the card offers: any variation's, or its own attributes'."""
    return set().union(*units(card))


def has_options(card: dict, wanted: tuple[tuple[str, str], ...]) -> bool:
    """Whether one unit has every wanted option (case aside): "M" and "Black" together."""
    if not wanted:
        return True
    want = {(n.casefold(), v.casefold()) for n, v in wanted}
    return any(want <= {(n.casefold(), v.casefold()) for n, v in unit} for unit in units(card))


def disliked(card: dict, dislikes: tuple[str, ...]) -> int:
    """How much the shopper's dislikes touch a product, each as a whole word ("wool" is not
    "woolly"): 2 when its name or a category names one, or everything of it one can buy has
    a disliked option or attribute (only in pink), so it is left out; 1 when some of its
    variations do, so it goes after the others; else 0."""
    if not dislikes:
        return 0
    words = [re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I) for word in dislikes]
    named = " ".join([card.get("name") or "", *(card.get("categories") or ())])
    if any(w.search(named) for w in words):
        return 2
    # Each unit a shopper could buy: a variation with the product's fixed attributes, or a
    # simple product's own (a simple tee only in pink is left out like a variable one).
    hit = [any(w.search(value) for w in words for _, value in unit) for unit in units(card)]
    return 2 if hit and all(hit) else 1 if any(hit) else 0


def _top(counts: dict[str, int]) -> list[dict]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_VALUES]
    return [{"value": value, "count": count} for value, count in ordered]


def _band_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"
