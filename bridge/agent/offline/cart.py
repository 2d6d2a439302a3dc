"""The offline provider's cart intents: add (choosing the variation), view, change, remove and
empty, each through the cart tools and answered from what they return."""
from __future__ import annotations

import re
from typing import Iterator

from ...store.base import item_label, option_label
from ..events import Event
from ..turn import Turn
from . import parse, say, targets


def add(turn: Turn, text: str) -> Iterator[Event]:
    want = 2 if re.search(r"\b(both|all of them)\b", text, re.I) else 1
    ids = targets.products(turn, text, want=want)
    if not ids:
        yield from say.chunks("Which product would you like to add? Search for something "
                              "first, or tell me its name.")
        return
    count = parse.quantity(text) or 1
    for product_id in ids:
        yield from _add_one(turn, text, product_id, count)


def _add_one(turn: Turn, text: str, product_id: int, count: int) -> Iterator[Event]:
    result = yield from turn.use("get_product_details", {"product_id": product_id})
    if not result.ok:
        yield from say.chunks(say.lookup_failed(result))
        return
    product = result.content
    args = {"product_id": product_id, "quantity": count}
    label = product["name"]
    if product.get("variations"):
        variation, open_choice = targets.variation(product, text)
        if variation is None:
            yield from say.chunks(
                f"**{product['name']}** comes in {open_choice}. Which one would you like? "
                "You can also choose on the card.")
            return
        label = item_label(label, option_label(variation["attributes"].values()))
        if not variation["in_stock"]:
            others = ", ".join(option_label(v["attributes"].values())
                               for v in product["variations"] if v["in_stock"])
            yield from say.chunks(f"Sorry, {label} is out of stock."
                                  + (f" In stock: {others}." if others else ""))
            return
        args["variation_id"] = variation["id"]
    added = yield from turn.use("add_to_cart", args)
    if not added.ok:
        yield from say.chunks(f"I couldn't add {label} to your cart: {added.content['error']}")
        return
    yield from say.chunks(f"Added {count} × **{label}** to your cart.\n"
                          + say.cart_lines(added.content["cart"]))


def view(turn: Turn) -> Iterator[Event]:
    result = yield from turn.use("view_cart", {})
    if not result.ok:
        yield from say.chunks(f"Sorry, I couldn't open your cart: {result.content['error']}")
        return
    yield from say.chunks(say.cart_lines(result.content["cart"]))


def change(turn: Turn, text: str, remove: bool) -> Iterator[Event]:
    """Remove one line, or set its quantity to the one the words state."""
    viewed = yield from turn.use("view_cart", {})
    if not viewed.ok:
        yield from say.chunks(f"Sorry, I couldn't open your cart: {viewed.content['error']}")
        return
    items = viewed.content["cart"]["items"]
    if not items:
        yield from say.chunks("Your cart is empty.")
        return
    line = targets.cart_line(text, items)
    if line is None:
        names = ", ".join(i["name"] for i in items)
        yield from say.chunks(f"Which item do you mean? Your cart has: {names}.")
        return
    if remove:
        result = yield from turn.use("remove_from_cart", {"cart_item_key": line["key"]})
        done = f"Removed **{line['name']}** from your cart."
    else:
        count = _new_quantity(text)
        if count is None:
            yield from say.chunks(f"How many {line['name']} would you like?")
            return
        result = yield from turn.use(
            "update_cart_item", {"cart_item_key": line["key"], "quantity": count})
        done = f"Updated **{line['name']}** to {count}."
    if not result.ok:
        yield from say.chunks(f"I couldn't change your cart: {result.content['error']}")
        return
    yield from say.chunks(done + "\n" + say.cart_lines(result.content["cart"]))


def empty(turn: Turn) -> Iterator[Event]:
    viewed = yield from turn.use("view_cart", {})
    if not viewed.ok:
        yield from say.chunks(f"Sorry, I couldn't open your cart: {viewed.content['error']}")
        return
    cart = viewed.content["cart"]
    for item in cart["items"]:
        result = yield from turn.use("remove_from_cart", {"cart_item_key": item["key"]})
        if not result.ok:
            yield from say.chunks(f"I couldn't empty your cart: {result.content['error']}")
            return
        cart = result.content["cart"]
    yield from say.chunks("Your cart is now empty." if not cart["items"]
                          else say.cart_lines(cart))


def sets_quantity(text: str) -> bool:
    """Whether the words set a line's quantity ("change the hoodie to 3") without adding."""
    return bool(re.search(r"\b(change|update|set|make)\b.*\bto \w+\b", text, re.I)
                and re.search(r"\b(quantity|qty|items?|pieces|units|\d+|one|two|three|four|"
                              r"five)\b", text, re.I)
                and not parse.ADD.search(text))


def _new_quantity(text: str) -> int | None:
    match = re.search(r"\bto (\d{1,3}|\w+)\b", text.lower())
    if match:
        value = match.group(1)
        if value.isdigit():
            return int(value)
        if value in parse.NUMBER_WORDS:
            return parse.NUMBER_WORDS[value]
        if value in ("zero", "none"):
            return 0
    return parse.quantity(text)
