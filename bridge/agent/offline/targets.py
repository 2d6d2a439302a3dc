"""What the shopper's words point at: products shown, named or searched for, a line of the
cart, and the variation their options decide."""
from __future__ import annotations

import re

from ...catalog.text import query_terms, words
from ..turn import Turn
from . import parse, say

# Share of a product name's words the shopper must use for "the hoodie" to mean that product.
NAME_MATCH = 0.5
GENERIC = re.compile(r"\b(it|this|that|this one|that one|them|these|those|both|the one)\b|"
                     r"(?<![\w'])'?em\b", re.I)


def products(turn: Turn, text: str, want: int = 1) -> list[int]:
    """Product ids the words point at: ordinals, "the cheapest", names, "it", a search."""
    ctx = turn.ctx
    shown = list(ctx.shown)
    positions = parse.ordinals(text, len(shown))
    exact = said_in_full(turn)
    if len(exact) >= 2 and superlative(text):  # "which is cheaper, the X or the Y?"
        return _superlative(turn, text, exact)[:want]
    ranked = _superlative(turn, text, [shown[i] for i in positions] if positions else shown)
    if ranked:
        return ranked[:want]
    if positions:
        return [shown[i] for i in positions]
    if not shown and ctx.focus and re.search(r"\b(first|1st|last|top)\b", text, re.I):
        return [ctx.focus]  # one product looked at: "the first one" is that one
    if exact:
        return exact[:want]
    seen = ctx.index.cards(_seen(turn, shown))
    # A name said in full wins over a word it shares with something seen ("the Slim Leather
    # Wallet" after "the Leather Belt"), so the catalogue's own matches compete too.
    terms = query_terms(_without_intent_words(text))
    found = ctx.index.search(" ".join(terms), limit=5).cards if terms else []
    named = _by_name(text, seen + [c for c in found if c["id"] not in {s["id"] for s in seen}])
    if named:
        return named[:want]
    near = ([ctx.focus] if ctx.focus else []) + [i for i in shown if i != ctx.focus]
    described = _by_attribute(text, [item for i in near if (item := ctx.index.item(i))])
    if described:
        return described[:want]
    headed = _by_head(text, seen)
    if headed:
        return headed[:want]
    if GENERIC.search(text) or not query_terms(_without_intent_words(text)):
        # "it", or nothing but a verb and a count ("I'll take two"): what is looked at
        if want == 1 and ctx.focus:
            return [ctx.focus]
        if shown and (want > 1 or len(shown) == 1):
            return shown[:want]
    terms = query_terms(_without_intent_words(text))
    if terms:
        found = ctx.index.search(" ".join(terms), limit=want).cards
        strong = _by_name(" ".join(terms), found)
        return strong or ([c["id"] for c in found] if want > 1 else [])
    return []


def said_in_full(turn: Turn) -> list[int]:
    """Products whose whole name the shopper wrote, as written ("do you still have the
    Leather Belt?"), longest names first."""
    tokens = re.findall(r"[\w'&().-]+", turn.question)[:24]
    found: list[int] = []
    for size in range(min(len(tokens), 6), 0, -1):
        for start in range(len(tokens) - size + 1):
            name = " ".join(tokens[start:start + size]).strip(".,;:!?'")
            if len(name) < 4:
                continue
            pid = turn.ctx.index.id_by_name(name)
            if pid and pid not in found:
                found.append(pid)
    return found


def points_at_shown(turn: Turn, text: str) -> bool:
    """Whether a short message picks one of the products last shown ("the second one")."""
    shown = turn.ctx.shown
    return bool(shown) and bool(parse.ordinals(text, len(shown))) and len(words(text)) <= 6


def cart_line(text: str, items: list[dict], focus_name: str | None = None) -> dict | None:
    """The cart line the words mean; None when they could mean several."""
    positions = parse.ordinals(text, len(items))
    if positions:
        return items[positions[0]]
    said = set(words(text))
    scored = []
    for item in items:
        name = [w for w in words(item["name"]) if len(w) > 1]
        hits = sum(1 for w in name if w in said or w + "s" in said)
        if hits:
            scored.append((hits / len(name), item))
    if scored:
        best = max(score for score, _ in scored)
        winners = [item for score, item in scored if score == best]
        if len(winners) == 1:
            return winners[0]
    if len(items) == 1:
        return items[0]
    focused = [i for i in items if focus_name and i["name"] == focus_name]
    return focused[0] if len(focused) == 1 else None


def variation(product: dict, text: str) -> tuple[dict | None, str]:
    """The one variation the shopper's words decide, else None and the choice still open.

    "M" for a shirt in M/Black and M/Grey leaves "Color: Black, Grey" to choose.
    """
    variations = product["variations"]
    named = {name: [v for v in values if parse.mentioned(v, text)]
             for name, values in product.get("options", {}).items()}
    fits = [v for v in variations
            if all(v["attributes"].get(name) in values
                   for name, values in named.items() if values)]
    if len(fits) == 1:
        return fits[0], ""
    candidates = fits or variations
    open_names = [name for name, values in named.items() if len(values) != 1]
    choice = "; ".join(f"{name}: " + ", ".join(_values(candidates, name))
                       for name in open_names) or say.options(product)
    return None, choice


