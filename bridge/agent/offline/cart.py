"""The offline provider's cart intents: add (choosing the variation), view, change, remove and
empty, each through the cart tools and answered from what they return."""
from __future__ import annotations

import re
from typing import Iterator

from ...store.base import item_label, option_label
from ..events import Event
from . import parse, say, targets
from .talk import Talk


def add(talk: Talk, ids: list[int] | None = None, count: int | None = None,
        words: str | None = None) -> Iterator[Event]:
    text = talk.text
    want = 2 if re.search(r"\b(both|all of them)\b", text, re.I) else 1
    ids = ids or targets.products(talk.turn, text, want=want)
    if not ids:
        yield from talk.say(talk.t("which_add"))
        return
    count = count or parse.quantity(text) or 1
    for product_id in ids:
        yield from _add_one(talk, product_id, count, words or text)


def _add_one(talk: Talk, product_id: int, count: int, words: str) -> Iterator[Event]:
    turn, lang = talk.turn, talk.lang
    result = yield from turn.use("get_product_details", {"product_id": product_id})
    if not result.ok:
        yield from talk.say(say.lookup_failed(result))
        return
    product = result.content
    args = {"product_id": product_id, "quantity": count}
    label = product["name"]
    if product.get("variations"):
        variation, open_choice = targets.variation(product, words)
        if variation is None:
            yield from talk.say(talk.t("choose_option", name=product["name"],
                                       choice=open_choice))
            return
        label = item_label(label, option_label(variation["attributes"].values()))
        if not variation["in_stock"]:
            others = ", ".join(option_label(v["attributes"].values())
                               for v in product["variations"] if v["in_stock"])
            yield from talk.say(talk.t("avail_no", label=label),
                                talk.t("avail_others", options=others) if others else "")
            return
        args["variation_id"] = variation["id"]
    elif not product.get("in_stock", True):
        yield from talk.say(talk.t("avail_no", label=label))
        return
    added = yield from turn.use("add_to_cart", args)
    if not added.ok:
        yield from talk.say(talk.t("add_failed", label=label, error=added.content["error"]))
        return
    yield from talk.say(talk.t("added", count=count, label=label),
                        say.cart_lines(added.content["cart"], lang))


def view(talk: Talk) -> Iterator[Event]:
    result = yield from talk.turn.use("view_cart", {})
    if not result.ok:
        yield from talk.say(talk.t("cart_failed", error=result.content["error"]))
        return
    yield from talk.say(say.cart_lines(result.content["cart"], talk.lang))


def change(talk: Talk, remove: bool) -> Iterator[Event]:
    """Remove one line, or set its quantity to the one the words state ("make it 4", "one
    less", "two more")."""
    turn, text = talk.turn, talk.text
    viewed = yield from turn.use("view_cart", {})
    if not viewed.ok:
        yield from talk.say(talk.t("cart_failed", error=viewed.content["error"]))
        return
    items = viewed.content["cart"]["items"]
    if not items:
        yield from talk.say(talk.t("cart_empty"))
        return
    focus = turn.ctx.index.cards([turn.ctx.focus]) if turn.ctx.focus else []
    line = targets.cart_line(text, items, focus[0]["name"] if focus else None)
    if line is None:
        yield from talk.say(talk.t("which_line", names=", ".join(i["name"] for i in items)))
        return
    fewer = REMOVE_SOME.search(text) if remove else None
    if fewer and (_number(fewer.group(1)) or 1) < line["quantity"]:
        remove = False  # "remove one" of three socks leaves two
        text = f"{fewer.group(1)} less"
    count = None if remove else new_quantity(text, line["quantity"])
    if remove or count == 0:
        result = yield from turn.use("remove_from_cart", {"cart_item_key": line["key"]})
        done = talk.t("removed", name=line["name"])
    else:
        if count is None:
            yield from talk.say(talk.t("how_many", name=line["name"]))
            return
        result = yield from turn.use(
            "update_cart_item", {"cart_item_key": line["key"], "quantity": count})
        done = talk.t("updated", name=line["name"], count=count)
    if not result.ok:
        yield from talk.say(talk.t("change_failed", error=result.content["error"]))
        return
    yield from talk.say(done, say.cart_lines(result.content["cart"], talk.lang))


# "Change the size to M", "can I get it in black instead?", "swap it for the navy one".
OPTION_CHANGE = re.compile(r"\b(change|switch|swap|exchange|replace|make it|prefer|rather)\b|"
                           r"\binstead\b", re.I)


def option_change(talk: Talk) -> tuple[dict, dict] | None:
    """The cart line whose options the words change, and the variation it should become;
    None when the words change no option of a line (a quantity, a search)."""
    if not OPTION_CHANGE.search(talk.text):
        return None
    viewed = talk.turn.execute("view_cart", {})
    if not viewed.ok or not viewed.cart:
        return None
    choices = []
    for item in viewed.cart["items"]:
        cards = talk.ctx.index.cards([item["product_id"]]) if item.get("variation_id") else []
        variations = cards[0].get("variations") or [] if cards else []
        current = item.get("attributes") or {}
        wanted = {name: value for v in variations for name, value in v["attributes"].items()
                  if current.get(name) != value and _names_option(value, talk.text)}
        target = {**current, **wanted}
        found = [v for v in variations if v["attributes"] == target]
        if wanted and found:
            choices.append((item, found[0]))
    if len(choices) > 1:
        line = targets.cart_line(talk.text, [item for item, _ in choices])
        choices = [c for c in choices if c[0] is line]
    return choices[0] if len(choices) == 1 else None


def _names_option(value: str, text: str) -> bool:
    """A size or colour the words ask for; a bare number is a size only when called one
    ("change it to 10" sets a quantity)."""
    if value.isdigit():
        return re.search(rf"\bsize (?:to |a |an )?{value}\b", text, re.I) is not None
    return parse.mentioned(value, text)


