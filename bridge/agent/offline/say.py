"""How the offline assistant words its answers; every figure comes from a tool result."""
from __future__ import annotations

from typing import Iterator

from ...catalog.money import display as money
from ...store.base import StoreUnavailable, item_label, option_label
from ..events import Chunk


def price(product: dict) -> str:
    """"$39.00", "$39.00 (was $45.00)" or "from $40.00" for a product brief or card."""
    currency = product.get("currency", "USD")
    text = money(product.get("price"), currency)
    if product.get("type") == "grouped" or \
            product.get("price_max") and product["price_max"] != product.get("price"):
        text = f"from {text}"
    if product.get("on_sale") and product.get("regular_price") not in (None, product.get("price")):
        text += f" (was {money(product['regular_price'], currency)})"
    return text


def stock(product: dict) -> str:
    if not product.get("in_stock", True):
        return "out of stock"
    quantity = product.get("stock_quantity")
    if quantity is not None and quantity <= 3:
        return f"only {quantity} left"
    return ""


def product_line(position: int, product: dict) -> str:
    extra = "sold on a partner's site" if product.get("type") == "external" else stock(product)
    return (f"{position}. **{product['name']}**: {price(product)}"
            + (f", {extra}" if extra else ""))


def budget_phrase(low: float | None, high: float | None, currency: str) -> str:
    def m(value):
        return money(f"{value:.2f}", currency)
    if low is not None and high is not None:
        return f" between {m(low)} and {m(high)}"
    if high is not None:
        return f" under {m(high)}"
    if low is not None:
        return f" over {m(low)}"
    return ""


def options(product: dict) -> str:
    """"Size: S, M, L; Color: Black, Grey" from a brief's options."""
    return "; ".join(f"{name}: {', '.join(values)}"
                     for name, values in product.get("options", {}).items())


def cart_lines(cart: dict) -> str:
    if not cart["items"]:
        return "Your cart is empty."
    lines = []
    for item in cart["items"]:
        label = item_label(item["name"], option_label((item.get("options") or {}).values()))
        lines.append(f"- {item['quantity']} × {label}: "
                     f"{money(item['line_total'], cart['currency'])}")
    count = cart["item_count"]
    lines.append(f"Total: **{money(cart['total'], cart['currency'])}** "
                 f"for {count} item{'s' if count != 1 else ''}.")
    return "\n".join(lines)


def chunks(text: str) -> Iterator[Chunk]:
    """The answer as the shopper sees it stream: one chunk per line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        yield Chunk(line + ("\n" if i < len(lines) - 1 else ""))


def lookup_failed(result) -> str:
    """A failed product lookup in the shopper's words: a store that could not answer is
    said as such, never as a product that doesn't exist."""
    if result.content.get("code") == StoreUnavailable.code:
        return result.content["error"]
    return f"Sorry, I couldn't find that product: {result.content['error']}"
