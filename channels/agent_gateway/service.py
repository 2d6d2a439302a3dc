"""The checkout hand-off, shared by the gateway's HTTP route and its MCP tool. Search and
product details are bridge.catalog_answers (the chat's own tools), shared with the apps."""
from __future__ import annotations

from bridge.core import current_core
from bridge.store import rules

# Items one hand-off may carry, and units of each.
MAX_ITEMS = 20
MAX_QUANTITY = 99

NOT_FOUND = "not found"
NOTE = ("Open a link to put the items in a fresh cart at the store and check out there. "
        "Nothing is reserved, charged or ordered until the shopper does.")


def handoff(requested: list[tuple[int, int]]) -> dict:
    """Checkout links for the purchasable items among ``requested`` (id, quantity) pairs.

    Duplicates collapse to their first quantity; ids that are unknown, unpublished, out of
    stock or not purchasable are dropped with a reason that never tells unpublished from
    unknown. The links are the store's own, built here, never by a model.

    :raise StoreError: the store could not say which ids can be bought.
    """
    store = current_core().store
    wanted: dict[int, int] = {}
    for item_id, quantity in requested:
        wanted.setdefault(item_id, quantity)
    items, dropped = [], []
    for item_id, quantity in wanted.items():
        reason = _unbuyable(store, item_id)
        if reason:
            dropped.append({"product_id": item_id, "reason": reason})
            continue
        items.append({"product_id": item_id, "quantity": quantity,
                      "add_to_cart": store.checkout_link([(item_id, quantity)])})
    result = {"note": NOTE, "items": items, "dropped": dropped}
    if items:
        result["checkout_url"] = store.checkout_link(
            [(i["product_id"], i["quantity"]) for i in items])
    return result


def _unbuyable(store, item_id: int) -> str | None:
    """Why an id can't be handed off now, or None when it can."""
    found = rules.find(store, item_id)
    if found is None:
        return NOT_FOUND
    product, variation = found
    if not product.purchasable or variation is not None and not variation.purchasable:
        return "not sold through this store's cart"
    if variation is None and product.variations:
        return "choose an option: hand off one of its variation ids"
    return None if (variation or product).in_stock else "out of stock"
