"""The catalogue's read-only answers outside the chat, for whichever channel serves them: the
agent gateway (public, over HTTP and MCP) and the apps (a key with ``catalog:read``). Each
runs the chat's own tool (same code path, same filters, the one visibility rule: nothing
unpublished comes back), never a mutating one. The views are bridge.catalog_views."""
from __future__ import annotations

from .agent.tools import GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from .agent.tools.registry import ArgumentError, Tool, ToolContext, ToolResult, check_arguments
from .agent.tools.search import displayed
from .core import current_core
from .errors import INVALID_PARAM, BridgeError


def _run(tool: Tool, args: dict, secret: str = "") -> tuple[ToolResult, ToolContext]:
    """Run a chat tool for a caller: no cart, no shopper, never a mutating tool. ``secret``
    signs page tokens; without it none are issued or read.

    :raise StoreError: the store failed (e.g. did not answer), never reported as not found.
    """
    assert not tool.mutates
    core = current_core()
    try:
        clean = check_arguments(tool.schema, args)
    except ArgumentError as exc:
        raise BridgeError(INVALID_PARAM, f"Invalid parameters: {exc}.", 400) from None
    ctx = ToolContext(store=core.store, index=core.index, secret=secret)
    result = tool.handler(ctx, clean)
    if result.failure is not None:
        raise result.failure
    return result, ctx


def search(query: str = "", *, secret: str = "", page_token: str | None = None,
           **filters) -> dict:
    """Cards of published products matching ``query``, best first, with the total.

    With ``secret`` (a caller that can keep page tokens: an app) the answer also carries
    ``search`` as the chat's answers do: the total, facets with a ``page_token`` per value and
    ``next_page_token``; ``page_token`` continues such a search, whose query and filters the
    token holds. Without it the answer is the agent gateway's, field for field.

    :raise BridgeError: 400 for a page token this bridge did not issue.
    """
    args = {"page_token": page_token} if page_token else {"query": query, **filters}
    result, ctx = _run(SEARCH_PRODUCTS, args, secret)
    if not result.ok:  # the tool's only refusal: a token altered, cut short or too old
        raise BridgeError(INVALID_PARAM, result.content["error"], 400)
    content = result.content
    body = {"query": result.search.state.query if page_token else query,
            "count": content.get("total", 0), "offset": content.get("offset", 0),
            "next_offset": content.get("next_offset"), "products": list(result.cards)}
    if content.get("understood"):
        body["understood"] = content["understood"]
    if secret:
        body["search"] = displayed(ctx, result, result.cards)
    return body


def product(product_id: int) -> dict | None:
    """A published product's details (card, description, attributes, variations), else None.

    :raise StoreError: the store could not say.
    """
    result, _ = _run(GET_PRODUCT_DETAILS, {"product_id": product_id})
    return result.cards[0] if result.ok and result.cards else None
