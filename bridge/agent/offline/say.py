"""How the offline assistant words its answers, in the shopper's language; every figure
comes from a tool result and every sentence from ``phrases``."""
from __future__ import annotations

import re
from typing import Iterator

from ...catalog.money import display as money
from ...store.base import StoreUnavailable, item_label, option_label
from ..events import Chunk
from .phrases import t


def price(product: dict, lang: str = "en") -> str:
    """"$39.00", "$39.00 (was $45.00)" or "from $40.00" for a product brief or card."""
    currency = product.get("currency", "USD")
    text = money(product.get("price"), currency)
    if product.get("type") == "grouped" or \
            product.get("price_max") and product["price_max"] != product.get("price"):
        text = t(lang, "from", price=text)
    if product.get("on_sale") and product.get("regular_price") not in (None, product.get("price")):
        text += " " + t(lang, "was", price=money(product["regular_price"], currency))
    return text


def stock(product: dict, lang: str = "en") -> str:
    if not product.get("in_stock", True):
        return t(lang, "out_of_stock")
    quantity = product.get("stock_quantity")
    if quantity is not None and quantity <= 3:
        return t(lang, "only_left", n=quantity)
    return ""


def product_line(position: int, product: dict, lang: str = "en", note: str = "") -> str:
    extra = t(lang, "partner") if product.get("type") == "external" else stock(product, lang)
    extra = ", ".join(x for x in (extra, note) if x)
    return (f"{position}. **{product['name']}**: {price(product, lang)}"
            + (f", {extra}" if extra else ""))


def kind_of(name: str) -> str:
    """The kind a product name ends in: "beanie" of "Wool Fisherman Beanie", "socks" of
    "Everyday Crew Socks (3-Pack)"."""
    words = [w for w in re.findall(r"[a-z]+", re.sub(r"\([^)]*\)", " ", name.lower()))]
    while len(words) > 1 and words[-1] in ("set", "pack", "cover", "strap", "holder"):
        words.pop()
    return words[-1] if words else ""


def budget_phrase(low: float | None, high: float | None, currency: str, lang: str = "en",
                  spoken: bool = False, around: float | None = None) -> str:
    if spoken and (low is not None or high is not None):
        return t(lang, "within_budget")  # "under sixty": the shopper's words, not a figure
    if around is not None:  # the range read into "around 100" is not the shopper's figure
        return t(lang, "around", amount=money(f"{around:.2f}", currency))

    def m(value):
        return money(f"{value:.2f}", currency)
    if low is not None and high is not None:
        return t(lang, "between", low=m(low), high=m(high))
    if high is not None:
        return t(lang, "under", amount=m(high))
    if low is not None:
        return t(lang, "over", amount=m(low))
    return ""


def options(product: dict) -> str:
    """"Size: S, M, L; Color: Black, Grey" from a brief's options."""
    return "; ".join(f"{name}: {', '.join(values)}"
                     for name, values in product.get("options", {}).items())


def cart_lines(cart: dict, lang: str = "en") -> str:
    if not cart["items"]:
        return t(lang, "cart_empty")
    lines = []
    for item in cart["items"]:
        label = item_label(item["name"], option_label((item.get("options") or {}).values()))
        lines.append(f"- {item['quantity']} × {label}: "
                     f"{money(item['line_total'], cart['currency'])}")
    lines.append(t(lang, "cart_total", total=money(cart["total"], cart["currency"]),
                   count=cart["item_count"]))
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
