"""Choosing the store and keeping the local index in step with it."""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from .catalog.index import CatalogIndex, fingerprint
from .settings import Settings
from .store.base import Product, Store


def default_base_url(settings: Settings) -> str:
    return (settings.public_url or "http://127.0.0.1:8080").rstrip("/")


def make_store(settings: Settings, sessions: sessionmaker) -> Store:
    from .store.demo import DemoStore

    return DemoStore(default_base_url(settings), sessions, name=settings.store_name)


def all_products(store: Store, per_page: int = 100) -> list[Product]:
    products, page = [], 1
    while True:
        batch = store.products(page=page, per_page=per_page)
        products += batch.items
        if page >= batch.total_pages:
            return products
        page += 1


def sync_demo_index(store: Store, index: CatalogIndex) -> bool:
    """Rebuild the index when the demo catalogue differs from what it holds; True if rebuilt."""
    products = all_products(store)
    digest = fingerprint(products)
    if index.meta("fingerprint") == digest:
        return False
    index.replace_all(products, digest)
    return True
