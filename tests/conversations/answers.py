"""Properties of what the answer says: products named, yes or no, figures, a person."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import lexicon
from .figures import number, numbers_in
from .selectors import CaseError, option_match
from .view import TurnView, mentioned, names_of, position


def check_mentions(view: TurnView, spec: Any) -> list[str]:
    wanted = view.select(spec)
    if any(mentioned(view.answer, view.shop.products[i].name) for i in wanted):
        return []
    return [f"doesn't name {names_of(view, wanted)}"]


def check_names_first(view: TurnView, spec: Any) -> list[str]:
    """The answer leads with what the shopper pointed at: the first product it names."""
    wanted = view.select(spec)
    lowered = view.answer.lower()
    named = sorted((at, p.id) for p in view.shop.products.values()
                   if (at := position(lowered, p.name)) is not None)
    if not named:
        return [f"names no product; expected {names_of(view, wanted)}"]
    first = named[0][1]
    if first in wanted:
        return []
    return [f"names {view.shop.products[first].name!r} first, expected {names_of(view, wanted)}"]



def check_contains_any(view: TurnView, spec: list[str]) -> list[str]:
    lowered = view.answer.lower()
    return [] if any(s.lower() in lowered for s in spec) else [f"says none of {spec}"]


def check_contains_all(view: TurnView, spec: list[str]) -> list[str]:
    lowered = view.answer.lower()
    return [f"doesn't say {s!r}" for s in spec if s.lower() not in lowered]


def check_numbers(view: TurnView, spec: list) -> list[str]:
    found = numbers_in(view.answer)
    return [f"doesn't give {value}" for value in spec if number(str(value)) not in found]


def check_price_of(view: TurnView, spec: Any) -> list[str]:
    found = numbers_in(view.answer)
    for pid in view.select(spec):
        product = view.shop.products[pid]
        prices = {product.price, product.price_max, *(v.price for v in product.variations)}
        if found & {p.quantize(Decimal("0.01")) for p in prices if p is not None}:
            return []
    return [f"doesn't give the price of {names_of(view, view.select(spec))}"]


def _about(view: TurnView, ids: set[int]) -> str:
    """What the answer says about these products: all of it when it names no other product,
    else each stretch from their name to the next other product's name."""
    answer, lowered = view.answer, view.answer.lower()
    names = [view.shop.products[i].name for i in ids]
    others = [p.name for p in view.shop.products.values() if p.id not in ids
              and p.name.lower() in lowered and not any(p.name.lower() in n.lower()
                                                        for n in names)]
    if not others:
        return answer
    stretches = []
    for name in names:
        start = lowered.find(name.lower())
        while start >= 0:
            ends = [at for other in others
                    if (at := lowered.find(other.lower(), start + len(name))) >= 0]
            stretches.append(answer[start:min(ends, default=len(answer))])
            start = lowered.find(name.lower(), start + len(name))
    return "\n".join(stretches)


def check_availability(view: TurnView, spec: dict) -> list[str]:
    """Names the product and says yes or no about it; with the quantity when the store
    counts it."""
    failures = []
    ids = view.select(spec["product"])
    if not any(mentioned(view.answer, view.shop.products[i].name) for i in ids):
        failures.append(f"doesn't name {names_of(view, ids)}")
    about = _about(view, ids)
    oos = lexicon.said("out_of_stock", about, view.lang)
    state = spec["state"] if spec["state"] != "auto" else _truth(view, ids, spec.get("options"))
    if state == "no" and not oos:
        failures.append("doesn't say it is out of stock")
    if state == "yes":
        if oos:
            failures.append("says it is out of stock")
        elif not lexicon.said("in_stock", about, view.lang):
            failures.append("doesn't say it is available")
    if spec.get("quantity"):
        quantity = _stock_of(view, ids, spec.get("options"))
        if quantity is not None and number(str(quantity)) not in numbers_in(about):
            failures.append(f"doesn't give the quantity ({quantity})")
    return failures


