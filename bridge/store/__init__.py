"""The shop behind the bridge: the Store protocol and its backends.

base: Store and what it can do (CartIds, LocalShop), the records (Product, Variation, Cart,
  Order...), the StoreErrors
rules: what every store and caller shares: MAX_QUANTITY, check_quantity, find, purchase,
  checkout_link, with_checkout_link
visibility: shown, listed, searched: where a product may go
demo/: DemoStore, the embedded demo shop; woocommerce/: WooCommerceStore
"""
from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from ..settings import Settings
from .base import Store


def make_store(settings: Settings, sessions: sessionmaker) -> Store:
    """The configured store: the demo shop, or the WooCommerce site of the settings."""
    if settings.store == "woocommerce":
        from .woocommerce import WooCommerceStore, WooHttp

        http = WooHttp(settings.wc_url, settings.wc_consumer_key, settings.wc_consumer_secret,
                       settings.wc_timeout)
        return WooCommerceStore(http, settings.store_name)
    from .demo import DemoStore

    return DemoStore(settings.base_url, sessions, name=settings.store_name)
