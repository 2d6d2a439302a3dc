"""Cart rules every store and every caller shares: quantities, what an id names, checkout links.

Each rule refuses by raising the ``StoreError`` the Store protocol names for it, so the
demo store, the WooCommerce store, the views, the tools, WhatsApp's buttons and the agent
gateway refuse the same input the same way.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from .base import (Cart, InvalidQuantity, InvalidVariation, NotPurchasable, Product,
                   ProductNotFound, Store, Variation)

MAX_QUANTITY = 999  # the most one cart line may hold, as the Store brief sets it


def check_quantity(quantity: object, allow_zero: bool = False) -> int:
    """``quantity`` itself when it is a whole number from 1 (or 0) to 999, else InvalidQuantity."""
    lowest = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or \
            not lowest <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(f"Quantity must be a whole number from {lowest} to {MAX_QUANTITY}.")
    return quantity


def find(store: Store, item_id: object) -> tuple[Product, Variation | None] | None:
    """What a product or variation id names: (product, None), or (its product, the
    variation); None for an id that names nothing that may be shown.

    WooCommerce's carts and checkout links take either kind of id, so every caller does.
    """
    if isinstance(item_id, bool) or not isinstance(item_id, int) or item_id < 1:
        return None
    product = store.product(item_id)
    if product is not None:
        return product, None
    parent = store.variation_parent(item_id)
    variation = parent.variation(item_id) if parent is not None else None
    return (parent, variation) if variation is not None else None


def purchase(store: Store, product_id: object,
             variation_id: int | None = None) -> tuple[Product, Variation | None]:
    """The product and variation an add puts in the cart. A variation id given as
    ``product_id`` adds that variation of its product.

    :raise ProductNotFound: no product or variation that may be shown has that id.
    :raise InvalidVariation, NotPurchasable: see ``choose``.
    """
    found = find(store, product_id)
    if found is None:
        raise ProductNotFound(f"No product with id {product_id}.")
    product, variation = found
    if variation is not None:
        if variation_id not in (None, product_id):
            raise InvalidVariation(f"{product_id} is itself a variation of {product.name}; "
                                   "add it without another variation id.")
        variation_id = variation.id
    return product, choose(product, variation_id)


def choose(product: Product, variation_id: int | None) -> Variation | None:
    """The variation to put in the cart (None for a simple product), else the refusal."""
    if not product.purchasable:
        raise NotPurchasable(
            f"{product.name} is sold by a partner and can't be added to the cart here.")
    if product.variations:
        variation = product.variation(variation_id) if variation_id is not None else None
        if variation is None or not variation.purchasable:
            raise InvalidVariation(choose_message(product))
        return variation
    if variation_id is not None:
        raise InvalidVariation(f"{product.name} comes in one version; add it without a variation.")
    return None


def choose_message(product: Product) -> str:
    """What to tell a shopper who named a variable product but no (valid) variation of it."""
    names = [a.name.lower() for a in product.attributes if a.variation]
    options = ", ".join(v.label() + ("" if v.in_stock else " (out of stock)")
                        for v in product.variations)
    return f"Choose a {' and '.join(names) or 'variation'} of {product.name}: {options}."


def checkout_link(base: str, items: Iterable[tuple[int, int]]) -> str:
    """WooCommerce's shareable checkout link, which fills a fresh cart and checks out:
    ``<base>/checkout-link/?products=ID:QTY,...`` (product or variation ids)."""
    pairs = ",".join(f"{int(item_id)}:{int(quantity)}" for item_id, quantity in items)
    return f"{base.rstrip('/')}/checkout-link/?products={pairs}"


def with_checkout_link(cart: Cart, base: str) -> Cart:
    """The cart with the link that buys exactly its lines; an empty cart has none."""
    if not cart.items:
        return replace(cart, checkout_url=None)
    return replace(cart, checkout_url=checkout_link(
        base, [(item.variation_id or item.product_id, item.quantity) for item in cart.items]))
