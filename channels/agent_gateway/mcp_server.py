"""The gateway's MCP server: search_products, get_product_details and checkout_handoff, the
same read-only answers as the HTTP routes (bridge.catalog_answers and ``service``).
``build_server(app, settings)`` makes one per Flask app."""
from __future__ import annotations

import json
from typing import Annotated, Any

from flask import Flask
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from bridge.agent.tools import GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from bridge.agent.tools.catalog import DEFAULT_RESULTS, MAX_OFFSET, MAX_QUERY, MAX_RESULTS
from bridge.catalog_answers import product, search
from bridge.catalog_views import MAX_ID
from bridge.errors import BridgeError, from_store
from bridge.routes import NAMESPACE
from bridge.settings import Settings
from bridge.store.base import StoreError

from . import service

# Nothing here writes, and the same call gives the same answer until the catalogue changes;
# the world is this one store's catalogue.
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)

HANDOFF_DESCRIPTION = (
    "Links that put the items in a fresh cart at the store, for a person to open and check "
    "out. Nothing is reserved, charged or ordered. Ids that are unknown, unpublished, out of "
    "stock or not sold through the cart are dropped with a reason; a variable product needs "
    "one of its variation ids.")

WORDS = SEARCH_PRODUCTS.schema["properties"]["query"]["description"]
CATEGORY = SEARCH_PRODUCTS.schema["properties"]["category"]["description"]
ProductId = Annotated[int, Field(ge=1, le=MAX_ID, description="A product or variation id.")]


class HandoffItem(BaseModel):
    product_id: ProductId
    quantity: Annotated[int, Field(ge=1, le=service.MAX_QUANTITY)] = 1


def build_server(app: Flask, settings: Settings) -> MCPServer:
    """The MCP server of ``app``: its tools run the gateway's service inside ``app``'s context."""
    server = MCPServer(
        name=settings.store_name,
        instructions=(
            f"Read-only tools for the catalogue of {settings.store_name}: search it, read a "
            "product, and hand a person checkout links. Prices and stock are the store's own, "
            "as of the moment asked; quote them as given. Rules, rate limits and other formats: "
            f"{settings.base_url}{NAMESPACE}/agent/llms"),
        # The SDK calls logging.basicConfig; the bridge's own level keeps it from disagreeing.
        log_level=settings.log_level.upper(),
        subscriptions=False,  # a stateless POST-only endpoint has no stream to listen on
    )

    def answer(call, *args, **kwargs) -> dict[str, Any]:
        # The SDK may run a tool outside the request that carried it, so the app is pushed
        # here rather than assumed; refusals become tool errors the model can read.
        with app.app_context():
            try:
                return call(*args, **kwargs)
            except StoreError as exc:
                raise ToolError(from_store(exc).message) from None
            except BridgeError as exc:
                raise ToolError(exc.message) from None

    # Tools are async so the SDK runs them on the request's own event loop instead of
    # starting a worker thread per request; they block that loop, which serves only them.
    @server.tool(description=SEARCH_PRODUCTS.description, annotations=READ_ONLY)
    async def search_products(
        query: Annotated[str, Field(min_length=1, max_length=MAX_QUERY, description=WORDS)],
        category: Annotated[str | None, Field(max_length=100, description=CATEGORY)] = None,
        min_price: Annotated[float | None, Field(ge=0)] = None,
        max_price: Annotated[float | None, Field(ge=0)] = None,
        on_sale: bool | None = None,
        in_stock: bool | None = None,
        limit: Annotated[int, Field(ge=1, le=MAX_RESULTS)] = DEFAULT_RESULTS,
        offset: Annotated[int, Field(ge=0, le=MAX_OFFSET,
                                     description="Results to skip: next_offset of the last answer.")] = 0,
    ) -> dict[str, Any]:
        filters = {"category": category, "min_price": min_price, "max_price": max_price,
                   "on_sale": on_sale, "in_stock": in_stock, "limit": limit, "offset": offset}
        return answer(search, query,
                      **{k: v for k, v in filters.items() if v is not None})

    @server.tool(description=GET_PRODUCT_DETAILS.description, annotations=READ_ONLY)
    async def get_product_details(product_id: ProductId) -> dict[str, Any]:
        found = answer(product, product_id)
        if found is None:
            raise ToolError(f"No product with id {product_id}.")
        return found

    @server.tool(description=HANDOFF_DESCRIPTION, annotations=READ_ONLY)
    async def checkout_handoff(
        items: Annotated[list[HandoffItem],
                         Field(min_length=1, max_length=service.MAX_ITEMS)],
    ) -> dict[str, Any]:
        result = answer(service.handoff, [(i.product_id, i.quantity) for i in items])
        if not result["items"]:
            raise ToolError("None of the items can be bought here now: "
                            + json.dumps({"dropped": result["dropped"]}))
        return result

    return server
