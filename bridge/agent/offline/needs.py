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
    # any word for cold: "my feet are always freezing at night"
    (r"\b(cold|warm|freezing|frozen|chilly|icy)\b.*\bfeet\b|"
     r"\bfeet\b.*\b(cold|warm|freezing|frozen|chilly|icy)\b", "wool+socks slippers boots"),
    (r"\b(hands?|fingers)\b", "gloves scarf"),
    (r"\b(ears|head)\b.*\b(cold|warm|freezing)\b", "beanie scarf"),
    (r"\b(cook|cooks|cooking|kitchen|chef|bake|baking|baker|recipes?|foodie)\b",
     "kitchen pour mug ceramic"),
    (r"\b(cosy|cozy|snug|comfy|evenings?|cold|chilly|freezing|warm|winter|desk|office|"
     r"snow|snows|snowy|frost|frosty)\b",
     "fleece sherpa blanket scarf slippers sweatshirt"),
    (r"\b(rain|rainy|raining|wet|dry|waterproof|storm|drizzle)\b",
     "rain waterproof softshell waxed"),
    (r"\b(commute|commuting|commuter|bike|cycling|cycle|bicycle)\b",
     "commuter rolltop rain packable"),
    (r"\b(lounge|lounging|relax|relaxing|couch|sofa|chill|chilling|movie|home|"
     r"comfortable)\b",
     "blanket candle pillow slippers jogger waffle"),
    (r"\b(gift|gifts|present|presents|birthday|anniversary|christmas|girlfriend|"
     r"boyfriend|wife|husband|mum|mom|mother|dad|father)\b",
     "scarf candle wallet mug blanket beanie"),
    (r"\b(festival|concert|picnic|park)\b", "bucket sunglasses tote linen"),
    (r"\b(beach|holiday|vacation|summer|sunny|pool|swim)\b",
     "beach swim sunglasses sun linen tote"),
    (r"\b(hike|hiking|hiker|trek|trekking|camping|camp|tent|outdoors|mountains?)\b",
     "hiking trail camp expedition"),
    (r"\b(flight|flights|plane|travel|travelling|traveling|trip|airport)\b",
     "travel compression packable daypack tumbler"),
    (r"\b(coffee|tea|espresso|brew)\b", "mug ceramic tumbler"),
    (r"\b(run|running|jog|jogging|marathon|gym|workout|work out|sweat|sweating|exercise|"
     r"fitness|training|sport|sports)\b", "running runner performance"),
)
# Words that carry a need but never a kind of product.
NEED_WORDS = frozenset("""cosy cozy snug comfy evening evenings cold chilly freezing warm winter
    desk office work always feet beach holiday vacation summer sunny flight flights plane
    travel travelling traveling trip airport long next week ideas idea morning coffee tea
    run running jog jogging gift present dad mom mum father mother friend boyfriend
    girlfriend husband wife loves love likes hike hiking hiker trek trekking camping
    outdoors mountain mountains gym workout calentito invierno going ideas suggestions
    recommend recommendation morning mornings night nights weekend day days always
    commute commuting commuter bike cycling cycle bicycle lounge lounging relax relaxing
    couch sofa chill chilling movie home gifts presents birthday anniversary christmas
    festival concert picnic park starting start nice trip trips hands hand fingers ears
    head sweat sweating exercise fitness training sport sports freezing
    really very enough keep keeps kind sort he she his her him they their rain rainy wet
    dry waterproof walks walk walking snow snows snowy live lot suggestion gym started
    just cook cooks cooking kitchen chef bake baking baker recipe recipes foodie comfortable
    stay staying""".split())
# Last words of a name that say little on their own ("Towel Set", "Pillow Cover").
GENERIC_HEADS = frozenset({"set", "pack", "cover", "strap", "holder", "3", "pack)"})
# Words that ask for a range, not a kind ("leather goods", "what accessories").
GENERAL = frozenset("""goods clothes clothing gear apparel accessories accessory things range
    collection styles style sizes colours colors ones options sale deals offers new
    arrivals bestsellers gifts black white grey gray navy red blue green brown cream beige
    olive pink leather wool cotton linen canvas suede denim merino waterproof""".split())
STOP_AT = re.compile(r"\b(for|with|to|in|on|under|below|over|that|which|from|like|than|"
                     r"between|around|about|too|then|instead|please)\b")

_vocabularies: dict[tuple, tuple] = {}  # the last index read: (kinds, homes, naming)


# Lines that only frame a need ("a gift for...", "at home"): a hobby named beside them wins.
FRAMING = ("scarf candle wallet mug blanket beanie", "blanket candle pillow slippers jogger waffle")


def need_query(text: str) -> str | None:
    """The catalogue words for the situation the shopper describes, if one fits."""
    found = [query for pattern, query in NEEDS if re.search(pattern, text, re.I)]
    if not found:
        return None
    cold_feet = "wool+socks slippers boots"
    if cold_feet in found:
        # cold feet at night or at home want socks and slippers, not outdoor boots
        indoors = re.search(r"\b(at night|in bed|at home|indoors|in the house|sleep\w*)\b",
                            text, re.I)
        return "wool+socks slippers" if indoors else cold_feet
    specific = [q for q in found if q not in FRAMING]
    return (specific or found)[0]


def kinds(index) -> frozenset[str]:
    """The kinds of product the store sells: the head word of each name and category."""
    return _vocabulary(index)[0]


def naming(index) -> frozenset[str]:
    """Every word of a product name or category (singular): what products are called."""
    return _vocabulary(index)[2]


def homes(index) -> dict[str, str]:
    """Kind word -> the one category every product of that kind is in ("sneaker" -> Shoes)."""
    return _vocabulary(index)[1]


