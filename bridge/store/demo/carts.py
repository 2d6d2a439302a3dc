"""The demo store's own cart rules, free of the database: line keys, cart ids, stock, lines.

store.py applies them, with the rules every store shares (bridge.store.rules), inside one
transaction per call; each rule refuses by raising the ``StoreError`` the Store protocol
names for it.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from ..base import (ON_BACKORDER, OUT_OF_STOCK, CartItem, InvalidQuantity, OutOfStock, Product,
                    Variation)
from ..rules import MAX_QUANTITY

MAX_REF = 64  # DemoCart.id is a String(64)


def line_key(product_id: int, variation_id: int | None) -> str:
    """The 32-hex key of a cart line, the same for the same product and variation."""
    return hashlib.md5(f"{product_id}:{variation_id or 0}".encode()).hexdigest()


def valid_ref(cart_ref: object) -> bool:
    return isinstance(cart_ref, str) and 0 < len(cart_ref) <= MAX_REF


def check_stock(product: Product, variation: Variation | None, wanted: int, held: int = 0) -> None:
    """Refuse a line of ``wanted`` units (``held`` of them already in the cart) beyond the stock."""
    item = variation or product
    if item.stock_status == OUT_OF_STOCK:
        raise OutOfStock(f"{product.label(variation)} is out of stock.", available=0)
    left = item.stock_quantity
    if left is not None and item.stock_status != ON_BACKORDER and wanted > left:
        already = f"; your cart already holds {held}" if held else ""
        raise OutOfStock(f"Only {left} left of {product.label(variation)}{already}.",
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
