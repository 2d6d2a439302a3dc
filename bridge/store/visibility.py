"""Where a product may go: the one rule every store, route and tool follows.

A product leaves the bridge only when ``shown``: published, not password-protected, and not
``hidden`` by WooCommerce's catalog visibility. Every Store applies it to every read, so a
product that isn't shown answers exactly like an unknown id (details, hand-off, cart, admin).
Of the shown products, WooCommerce's own meanings pick the lists:

- ``visible``: in listings and in search;
- ``catalog``: in listings (/agent/catalog and /agent/feed, as in the shop's pages), not in
  search (search_products in chat, WhatsApp and MCP, /agent/search, visual search);
- ``search``: in search, not in listings;
- ``hidden``: nowhere. WooCommerce still opens its page for whoever has the link; the bridge
  gives it to no one, by id neither.
"""
from __future__ import annotations

LISTED = ("visible", "catalog")
SEARCHED = ("visible", "search")


def shown(status: str | None, password: str | None, visibility: str | None) -> bool:
    """Whether a product may leave the bridge; an unknown visibility counts as hidden."""
    return status == "publish" and not password and visibility in LISTED + SEARCHED


def listed(visibility: str | None) -> bool:
    return visibility in LISTED


def searched(visibility: str | None) -> bool:
    return visibility in SEARCHED