def _vocabulary(index) -> tuple[frozenset[str], dict[str, str], frozenset[str]]:
    """(kinds, homes, naming) of the index as it is now, read once per change of it. The
    cache holds one entry, replaced whole, so threads answering at once never see a part."""
    key = (id(index), index.count(), index.meta("fingerprint"), index.meta("change_cursor"))
    known = _vocabularies.get(key)
    if known is not None:
        return known
    cards = index.cards(index.ids())
    found: set[str] = set()
    for card in cards:
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
    known = (frozenset(singular(k) for k in found), _home_categories(index),
             frozenset(singular(w) for card in cards for w in words(card["name"]) + [
                 x for c in card.get("categories") or ()
                 for x in words(c if isinstance(c, str) else c.get("name", ""))]))
    _vocabularies.clear()
    _vocabularies[key] = known
    return known


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
    # "home" names a category ("Home & Kitchen") but, said, a situation ("at home")
    return any(_is_kind(t, sold) for t in query_terms(text) if t not in NEED_WORDS)


# How a shopper asks for a kind of thing ("do you sell X", "I need a X", "any X?"); the
# kind is the words right after it. A message without one is a kind only when it is short.
ASKS = re.compile(r"\b(?:do|does) (?:you|u|ya|they) (?:sell|have|carry|stock|offer|got)|"
                  r"\bhave you got\b|\bgot any\b|\byou (?:sell|carry|stock)\b|"
                  r"\blooking for\b|\bsearching for\b|\bi (?:want|need|would like|'?d like)\b|"
                  r"\bi want\b|\bsell\b|\bany\b|\bshow me\b|\bwhere (?:can i find|are)\b",
                  re.I)


def unsold(text: str, index, ignored: list[str], lang: str = "en") -> str | None:
    """The words of a kind the store doesn't sell, as the shopper wrote them, or None."""
    combination = _unsold_combination(query_terms(text), index, kinds(index))
    if combination:
        return combination  # "any in pink?" after hoodies: no hoodie is pink
    asked = ASKS.search(text)
    if asked:
        text = text[asked.end():]
    elif len(query_terms(text)) > 3:
        return None
    head_part = STOP_AT.split(text.lower(), maxsplit=1)[0]
    every = query_terms(head_part)
    if need_query(head_part) and every and (every[-1] in NEED_WORDS or lang != "en"):
        return None  # a need ("a present for my dad who loves hiking"), not a kind
    terms = [t for t in every if t not in NEED_WORDS]
    if not terms:
        return None
    sold = kinds(index)
    head = terms[-1]
    if any(_is_kind(t, sold) for t in terms):
        # (in English only: elsewhere a leftover word is more often a word the lexicon
        # lacks than a modifier)
        if lang == "en" and _is_kind(head, sold) and len(terms) > 1 and \
                terms[-2] not in GENERAL and (
                terms[-2] in ignored or singular(terms[-2]) not in naming(index)):
            return " ".join(terms[-2:])  # "sleeping bag": bags are sold, sleeping bags not
        return None
    if head in GENERAL or any(t in GENERAL for t in terms):
        return None
    return " ".join(terms[-2:])


# Words that describe a kind rather than name one: what it is made of, its colour.
DESCRIBING = frozenset("""leather wool cotton linen canvas suede denim merino silk cashmere
    velvet fleece nylon corduroy waxed black white grey gray navy red blue green brown
    cream beige olive pink yellow orange purple charcoal sand tan khaki burgundy teal
    mustard lavender""".split())


def _unsold_combination(terms: list[str], index, sold: frozenset[str]) -> str | None:
    """"A leather jacket" when jackets and leather goods are sold but no leather jacket:
    the describing words and the kind, in the shopper's order, or None."""
    kinds_said = [t for t in terms if _is_kind(t, sold) and t not in DESCRIBING]
    describing = [t for t in terms if t in DESCRIBING]
    if len(kinds_said) != 1 or not describing:
        return None
    kind = singular(kinds_said[0])
    for card in index.cards(index.ids()):
        labels = [c if isinstance(c, str) else c.get("name", "")
                  for c in card.get("categories") or ()]
        if kind not in {singular(w) for w in words(card["name"]) + words(" ".join(labels))}:
            continue
        if described(card, describing):
            return None
    return " ".join(describing + kinds_said)


def described(card: dict, describing: list[str]) -> bool:
    """Whether the card's name, attributes or options have every describing word."""
    own = set(words(card["name"]))
    own |= {w for values in (card.get("attributes") or {}).values()
            for value in values for w in words(value)}
    own |= {w for v in card.get("variations") or () for value in v["attributes"].values()
            for w in words(value)}
    return all(d in own or (d == "gray" and "grey" in own) for d in describing)


def kind_in(text: str, index) -> str | None:
    """The kind of product the words name, if one ("jackets" of "leather jackets")."""
    sold = kinds(index)
    found = [t for t in query_terms(text) if _is_kind(t, sold) and t not in DESCRIBING]
    return found[-1] if found else None


def _is_kind(word: str, sold: frozenset[str]) -> bool:
    return singular(word) in sold or _repairs_to_kind(word, sold)


def _repairs_to_kind(word: str, sold: frozenset[str]) -> bool:
    """A typo of a kind the store sells ("hoodei") is that kind."""
    from ...catalog.text import distance
    if len(word) < 6:
        return False  # "beans" is not a typo of "jeans"
    return any(k[:1] == word[:1] and distance(singular(word), k) <= 1 for k in sold)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-1]
    if word.endswith(("ses", "xes", "shes", "ches")) and len(word) > 4:
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
