"""A read-only view of a Store: what the admin copilot is given, so it can't change the shop.

Only the reads are passed through; a cart method isn't there to call, by construction.
"""
from __future__ import annotations

from .base import Store

READS = ("product", "products", "variation_parent", "categories", "reviews", "orders",
         "order", "coupons")


class ReadOnlyStore:
    def __init__(self, store: Store):
        self._store = store
        for name in READS:
            setattr(self, name, getattr(store, name))

    @property
    def name(self) -> str:
        return self._store.name

    @property
    def currency(self) -> str:
        return self._store.currency
