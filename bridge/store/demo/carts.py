"""The demo store's cart rules, free of the database: line keys, quantities, stock, choices.

store.py applies them inside one transaction per call; each rule refuses by raising the
``StoreError`` the Store protocol names for it.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from ..base import (ON_BACKORDER, OUT_OF_STOCK, CartItem, InvalidQuantity, InvalidVariation,
                    NotPurchasable, OutOfStock, Product, Variation)

MAX_QUANTITY = 999  # the most one cart line may hold, as the Store brief sets it
MAX_REF = 64  # DemoCart.id is a String(64)


def line_key(product_id: int, variation_id: int | None) -> str:
    """The 32-hex key of a cart line, the same for the same product and variation."""
    return hashlib.md5(f"{product_id}:{variation_id or 0}".encode()).hexdigest()


def valid_ref(cart_ref: object) -> bool:
    return isinstance(cart_ref, str) and 0 < len(cart_ref) <= MAX_REF


def check_quantity(quantity: object, allow_zero: bool = False) -> int:
    """``quantity`` itself when it is a whole number from 1 (or 0) to 999, else InvalidQuantity."""
    lowest = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int) or \
            not lowest <= quantity <= MAX_QUANTITY:
        raise InvalidQuantity(f"Quantity must be a whole number from {lowest} to {MAX_QUANTITY}.")
    return quantity


def label(product: Product, variation: Variation | None) -> str:
    """"Classic Pullover Hoodie (M / Black)" for a variation, the plain name otherwise."""
    if variation is None:
        return product.name
    return f"{product.name} ({' / '.join(value for _, value in variation.attributes)})"


def choose_message(product: Product) -> str:
    """What to tell a shopper who named a variable product but no (valid) variation of it."""
    names = [a.name.lower() for a in product.attributes if a.variation]
    options = ", ".join(
        " / ".join(value for _, value in v.attributes) + ("" if v.in_stock else " (out of stock)")
        for v in product.variations)
    return f"Choose a {' and '.join(names) or 'variation'} of {product.name}: {options}."


def resolve(product: Product, variation_id: int | None) -> Variation | None:
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


def check_stock(product: Product, variation: Variation | None, wanted: int, held: int = 0) -> None:
    """Refuse a line of ``wanted`` units (``held`` of them already in the cart) beyond the stock."""
    item = variation or product
    if item.stock_status == OUT_OF_STOCK:
        raise OutOfStock(f"{label(product, variation)} is out of stock.", available=0)
    left = item.stock_quantity
    if left is not None and item.stock_status != ON_BACKORDER and wanted > left:
        already = f"; your cart already holds {held}" if held else ""
        raise OutOfStock(f"Only {left} left of {label(product, variation)}{already}.",
                         available=left)
    if wanted > MAX_QUANTITY:
        raise InvalidQuantity(
            f"A cart line holds at most {MAX_QUANTITY}; your cart already holds {held}.")


def cart_item(key: str, product: Product, variation: Variation | None, quantity: int) -> CartItem:
    price: Decimal = (variation or product).price
    image = (variation.image if variation else None) or \
        (product.images[0] if product.images else None)
    return CartItem(
        key=key, product_id=product.id, variation_id=variation.id if variation else None,
        name=product.name, quantity=quantity, price=price, line_total=price * quantity,
        attributes=variation.attributes if variation else (), image=image)
