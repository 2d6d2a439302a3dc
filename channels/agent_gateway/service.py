"""What the gateway answers, shared by its HTTP routes and its MCP tools: the chat's own
search and detail tools (same code path, same filters), and the checkout hand-off."""
from __future__ import annotations

from bridge.agent.tools import GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from bridge.agent.tools.registry import ArgumentError, Tool, ToolContext, check_arguments
from bridge.core import current_core
from bridge.errors import INVALID_PARAM, BridgeError
from bridge.store import rules

# Items one hand-off may carry, and units of each.
MAX_ITEMS = 20
MAX_QUANTITY = 99

NOT_FOUND = "not found"
NOTE = ("Open a link to put the items in a fresh cart at the store and check out there. "
        "Nothing is reserved, charged or ordered until the shopper does.")


def _run(tool: Tool, args: dict):
    """Run a chat tool for an agent: no cart, no shopper, never a mutating tool.

    :raise StoreError: the store failed (e.g. did not answer), never reported as not found.
    """
    assert not tool.mutates
    core = current_core()
    try:
        clean = check_arguments(tool.schema, args)
    except ArgumentError as exc:
        raise BridgeError(INVALID_PARAM, f"Invalid parameters: {exc}.", 400) from None
    result = tool.handler(ToolContext(store=core.store, index=core.index), clean)
    if result.failure is not None:
        raise result.failure
    return result


def search(query: str, **filters) -> dict:
    """Cards of published products matching ``query``, best first, with the total."""
    result = _run(SEARCH_PRODUCTS, {"query": query, **filters})
    content = result.content
    body = {"query": query, "count": content.get("total", 0), "offset": content.get("offset", 0),
            "next_offset": content.get("next_offset"), "products": list(result.cards)}
    if content.get("understood"):
        body["understood"] = content["understood"]
    return body


def product(product_id: int) -> dict | None:
    """A published product's details (card, description, attributes, variations), else None.

    :raise StoreError: the store could not say.
    """
    result = _run(GET_PRODUCT_DETAILS, {"product_id": product_id})
    return result.cards[0] if result.ok and result.cards else None


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
