"""GET /app/catalog, /app/search and /app/product (scope catalog:read): the agent gateway's
catalogue answers (bridge.catalog_views), the same fields for the same query, for an app's
server under its key's rate limit. No app user is needed: the catalogue is everyone's.

Two differences, both for apps: /app/search also carries the chat's ``search`` block (the
total, facets with a ``page_token`` per value, ``next_page_token``), and ``page_token``
alone continues one, from here or from an /app/message answer; and the answers are
``private``, so no shared cache serves a keyed answer to a request without the key.
"""
from __future__ import annotations

from bridge import catalog_views

CACHE = "private, max-age=60"


def catalog():
    return catalog_views.listing(None, "products", CACHE)


def search():
    return catalog_views.search(CACHE, tokens=True)


def product():
    return catalog_views.product(CACHE)


VIEWS = {
    "app_api.catalog": catalog,
    "app_api.search": search,
    "app_api.product": product,
}
