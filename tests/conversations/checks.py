"""The properties a turn is scored by, never its exact text.

``check_turn(view, expect)`` returns the failures of one turn: the global checks every
turn gets (an answer in the contract's shape, nothing unpublished, no invented figure,
the shopper's language) and each property the case expects. A failure is a sentence that
says what was wrong; an empty list is a pass.
"""
from __future__ import annotations

from . import answers, cards, cart
from .figures import invented
from .language import detect
from .selectors import CaseError
from .view import Check, TurnView

__all__ = ["CHECKS", "TurnView", "check_turn"]


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


CHECKS: dict[str, Check] = {
    "cards": cards.check_cards, "first": cards.check_first,
    "includes": cards.check_includes, "excludes": cards.check_excludes,
    "budget": cards.check_budget, "fitting_variations": cards.check_fitting_variations,
    "cart": cart.check_cart,
    "mentions": answers.check_mentions, "names_first": answers.check_names_first,
    "price_of": answers.check_price_of, "contains_any": answers.check_contains_any,
    "contains_all": answers.check_contains_all, "numbers": answers.check_numbers,
    "availability": answers.check_availability, "says": answers.check_says,
    "handoff": answers.check_handoff, "offers_person": answers.check_offers_person,
    "absent_first": answers.check_absent_first, "not_echo": answers.check_not_echo,
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

