"""The part of a card the model reads about a product."""
from __future__ import annotations


def brief(card: dict) -> dict:
    """The part of a card the model needs to talk about a product."""
    data = {k: card[k] for k in ("id", "name", "price", "currency", "in_stock") if k in card}
    if card.get("type") in ("grouped", "external"):
        # A group's price is its cheapest member's; an external product is sold elsewhere.
        data["type"] = card["type"]
    if card.get("on_sale"):
        data["regular_price"] = card.get("regular_price")
        data["on_sale"] = True
    if card.get("price_max") and card["price_max"] != card.get("price"):
        data["price_max"] = card["price_max"]
    if card.get("stock_quantity") is not None:
        data["stock_quantity"] = card["stock_quantity"]
    if card.get("rating"):
        data["rating"] = card["rating"]
        data["rating_count"] = card.get("rating_count", 0)
    if card.get("categories"):
        data["categories"] = card["categories"]
    if card.get("variations"):
        options: dict[str, list[str]] = {}
        for variation in card["variations"]:
            for name, value in variation["attributes"].items():
                options.setdefault(name, [])
                if value not in options[name]:
                    options[name].append(value)
        data["options"] = options
    return data
