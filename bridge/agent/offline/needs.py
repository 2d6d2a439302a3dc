"""Needs that name no product ("something cosy for the evenings") and kinds of product the
store doesn't sell ("do you have TVs?").

A need is read with a curated table of situations, each mapped to the catalogue words that
serve it. A kind is the head word of what the shopper asked for; the store sells a kind
when a product's name ends in it (or its category is it), so "laptops" is not sold just
because a "Laptop Sleeve" is.
"""
from __future__ import annotations

import re

from ...catalog.text import SYNONYMS, query_terms, words

NEEDS = (
    (r"\b(cosy|cozy|snug|comfy|evenings?|cold|chilly|freezing|warm|winter|desk|office)\b",
     "hoodie sweatshirt fleece wool blanket slippers scarf"),
    (r"\b(cold|warm)\b.*\bfeet\b|\bfeet\b.*\b(cold|warm)\b", "socks slippers wool"),
    (r"\b(beach|holiday|vacation|summer|sunny|pool|swim)\b",
     "beach swim sun linen sunglasses tote"),
    (r"\b(flight|flights|plane|travel|travelling|traveling|trip|airport)\b",
     "travel compression packable daypack tumbler"),
    (r"\b(coffee|tea|espresso|brew)\b", "coffee mug pour tumbler"),
    (r"\b(run|running|jog|jogging|marathon|gym|workout)\b", "running runner performance"),
    (r"\b(hike|hiking|hiker|trek|trekking|camping|outdoors|mountains?)\b",
     "hiking trail camp expedition"),
)
# Words that carry a need but never a kind of product.
NEED_WORDS = frozenset("""cosy cozy snug comfy evening evenings cold chilly freezing warm winter
    desk office work always feet beach holiday vacation summer sunny flight flights plane
    travel travelling traveling trip airport long next week ideas idea morning coffee tea
    run running jog jogging gift present dad mom mum father mother friend boyfriend
    girlfriend husband wife loves love likes hike hiking hiker trek trekking camping
    outdoors mountain mountains gym workout calentito invierno going ideas suggestions
    recommend recommendation morning mornings night nights weekend day days always
    really very enough keep keeps kind sort he she his her him they their""".split())
# Last words of a name that say little on their own ("Towel Set", "Pillow Cover").
GENERIC_HEADS = frozenset({"set", "pack", "cover", "strap", "holder", "3", "pack)"})
# Words that ask for a range, not a kind ("leather goods", "what accessories").
GENERAL = frozenset("""goods clothes clothing gear apparel accessories accessory things range
    collection styles style sizes colours colors ones options sale deals offers new
    arrivals bestsellers gifts black white grey gray navy red blue green brown cream beige
    olive pink leather wool cotton linen canvas suede denim merino waterproof""".split())
STOP_AT = re.compile(r"\b(for|with|to|in|on|under|below|over|that|which|from|like|than|"
                     r"between|around|about|too|then|instead|please)\b")

_kinds: dict[tuple, frozenset[str]] = {}
_homes: dict[tuple, dict[str, str]] = {}


def need_query(text: str) -> str | None:
    """The catalogue words for the situation the shopper describes, if one fits."""
    found = [query for pattern, query in NEEDS if re.search(pattern, text, re.I)]
    if not found:
        return None
    cold_feet = NEEDS[1][1]
    return cold_feet if cold_feet in found else found[0]


def kinds(index) -> frozenset[str]:
    """The kinds of product the store sells: the head word of each name and category."""
    key = (id(index), index.count(), index.meta("fingerprint"), index.meta("change_cursor"))
    if key not in _kinds:
        found: set[str] = set()
        for card in index.cards(index.ids()):
            name = words(card["name"])
            heads = [w for w in name if not w.isdigit()]
            if heads:
                found.add(heads[-1])
                if heads[-1] in GENERIC_HEADS and len(heads) > 1:
                    found.add(heads[-2])
            for category in card.get("categories") or ():
                label = category if isinstance(category, str) else category.get("name", "")
                found.update(words(label))
        for word, alternatives in SYNONYMS.items():
            if any(singular(a) in {singular(k) for k in found} for a in alternatives):
                found.add(word)
        _kinds.clear()
        _kinds[key] = frozenset(singular(k) for k in found)
        _homes.clear()
        _homes[key] = _home_categories(index)
    return _kinds[key]


def homes(index) -> dict[str, str]:
    """Kind word -> the one category every product of that kind is in ("sneaker" -> Shoes)."""
    kinds(index)
    return next(iter(_homes.values()), {})


def _home_categories(index) -> dict[str, str]:
    found: dict[str, set[str]] = {}
    for card in index.cards(index.ids()):
        name = [w for w in words(card["name"]) if not w.isdigit()]
        labels = {c if isinstance(c, str) else c.get("name", "")
                  for c in card.get("categories") or ()}
        if name and labels:
            found.setdefault(singular(name[-1]), set()).update(labels)
    return {kind: next(iter(cats)) for kind, cats in found.items() if len(cats) == 1}


def sells_kind(text: str, index) -> bool:
    """Whether the words name a kind of product the store sells."""
    sold = kinds(index)
    return any(_is_kind(t, sold) for t in query_terms(text))


def unsold(text: str, index, ignored: list[str]) -> str | None:
    """The words of a kind the store doesn't sell, as the shopper wrote them, or None."""
    head_part = STOP_AT.split(text.lower(), maxsplit=1)[0]
    terms = [t for t in query_terms(head_part) if t not in NEED_WORDS]
    if not terms:
        return None
    sold = kinds(index)
    head = terms[-1]
    if any(_is_kind(t, sold) for t in terms):
        if _is_kind(head, sold) and len(terms) > 1 and terms[-2] in ignored:
            return " ".join(terms[-2:])  # "sleeping bag": bags are sold, sleeping bags not
        return None
    if head in GENERAL or any(t in GENERAL for t in terms):
        return None
    return " ".join(terms[-2:])


def _is_kind(word: str, sold: frozenset[str]) -> bool:
    return singular(word) in sold or _repairs_to_kind(word, sold)


def _repairs_to_kind(word: str, sold: frozenset[str]) -> bool:
    """A typo of a kind the store sells ("hoodei") is that kind."""
    from ...catalog.text import distance, max_typos
    limit = max_typos(word)
    return any(distance(singular(word), k) <= limit for k in sold) if limit else False


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-1]
    if word.endswith(("ses", "xes", "shes", "ches")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