def _truth(view: TurnView, ids: set[int], options: dict | None) -> str | None:
    """yes or no as the store holds it, for a product pointed at among the cards; None
    when the products pointed at differ."""
    states = set()
    for pid in ids:
        product = view.shop.products[pid]
        if options:
            states |= {v.in_stock for v in product.variations
                       if option_match(dict(v.attributes), options)}
        else:
            states.add(product.in_stock)
    return ("yes" if states.pop() else "no") if len(states) == 1 else None


def _stock_of(view: TurnView, ids: set[int], options: dict | None) -> int | None:
    for pid in ids:
        product = view.shop.products[pid]
        if options:
            for v in product.variations:
                if option_match(dict(v.attributes), options):
                    return v.stock_quantity
        elif not product.variations:
            return product.stock_quantity
    return None


def check_says(view: TurnView, spec: str) -> list[str]:
    text = view.answer
    first = re.split(r"(?<=[.!?。])\s+|\n", text.strip(), maxsplit=1)[0]
    if spec == "yes":
        if not lexicon.said("yes", text, view.lang):
            return ["doesn't say yes"]
        if lexicon.said("no", first, view.lang):
            return [f"opens with a no: {first!r}"]
        return []
    if spec == "no":
        if lexicon.said("starts_yes", text, view.lang):
            return ["says yes"]
        return [] if lexicon.said("no", text, view.lang) else ["doesn't say no"]
    raise CaseError(f"says takes yes or no, not {spec!r}")


def check_handoff(view: TurnView, spec: Any) -> list[str]:
    """A person was asked for: the shopper is shown a reference the service issued."""
    failures = ["shows product cards"] if view.cards else []
    refs = _references(view.payload)
    if not any(ref in view.answer for ref in refs):
        failures.append("shows no handoff reference")
    return failures


def _references(payload: Any, key: str = "") -> set[str]:
    """Reference-like strings the response carries outside its text and cards."""
    if key in ("message", "cards", "comparison"):
        return set()
    if isinstance(payload, dict):
        return set().union(*(_references(v, k) for k, v in payload.items())) if payload else set()
    if isinstance(payload, list):
        return set().union(*(_references(v, key) for v in payload)) if payload else set()
    if isinstance(payload, str) and re.fullmatch(r"[A-Za-z0-9_#-]{6,128}", payload) \
            and re.search(r"\d", payload):
        return {payload}
    return set()


def check_offers_person(view: TurnView, spec: Any) -> list[str]:
    contact = view.support_contact.strip()
    parts = [p.strip() for p in re.split(r"[,;]| or ", contact) if len(p.strip()) > 5]
    if any(p.lower() in view.answer.lower() for p in parts):
        return []
    if lexicon.said("person", view.answer, view.lang):
        return []
    return ["doesn't offer a person"]


def check_absent_first(view: TurnView, spec: Any) -> list[str]:
    """Says plainly that nothing of the kind is sold, before naming any product."""
    at = lexicon.first_match("none_sold", view.answer, view.lang)
    if at is None:
        return ["doesn't say the store has none"]
    names = [i for p in view.shop.products.values()
             if (i := view.answer.lower().find(p.name.lower())) >= 0]
    if names and min(names) < at:
        return ["names a product before saying the store has none"]
    return []


def check_not_echo(view: TurnView, spec: Any) -> list[str]:
    """The shopper's words are not thrown back as a failed search."""
    said = _plain(view.user)
    answer = _plain(view.answer)
    if len(said.split()) >= 2 and f" {said} " in f" {answer} ":
        return ["echoes the shopper's words as a search"]
    user_words = set(said.split())
    for quoted in re.findall(r"[\"“«]([^\"”»]{1,80})[\"”»]", view.answer):
        words = _plain(quoted).split()
        if words and all(w in user_words for w in words):
            return [f"quotes the shopper's words back: {quoted!r}"]
    return []


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
