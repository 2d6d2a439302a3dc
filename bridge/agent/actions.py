"""Actions an app can take after a turn, built from its tool results only (never from what
a model wrote): show a product the turn looked at, open the checkout after the cart changed,
and navigate to the store's own results page for a search."""
from __future__ import annotations

from urllib.parse import urlencode

MAX_ACTIONS = 10
CART_CHANGES = ("add_to_cart", "update_cart_item", "remove_from_cart")


def actions(calls, store_url: str) -> list[dict]:
    """``[{"type": "show_product"|"open_checkout"|"navigate", ...}]`` in the order the
    turn's tools ran, each once."""
    found, checkout = [], None
    for call in calls:
        result = call.result
        if not result.ok:
            continue
        if call.name == "get_product_details" and result.cards:
            card = result.cards[0]
            found.append({"type": "show_product", "product_id": card["id"],
                          "url": card.get("url")})
        elif call.name == "search_products" and result.cards and call.args.get("query") \
                and store_url:
            # WooCommerce's own product search page for the same words.
            query = urlencode({"s": call.args["query"], "post_type": "product"})
            found.append({"type": "navigate", "url": f"{store_url}/?{query}",
                          "label": "search_results"})
        elif call.name in CART_CHANGES and result.cart is not None:
            checkout = result.cart  # the last change decides: an emptied cart has none
    if checkout and checkout.get("items") and checkout.get("checkout_url"):
        found.append({"type": "open_checkout", "url": checkout["checkout_url"]})
    unique = {repr(sorted(a.items())): a for a in found}
    return list(unique.values())[:MAX_ACTIONS]


def metadata(provider: str, usage, started: float, now: float) -> dict:
    """Who answered and what it cost: the last model's name, every call's tokens."""
    models = [u.model for u in usage if u.model]
    return {"provider": provider, "model": models[-1] if models else None,
            "tokens": {"input": sum(u.input_tokens for u in usage),
                       "output": sum(u.output_tokens for u in usage),
                       "cache_read": sum(u.cache_read_tokens for u in usage),
                       "cache_write": sum(u.cache_write_tokens for u in usage)},
            "latency_ms": max(0, round((now - started) * 1000))}