def _superlative(turn: Turn, text: str, shown: list[int]) -> list[int]:
    """"the cheapest", "the most expensive", "the best rated" among the last list shown."""
    cards = turn.ctx.index.cards(shown)
    kind = superlative(text)
    if kind == "cheapest":
        return [c["id"] for c in sorted(cards, key=lambda c: float(c["price"] or 0))]
    if kind == "dearest":
        return [c["id"] for c in sorted(cards, key=lambda c: -float(c.get("price_max")
                                                                    or c["price"] or 0))]
    if kind == "best":
        return [c["id"] for c in sorted(cards, key=lambda c: -float(c["rating"] or 0))]
    if kind == "stocked":  # a product that doesn't count its stock has no figure to rank
        return [c["id"] for c in sorted(cards, key=lambda c: (-(c.get("stock_quantity") or 0),
                                                              not c.get("in_stock", True)))]
    return []


CHEAPEST = re.compile(r"\b(cheapest|cheaper|least expensive|less expensive|lowest[- ]price[sd]?|"
                      r"lower[- ]price[sd]?|most affordable|more affordable|budget option|"
                      r"costs? (?:the )?(?:less|least)|least costly|cheapo|"
                      # "the least I could spend on shoes", "to pay the least"
                      r"least (?:i|you|one|we) (?:could|can|would|need to|have to) (?:spend|pay)|"
                      r"(?:spend|pay) the least)\b", re.I)
DEAREST = re.compile(r"\b(most expensive|more expensive|priciest|pricier|highest[- ]price[sd]?|"
                     r"dearest|costs? (?:the )?most|most costly|(?:most|more) pricey|top of the range|"
                     r"fanciest)\b", re.I)
BEST = re.compile(r"\b(best|better|top|highest|higher)[- ]rated\b|\b(best|better|top|highest|"
                  r"higher) (reviewed|reviews?|ratings?|rating|stars?|scores?)\b|\b(most "
                  r"popular|best one|most stars)\b", re.I)
# "Which of those has the most in stock?": ranked by units on hand.
STOCKED = re.compile(r"\b(most|largest|biggest|highest|more) (in stock|stock|units|available|"
                     r"left|on hand|quantity)\b", re.I)


def without_rank(text: str) -> str:
    """The words with "cheapest", "most expensive"... taken out (a sort, not a product word)."""
    for pattern in (CHEAPEST, DEAREST, BEST, STOCKED):
        text = pattern.sub(" ", text)
    return text


def superlative(text: str) -> str | None:
    """"cheapest", "dearest", "best" or "stocked" when the words rank products, else None."""
    for kind, pattern in (("cheapest", CHEAPEST), ("dearest", DEAREST), ("best", BEST),
                          ("stocked", STOCKED)):
        if pattern.search(text):
            return kind
    return None


def _by_name(text: str, cards: list[dict]) -> list[int]:
    said = set(words(text))
    scored = []
    for order, card in enumerate(cards):
        name = [w for w in words(card["name"]) if len(w) > 1]
        hits = sum(1 for w in name if w in said or w.rstrip("s") in said
                   or w + "s" in said)
        if name and hits / len(name) >= NAME_MATCH:
            scored.append((-hits / len(name), -hits, order, card["id"]))
    return [pid for *_, pid in sorted(scored)]


def _by_attribute(text: str, cards: list[dict]) -> list[int]:
    """"The grey one", "the red one": products shown with an option value (or a name word)
    of colour or material the words name; sizes alone point at nothing."""
    found = []
    for card in cards:
        values = {value for v in card.get("variations") or ()
                  for name, value in v["attributes"].items() if "size" not in name.lower()}
        values |= {value for name, options in (card.get("attributes") or {}).items()
                   if "size" not in name.lower() for value in options}
        values |= {w for w in words(card["name"]) if w in COLOUR_WORDS}
        if any(parse.mentioned(value, text) for value in values):
            found.append(card["id"])
    return found


def _by_head(text: str, cards: list[dict]) -> list[int]:
    """"The socks", "the scarf": the one product seen whose name ends in that word."""
    said = {w.rstrip("s") for w in words(text)}
    found = [c["id"] for c in cards if words(c["name"])
             and words(c["name"])[-1].rstrip("s") in said]
    return found if len(found) == 1 else []


COLOUR_WORDS = frozenset("""black white grey gray navy red blue green brown cream beige olive
    pink yellow orange purple charcoal sand tan khaki natural""".split())


def _seen(turn: Turn, shown: list[int]) -> list[int]:
    seen = list(shown)
    for call in turn.calls:
        seen += [c["id"] for c in call.result.cards if c["id"] not in seen]
    for pid in turn.ctx.seen:
        if pid not in seen:
            seen.append(pid)
    return seen


def _without_intent_words(text: str) -> str:
    """The words left when the request's verbs, ordinals and counts are taken out."""
    positions = "|".join([*parse.ORDINALS, *parse.NUMBER_WORDS, "last", "top", "number", "item",
                          "pairs?", "pieces?", "units?", "please", "ll", "take", "have", "gimme",
                          "lemme", "em", "want", "need", "like", "let", "me", "great", "ok",
                          "okay", "cool", "perfect", "awesome", "nice", "sure", "yes", "yeah",
                          "alright", "then", "actually"])
    text = re.sub(rf"\b(add|put|buy|get|order|purchase|compare|tell|more|about|details?|"
                  rf"describe|cart|basket|to|my|in|size|colou?r|with|and|vs|versus|{positions})\b",
                  " ", text, flags=re.I)
    return re.sub(r"\b\d+\b", " ", text)


def _values(variations: list[dict], name: str) -> list[str]:
    """The values of one option among these variations; a value none has in stock says so."""
    stocked: dict[str, bool] = {}
    for v in variations:
        value = v["attributes"].get(name)
        if value:
            stocked[value] = stocked.get(value, False) or v["in_stock"]
    return [value if ok else f"{value} (out of stock)" for value, ok in stocked.items()]
