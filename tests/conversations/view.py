"""One turn as the checks see it, and the helpers every property shares."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .figures import Facts
from .language import StoreText
from .selectors import Shop, resolve


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


def names_of(view: TurnView, ids: set[int]) -> str:
    names = sorted(view.shop.products[i].name for i in ids if i in view.shop.products)
    return " or ".join(repr(n) for n in names) or "(nothing shown to point at)"



def mentioned(text: str, name: str) -> bool:
    lowered = text.lower()
    short = re.sub(r"\s*\(.*?\)\s*", " ", name).strip().lower()
    return name.lower() in lowered or (bool(short) and short in lowered)



def position(lowered: str, name: str) -> int | None:
    short = re.sub(r"\s*\(.*?\)\s*", " ", name).strip().lower()
    found = [at for text in {name.lower(), short} if text and (at := lowered.find(text)) >= 0]
    return min(found) if found else None

