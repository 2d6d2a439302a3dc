"""Properties of the cards a turn shows: how many, of what kind, in which order, in budget."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from . import lexicon
from .selectors import CaseError, matches, option_match
from .view import TurnView, names_of


# -- cards ------------------------------------------------------------------------------

def _products(view: TurnView) -> list:
    return [view.shop.products[c["id"]] for c in view.cards if c.get("id") in view.shop.products]


def check_cards(view: TurnView, spec: Any) -> list[str]:
    cards = view.cards
    if spec == "none":
        return [f"shows {len(cards)} cards, expected none"] if cards else []
    if not isinstance(spec, dict):
        raise CaseError(f"cards takes none or a mapping, not {spec!r}")
    failures = []
    if len(cards) < spec.get("min", 0):
        failures.append(f"shows {len(cards)} cards, expected at least {spec['min']}")
    if "max" in spec and len(cards) > spec["max"]:
        failures.append(f"shows {len(cards)} cards, expected at most {spec['max']}")
    products = _products(view)
    if "all" in spec:
        failures += [f"{p.name!r} does not fit {spec['all']}" for p in products
                     if not matches(p, spec["all"])]
    if "share" in spec:
        pred, least = spec["share"]["of"], spec["share"]["at_least"]
        fit = sum(1 for p in products if matches(p, pred))
        if not products or fit / len(products) < least:
            failures.append(f"{fit} of {len(products)} cards fit {pred}, "
                            f"expected at least {least:.0%}")
    return failures


def check_first(view: TurnView, spec: Any) -> list[str]:
    wanted = view.select(spec)
    if not view.cards:
        return ["no card shown first"]
    first = view.cards[0]
    return [] if first.get("id") in wanted else \
        [f"first card is {first.get('name')!r}, expected {names_of(view, wanted)}"]


def check_includes(view: TurnView, spec: Any) -> list[str]:
    wanted = view.select(spec)
    if any(c.get("id") in wanted for c in view.cards):
        return []
    return [f"no card of {names_of(view, wanted)}"]


def check_excludes(view: TurnView, spec: Any) -> list[str]:
    unwanted = view.select(spec)
    return [f"shows {c.get('name')!r}" for c in view.cards if c.get("id") in unwanted]



# -- budgets over variations ----------------------------------------------------------

def _within(price: Decimal, spec: dict) -> bool:
    low, high = spec.get("min"), spec.get("max")
    return (low is None or price >= Decimal(str(low))) and \
        (high is None or price <= Decimal(str(high)))


def _line_of(answer: str, name: str, others: list[str]) -> str | None:
    """The part of the answer about one product: from its name to the next one or line end."""
    lowered = answer.lower()
    start = lowered.find(name.lower())
    if start < 0:
        return None
    end = len(answer)
    for other in others:
        at = lowered.find(other.lower(), start + len(name))
        if at >= 0:
            end = min(end, at)
    newline = answer.find("\n", start)
    if newline >= 0:
        end = min(end, newline)
    return answer[start:end]


def check_budget(view: TurnView, spec: dict) -> list[str]:
    """Every card fits the budget; a variable product only partly in it says which part."""
    options = spec.get("options") or {}
    failures = []
    names = [c.get("name", "") for c in view.cards]
    for card in view.cards:
        product = view.shop.products.get(card.get("id"))
        if product is None:
            continue
        if not product.variations:
            if options:
                failures.append(f"{product.name!r} is not sold in {options}")
            elif product.price is None or not _within(product.price, spec):
                failures.append(f"{product.name!r} at {product.price} is outside the budget")
            continue
        matching = [v for v in product.variations
                    if v.in_stock and option_match(dict(v.attributes), options)]
        fitting = [v for v in matching if _within(v.price, spec)]
        if not fitting:
            failures.append(f"no option of {product.name!r} in stock fits the budget")
            continue
        if len(fitting) == len(matching):
            continue
        shown_variations = card.get("variations") or []
        if shown_variations and all(
                _within(Decimal(str(v.get("price"))), spec) for v in shown_variations):
            continue  # the card itself shows only what fits
        line = _line_of(view.answer, product.name, [n for n in names if n != product.name])
        if line and (any(_names_variation(line, v) for v in fitting)
                     or lexicon.said("partial", line, view.lang)):
            continue
        failures.append(f"{product.name!r}: {len(fitting)} of {len(matching)} options fit "
                        "the budget and the answer doesn't say which")
    return failures


def _names_variation(text: str, variation) -> bool:
    return all(_token(text, value) for _, value in variation.attributes)


def _token(text: str, value: str) -> bool:
    if len(value) <= 3:  # sizes: "S" is not the s of "sizes"
        return re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", text) is not None
    return value.lower() in text.lower()


def check_fitting_variations(view: TurnView, spec: dict) -> list[str]:
    """The answer names every option of a product that is in stock within the budget."""
    failures = []
    for pid in view.select(spec["product"]):
        product = view.shop.products[pid]
        fitting = [v for v in product.variations
                   if v.in_stock and _within(v.price, spec)
                   and option_match(dict(v.attributes), spec.get("options") or {})]
        if not fitting:
            raise CaseError(f"no option of {product.name} fits {spec}")
        failures += [f"doesn't name {v.label()} of {product.name!r}" for v in fitting
                     if not _names_variation(view.answer, v)]
    return failures
