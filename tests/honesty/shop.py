"""The store the claim-check cases are judged against: three products, a cart, policies.

[brackets] mark a true claim in a case and {braces} a false one; ``parse`` strips them.
"""
from __future__ import annotations

import re

from bridge.agent.honesty import ClaimCheck

POLICIES = ("Free shipping on orders over $75. Orders ship within 2 business days. "
            "Returns are accepted within 30 days.")
CONTACT = "help@fahad-demo.test"
JACKET = {"id": 11, "name": "Quilted Liner Jacket", "type": "simple", "price": "94.00",
          "regular_price": "94.00", "on_sale": False, "stock_quantity": 12, "rating": "4.50",
          "sku": "QLJ-094", "url": "http://127.0.0.1:8080/product/quilted-liner-jacket/",
          "description": "A warm liner. Machine washable at 30 degrees."}
HOODIE = {"id": 12, "name": "Trail Hoodie", "type": "variable", "price": "40.00",
          "regular_price": "50.00", "price_max": "55.00", "on_sale": True,
          "stock_quantity": 3, "rating": "3.80",
          "url": "http://127.0.0.1:8080/product/trail-hoodie/",
          "variations": [
              {"id": 121, "attributes": {"Color": "Blue"}, "price": "40.00",
               "regular_price": "50.00", "stock_quantity": 3},
              {"id": 122, "attributes": {"Color": "Black"}, "price": "55.00",
               "regular_price": "55.00", "stock_quantity": 0}]}
TOTE = {"id": 13, "name": "Canvas Tote Bag", "type": "simple", "price": "18.50",
        "regular_price": "25.00", "sale_price": "18.50", "on_sale": True, "stock_quantity": 7,
        "rating": "4.90", "url": "http://127.0.0.1:8080/product/canvas-tote-bag/"}
CART = {"items": [
    {"key": "a1", "product_id": 12, "variation_id": 121, "name": "Trail Hoodie",
     "quantity": 2, "price": "40.00", "line_total": "80.00"},
    {"key": "b2", "product_id": 13, "variation_id": None, "name": "Canvas Tote Bag",
     "quantity": 1, "price": "18.50", "line_total": "18.50"}],
    "item_count": 3,
    "totals": {"subtotal": "98.50", "discount": "9.85", "shipping": "0.00", "total": "88.65"},
    "coupons": ["WELCOME10"], "currency": "USD",
    "checkout_url": "http://127.0.0.1:8080/checkout/"}
SHOPPER = "I'm looking for something under $60, and I have the code SPRING5."

CHECK = ClaimCheck("USD", POLICIES, CONTACT, urls=("http://127.0.0.1:8080",))


def facts():
    """The facts after a search, a product's details and a cart view."""
    book = CHECK.base()
    for card in (JACKET, HOODIE, TOTE):
        book.add_card(card)
    book.add_cart(CART)
    book.add_said(SHOPPER)
    return book


MARK = re.compile(r"\[([^\]]+)\]|\{([^}]+)\}")


def parse(case: str) -> tuple[str, list[tuple[int, int, bool]]]:
    """The case's text and its marked claims: (start, end, true?)."""
    text, marks, at = "", [], 0
    for m in MARK.finditer(case):
        text += case[at:m.start()]
        inner = m.group(1) or m.group(2)
        marks.append((len(text), len(text) + len(inner), m.group(1) is not None))
        text += inner
        at = m.end()
    return text + case[at:], marks
