"""The gateway's llms.txt: what this store offers other people's AI agents, and the rules."""
from __future__ import annotations

from bridge.settings import Settings


def llms_txt(settings: Settings, base: str, currency: str, count: int) -> str:
    """An llms.txt document (a title, a summary, sections of links) built from settings."""
    rate = f"{settings.agent_rate_limit} requests per {settings.agent_rate_window} seconds"
    return f"""# {settings.store_name}

> An online store selling in {currency}, with {count} products in its catalogue. This
> gateway lets AI agents read its catalogue, search it, inspect products and hand a person a
> link to check out. Every price and stock level comes from the store itself, as of the
> time given.

Everything here is read only and public. Prices are decimal strings in {currency};
`in_stock` and `stock_quantity` are the store's own figures.

## Catalogue

- [Catalogue]({base}/agent/catalog?page=1&per_page=100): every product the shop lists, a page at a time (`page`, `per_page` up to 100, `updated_since` ISO 8601 for what changed; `count` is the products in the answer, `total` all that match); `ETag` and `Last-Modified` answer 304 when nothing changed
- [Search]({base}/agent/search?q=hoodie): products matching words, best first; filters `category`, `min_price`, `max_price`, `on_sale`, `in_stock`, `limit` (up to 10)
- [Product]({base}/agent/product?id=1): one product with its options, each with its own price and stock; `format=jsonld` gives schema.org Product JSON-LD

## Checkout

- [Checkout hand-off]({base}/agent/checkout-handoff?ids=1:2,5:1): links that put the items (`id` or `id:quantity`, up to 20) in a fresh cart at the store, for a person to check out; unknown, unpublished, out-of-stock or not purchasable ids are dropped with a reason

## Other formats

- [Product feed]({base}/agent/feed?page=1): the catalogue as an OpenAI (Agentic Commerce) product feed, prices in minor units, paged like the catalogue (`count` is the rows in the answer)
- [MCP]({base}/agent/mcp): the same read-only tools (search_products, get_product_details, checkout_handoff) over MCP Streamable HTTP

## Rules

- Allowed: reading the catalogue and the feed, searching, inspecting products, handing a person a checkout link.
- Not allowed: placing orders, paying, or holding carts (nothing here can), and scraping faster than {rate} per IP (answered 429 with Retry-After).
- Quote prices and stock as given, with their time; they change. Don't invent discounts.
"""
