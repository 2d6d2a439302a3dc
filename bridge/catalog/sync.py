"""Keeping the local index in step with the store: a full sync, the changes WooCommerce's
webhooks announce, and a reconcile that catches what webhooks missed.

The index is per host; the change log is in the shared database, so a webhook that reached
one host reaches every host's index. Each step is safe to repeat.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from ..models import CatalogChange
from ..store.base import Product, Store
from .index import CatalogIndex, fingerprint, prepare

log = logging.getLogger(__name__)

PAGE = 100
# The WooCommerce webhook topics whose deliveries go into the change log (record_change).
PRODUCT_TOPICS = ("product.created", "product.updated", "product.deleted", "product.restored")
# Reconciles look this much further back than the last one, for clock skew between hosts.
SLACK = timedelta(minutes=2)


def all_products(store: Store, progress: Callable[[int, int], None] | None = None) -> list[Product]:
    """Every published product, page by page; ``progress(done, total)`` after each page."""
    products, page = [], 1
    while True:
        batch = store.products(page=page, per_page=PAGE)
        products += batch.items
        if progress:
            progress(min(page * PAGE, batch.total), batch.total)
        if page >= batch.total_pages or not batch.items:
            return products
        page += 1


def full_sync(store: Store, index: CatalogIndex,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index from the store; readers see the old index until it is done.

    Each page of products becomes index rows at once, so memory holds rows, not products.
    """
    started = datetime.now(timezone.utc)
    currency, rows, digest, page = store.currency, [], hashlib.sha256(), 1
    while True:
        batch = store.products(page=page, per_page=PAGE)
        fingerprint(batch.items, digest)
        rows += [row for p in batch.items if (row := prepare(p, currency)) is not None]
        if progress:
            progress(min(page * PAGE, batch.total), batch.total)
        if page >= batch.total_pages or not batch.items:
            break
        page += 1
    count = index.replace_rows(rows, digest.hexdigest())
    index.set_meta("reconciled_at", started.isoformat())
    return count


def sync_demo_index(store: Store, index: CatalogIndex) -> bool:
    """Rebuild the index when the demo catalogue differs from what it holds; True if rebuilt."""
    products = all_products(store)
    digest = fingerprint(products) + index.model  # vectors of another model are rebuilt
    if index.meta("fingerprint") == digest:
        return False
    index.replace_all(products, store.currency, digest)
    return True


def record_change(sessions: sessionmaker, product_id: int, topic: str) -> None:
    """Note a product the store says changed, for every host's index to refresh."""
    with sessions.begin() as session:
        session.add(CatalogChange(product_id=product_id, topic=topic))


def apply_changes(store: Store, index: CatalogIndex, sessions: sessionmaker) -> int:
    """Refresh this host's index for the changes recorded since it last looked."""
    cursor = int(index.meta("change_cursor") or 0)
    with sessions() as session:
        rows = session.execute(sa.select(CatalogChange.id, CatalogChange.product_id)
                               .where(CatalogChange.id > cursor)
                               .order_by(CatalogChange.id)).all()
    if not rows:
        return 0
    refresh(store, index, list(dict.fromkeys(pid for _, pid in rows)))
    index.set_meta("change_cursor", str(rows[-1][0]))
    return len(rows)


def refresh(store: Store, index: CatalogIndex, product_ids: list[int]) -> None:
    """Read these products again: published ones are upserted, the rest removed."""
    found, gone = [], []
    for product_id in product_ids:
        store.forget(product_id)
        product = store.product(product_id)
        (found if product is not None else gone).append(product if product else product_id)
    if found:
        index.upsert(found, store.currency)
    if gone:
        index.delete(gone)


def reconcile(store: Store, index: CatalogIndex) -> tuple[int, int]:
    """Catch what webhooks missed: products modified since the last reconcile, and products
    no longer published. Returns (refreshed, removed)."""
    started = datetime.now(timezone.utc)
    last = index.meta("reconciled_at")
    if last is None:
        return full_sync(store, index), 0
    since = datetime.fromisoformat(last) - SLACK
    changed, page = [], 1
    while True:
        batch = store.products(page=page, per_page=PAGE, modified_after=since)
        changed += batch.items
        if page >= batch.total_pages or not batch.items:
            break
        page += 1
    if changed:
        index.upsert(changed, store.currency)
    published = store.published_ids()
    stale = [pid for pid in index.ids() if pid not in published]
    if stale:
        index.delete(stale)
    index.set_meta("reconciled_at", started.isoformat())
    return len(changed), len(stale)