def swap(talk: Talk, item: dict, variation: dict) -> Iterator[Event]:
    """The line in other options: the new variation added at the line's quantity, then the
    old line removed (so a refused add leaves the cart as it was)."""
    old = item_label(item["name"], option_label(item["attributes"].values()))
    new = item_label(item["name"], option_label(variation["attributes"].values()))
    if not variation.get("in_stock", True):
        yield from talk.say(talk.t("avail_no", label=new))
        return
    added = yield from talk.turn.use("add_to_cart", {
        "product_id": item["product_id"], "variation_id": variation["id"],
        "quantity": item["quantity"]})
    if not added.ok:
        yield from talk.say(talk.t("add_failed", label=new, error=added.content["error"]))
        return
    result = yield from talk.turn.use("remove_from_cart", {"cart_item_key": item["key"]})
    if not result.ok:
        yield from talk.say(talk.t("change_failed", error=result.content["error"]))
        return
    yield from talk.say(talk.t("swapped", old=old, new=new),
                        say.cart_lines(result.content["cart"], talk.lang))


def empty(talk: Talk) -> Iterator[Event]:
    viewed = yield from talk.turn.use("view_cart", {})
    if not viewed.ok:
        yield from talk.say(talk.t("cart_failed", error=viewed.content["error"]))
        return
    cart = viewed.content["cart"]
    for item in cart["items"]:
        result = yield from talk.turn.use("remove_from_cart", {"cart_item_key": item["key"]})
        if not result.ok:
            yield from talk.say(talk.t("change_failed", error=result.content["error"]))
            return
        cart = result.content["cart"]
    yield from talk.say(talk.t("emptied") if not cart["items"]
                        else say.cart_lines(cart, talk.lang))


REMOVE_SOME = re.compile(r"\b(?:remove|take out|delete|drop)\s+(\d{1,2}|one|two|three|a|an)\b"
                         r"(?!\s+of\b)", re.I)
_COUNT = r"(\d{1,2}|one|two|three|four|five|a couple(?: of)?|couple|a|an)"
# "double it", "twice as many": the line's quantity times two
DOUBLE = re.compile(r"\b(double|twice as many)\b(?! (?:bed|layer|knit|pack))", re.I)
RELATIVE = re.compile(rf"\b{_COUNT} (more|less|fewer)\b|\b(?:take|knock) {_COUNT} (off)\b|"
                      rf"\b(minus) {_COUNT}\b", re.I)
# "more two" is how "mais duas", "altri due" and "noch zwei" read word for word; "another
# one (of those)" is one more.
MORE_FIRST = re.compile(rf"\b(more|another) {_COUNT}\b(?! (?:more|less|fewer)\b)", re.I)
ANOTHER = re.compile(r"\banother(?: one| pair)?(?=\W*$|\W+(?:of|please|pls|thanks|too|as "
                     r"well|then)\b)", re.I)  # not "another colour"
# "actually just one", "only two": the line's new quantity, said as a correction.
JUST = re.compile(rf"^\W*(?:(?:no|actually|sorry|wait|hmm|oh|oops|ok|okay|make that|make it|"
                  rf"better|then|so)\W+)*(?:i |we )?(?:just|only)(?: (?:want|need|wanted|"
                  rf"needed))? {_COUNT}\b(?:\W+(?:please|pls|then|"
                  rf"thanks|actually|instead|of (?:it|them|those|these)))*\W*$", re.I)
# "make it 4", "make the socks 3", "make that two"
MAKE_IT = re.compile(r"\bmake (?:it|that|them|those|these|(?:the|my) [a-z][\w' -]{0,30}?) "
                     r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


def sets_quantity(text: str) -> bool:
    """Whether the words set a line's quantity ("change the hoodie to 3", "make it 4", "one
    less") without adding."""
    if MAKE_IT.search(text) or JUST.search(text) or DOUBLE.search(text) and len(text.split()) <= 5:
        return True
    another = ANOTHER.search(text) and len(text.split()) <= 6  # not "another hoodie in M"
    if (RELATIVE.search(text) or MORE_FIRST.search(text) or another) and \
            not re.search(r"\b(show|see|any|other|options|products|different|else)\b", text,
                          re.I):
        return True
    return bool(re.search(r"\b(change|update|set|make)\b.*\bto \w+\b", text, re.I)
                and re.search(r"\b(quantity|qty|items?|pieces|units|\d+|one|two|three|four|"
                              r"five)\b", text, re.I)
                and not parse.ADD.search(text))


def new_quantity(text: str, current: int) -> int | None:
    lowered = text.lower()
    just = JUST.search(lowered)
    if just:
        return _number(just.group(1))
    if DOUBLE.search(lowered):
        return current * 2
    relative = RELATIVE.search(lowered)
    if relative:
        count, direction = [g for g in relative.groups() if g is not None][:2]
        if direction == "minus":
            count, direction = direction, count  # "minus one"
        step = _number(count) or 1
        return max(current + (step if direction == "more" else -step), 0)
    ahead = MORE_FIRST.search(lowered)
    if ahead:
        return current + (_number(ahead.group(2)) or 1)
    if ANOTHER.search(lowered):
        return current + 1
    match = MAKE_IT.search(lowered) or re.search(r"\bto (\d{1,3}|\w+)\b", lowered)
    if match:
        value = match.group(1)
        if value in ("zero", "none"):
            return 0
        number = _number(value)
        if number is not None:
            return number
    return parse.quantity(text)


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    if word.startswith(("a couple", "couple")):
        return 2
    return parse.NUMBER_WORDS.get(word)
