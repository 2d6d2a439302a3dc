"""A WooCommerce site as the Store: wc/v3 for the catalogue, orders and reviews, the Store
API for the shopper's own cart.

http: WooHttp (session, OAuth 1.0a or Basic, retries), StoreAuthError
records: wc/v3 and Store API JSON as Store records; carts: Cart-Token checks, refusals
store: WooCommerceStore
"""
from .http import StoreAuthError, WooHttp
from .store import WooCommerceStore

__all__ = ["WooCommerceStore", "WooHttp", "StoreAuthError"]
