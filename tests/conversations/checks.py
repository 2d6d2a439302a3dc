"""The properties a turn is scored by, never its exact text.

``check_turn(view, expect)`` returns the failures of one turn: the global checks every
turn gets (an answer in the contract's shape, nothing unpublished, no invented figure,
the shopper's language) and each property the case expects. A failure is a sentence that
says what was wrong; an empty list is a pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from . import lexicon
from .figures import Facts, invented, number, numbers_in
from .language import StoreText, detect
from .selectors import CaseError, Shop, matches, option_match, resolve


@dataclass
class TurnView:
    """One turn as the checks see it."""

    user: str
    status: int
    payload: dict
    cart_before: dict
    cart_after: dict
    shown: list[list[dict]]  # the cards of each earlier turn
    shop: Shop
    facts: Facts
    store_text: StoreText
    lang: str
    support_contact: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def answer(self) -> str:
        message = self.payload.get("message") if isinstance(self.payload, dict) else None
        return message if isinstance(message, str) else ""

    @property
    def cards(self) -> list[dict]:
        cards = self.payload.get("cards") if isinstance(self.payload, dict) else None
        return [c for c in cards or [] if isinstance(c, dict)]

    def select(self, spec: Any) -> set[int]:
        return resolve(spec, self.shop, self.shown)


Check = Callable[[TurnView, Any], list[str]]


# -- what every turn must hold ----------------------------------------------------------

def check_contract(view: TurnView) -> list[str]:
    if view.status != 200:
        return [f"HTTP {view.status}, not 200"]
    if not isinstance(view.payload.get("message"), str) or not view.answer.strip():
        return ["no answer text"]
    if not isinstance(view.payload.get("cards"), list):
        return ["no cards list"]
    return []


def check_hidden(view: TurnView) -> list[str]:
    """Unpublished products never leave the service."""
    failures = [f"card {c.get('name')!r} is not a published product"
                for c in view.cards if c.get("id") not in view.shop.products]
    lowered = view.answer.lower()
    failures += [f"names the unpublished {name!r}" for name in view.shop.hidden_names
                 if name.lower() in lowered]
    return failures


def check_figures(view: TurnView) -> list[str]:
    return [f"invented {claim.kind} {claim.text.strip()!r}"
            for claim in invented(view.answer, view.facts)]


def check_language(view: TurnView) -> list[str]:
    found = detect(view.answer, view.store_text)
    if found == view.lang or (view.lang == "en" and found is None):
        return []
    return [f"answered in {found or 'no clear language'}, not {view.lang}"]


GLOBAL = (check_hidden, check_figures, check_language)


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
        [f"first card is {first.get('name')!r}, expected {_names(view, wanted)}"]


def check_includes(view: TurnView, spec: Any) -> list[str]:
    wanted = view.select(spec)
    if any(c.get("id") in wanted for c in view.cards):
        return []
    return [f"no card of {_names(view, wanted)}"]


def check_excludes(view: TurnView, spec: Any) -> list[str]:
    unwanted = view.select(spec)
    return [f"shows {c.get('name')!r}" for c in view.cards if c.get("id") in unwanted]


def _names(view: TurnView, ids: set[int]) -> str:
    names = sorted(view.shop.products[i].name for i in ids if i in view.shop.products)
    return " or ".join(repr(n) for n in names) or "(nothing shown to point at)"


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


# -- the cart ---------------------------------------------------------------------------

def _lines(cart: dict) -> dict[str, dict]:
    return {item["key"]: item for item in (cart or {}).get("items", [])}


def _line_fits(view: TurnView, item: dict, want: dict) -> bool:
    if item.get("product_id") not in view.select(want["product"]):
        return False
    choices = want.get("options_any") or [want.get("options") or {}]
    return any(option_match(item.get("attributes") or {}, options) for options in choices)


def check_cart(view: TurnView, spec: Any) -> list[str]:
    before, after = _lines(view.cart_before), _lines(view.cart_after)
    changed = {k for k in before.keys() | after.keys()
               if (before.get(k) or {}).get("quantity") != (after.get(k) or {}).get("quantity")}
    if spec == "unchanged":
        return [f"the cart changed ({_describe(before, after, changed)})"] if changed else []
    if not isinstance(spec, dict) or len(spec) != 1:
        raise CaseError(f"cart takes unchanged, add, set, remove or empty: {spec!r}")
    (action, wants), = spec.items()
    if action == "empty":
        return [f"the cart still holds {len(after)} lines"] if after else []
    wants = wants if isinstance(wants, list) else [wants]
    failures, explained = [], set()
    for want in wants:
        want = want if isinstance(want, dict) and "product" in want else {"product": want}
        fits = [k for k in changed - explained if _line_fits(
            view, after.get(k) or before.get(k), want)]
        if not fits:
            failures.append(f"no {action} of {_names(view, view.select(want['product']))}"
                            f"{' ' + str(want.get('options')) if want.get('options') else ''}"
                            f" ({_describe(before, after, changed)})")
            continue
        key = fits[0]
        explained.add(key)
        old = (before.get(key) or {}).get("quantity", 0)
        new = (after.get(key) or {}).get("quantity", 0)
        if action == "add" and new - old != want.get("quantity", 1):
            failures.append(f"added {new - old} of {after[key]['name']!r}, "
                            f"expected {want.get('quantity', 1)}")
        elif action == "set" and new != want["quantity"]:
            failures.append(f"{after.get(key, before.get(key))['name']!r} is at {new}, "
                            f"expected {want['quantity']}")
        elif action == "remove" and new != 0:
            failures.append(f"{after[key]['name']!r} is still in the cart")
    if changed - explained and not failures:
        failures.append(f"other lines changed too ({_describe(before, after, changed)})")
    return failures


def _describe(before: dict, after: dict, changed: set[str]) -> str:
    if not changed:
        return "nothing changed"
    parts = []
    for key in sorted(changed):
        item = after.get(key) or before.get(key)
        label = item["name"] + (f" {item['attributes']}" if item.get("attributes") else "")
        parts.append(f"{label}: {(before.get(key) or {}).get('quantity', 0)} -> "
                     f"{(after.get(key) or {}).get('quantity', 0)}")
    return "; ".join(parts)


# -- what the answer says ---------------------------------------------------------------

def _mentioned(text: str, name: str) -> bool:
    lowered = text.lower()
    short = re.sub(r"\s*\(.*?\)\s*", " ", name).strip().lower()
    return name.lower() in lowered or (bool(short) and short in lowered)


def check_mentions(view: TurnView, spec: Any) -> list[str]:
    wanted = view.select(spec)
    if any(_mentioned(view.answer, view.shop.products[i].name) for i in wanted):
        return []
    return [f"doesn't name {_names(view, wanted)}"]


def check_names_first(view: TurnView, spec: Any) -> list[str]:
    """The answer leads with what the shopper pointed at: the first product it names."""
    wanted = view.select(spec)
    lowered = view.answer.lower()
    named = sorted((at, p.id) for p in view.shop.products.values()
                   if (at := _position(lowered, p.name)) is not None)
    if not named:
        return [f"names no product; expected {_names(view, wanted)}"]
    first = named[0][1]
    if first in wanted:
        return []
    return [f"names {view.shop.products[first].name!r} first, expected {_names(view, wanted)}"]


def _position(lowered: str, name: str) -> int | None:
    short = re.sub(r"\s*\(.*?\)\s*", " ", name).strip().lower()
    found = [at for text in {name.lower(), short} if text and (at := lowered.find(text)) >= 0]
    return min(found) if found else None


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
    return [f"doesn't give the price of {_names(view, view.select(spec))}"]


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
    if not any(_mentioned(view.answer, view.shop.products[i].name) for i in ids):
        failures.append(f"doesn't name {_names(view, ids)}")
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


CHECKS: dict[str, Check] = {
    "cards": check_cards, "first": check_first, "includes": check_includes,
    "excludes": check_excludes, "budget": check_budget,
    "fitting_variations": check_fitting_variations, "cart": check_cart,
    "mentions": check_mentions, "names_first": check_names_first,
    "contains_any": check_contains_any,
    "contains_all": check_contains_all, "numbers": check_numbers, "price_of": check_price_of,
    "availability": check_availability, "says": check_says, "handoff": check_handoff,
    "offers_person": check_offers_person, "absent_first": check_absent_first,
    "not_echo": check_not_echo,
}


def check_turn(view: TurnView, expect: dict) -> list[str]:
    """Every failure of one turn; [] when it passes."""
    failures = check_contract(view)
    if failures:
        return failures
    for check in GLOBAL:
        failures += check(view)
    for name, spec in expect.items():
        if name == "lang":
            continue
        if name not in CHECKS:
            raise CaseError(f"unknown property {name!r}")
        failures += [f"{name}: {f}" for f in CHECKS[name](view, spec)]
    return failures
