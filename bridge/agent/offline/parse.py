"""Reading a shopper's words without a model: intents, budgets, ordinals, quantities, options."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...catalog.text import distance

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "a couple": 2, "a pair": 1, "both": 2,
}
ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
    "4th": 3, "fifth": 4, "5th": 4, "sixth": 5, "6th": 5,
    # as French and Italian shoppers write them ("la 2e", "le 1er", "il 3°")
    "1er": 0, "1re": 0, "1ere": 0, "2e": 1, "2eme": 1, "3e": 2, "3eme": 2, "4e": 3,
    "4eme": 3, "5e": 4, "5eme": 4,
}
# Longer phrases first: "extra large" must become "xl" before "large" becomes "l".
SIZE_ALIASES = {
    "extra small": "xs", "x-small": "xs", "extra large": "xl", "x-large": "xl",
    "xx-large": "xxl", "2xl": "xxl", "small": "s", "medium": "m", "large": "l",
}
_ALIASES = [(re.compile(rf"\b{alias}\b"), size) for alias, size in SIZE_ALIASES.items()]

# An amount with the currency written any way shoppers write it ("$60", "60€", "£30",
# "30 bucks", "25,50 euros"); the store's own currency is what the search uses.
_MONEY = (r"(?:us\$|r\$|[$€£])?\s*(\d+(?:\.\d{1,2}|,\d{2}(?!\d))?)\s*(?:[$€£]|dollars?|usd|bucks|"
          r"euros?|eur|quid|pounds?|gbp|reais|dirhams?|riyals?|aed|sar)?")
# "and" may be gone: the lexicon drops "y", "und", "et", "e" ("entre 40 y 50").
BUDGET_PATTERNS = [
    (re.compile(rf"\b(?:between|betwen|btwn)\s+{_MONEY}\s*(?:and|-|to|&)?\s*{_MONEY}", re.I),
     "range"),
    (re.compile(rf"\bfrom\s+{_MONEY}\s*(?:to|-|up to)\s*{_MONEY}", re.I), "range"),
    (re.compile(rf"(?<![\w.]){_MONEY}\s*(?:-|–|to)\s*{_MONEY}(?![\w.])", re.I), "range"),
    (re.compile(rf"\b(?:under|undr|sub|below|bellow|less than|less then|lower than|cheaper than|"
                rf"cheaper then|up to|upto|no more than|no more then|not more than|no higher than|"
                rf"not over|not above|nothing over|nothing above|at most|at the most|"
                rf"max(?:imum)?\.?(?: of)?|within|budget(?: of| is)?|spend|tops)\s*{_MONEY}",
                re.I), "max"),
    (re.compile(r"<\s*" + _MONEY, re.I), "max"),
    (re.compile(rf"{_MONEY}\s*(?:or less|or under|or below|or cheaper|and under|and below|max|"
                rf"tops|at most)\b", re.I), "max"),
    (re.compile(rf"\b(?:over|above|more than|at least|min(?:imum)?|starting at)\s*{_MONEY}",
                re.I), "min"),
    (re.compile(r">\s*" + _MONEY, re.I), "min"),
    (re.compile(rf"\b(?:around|about|roughly|approximately)\s*{_MONEY}", re.I), "around"),
]

SALE_WORDS = re.compile(r"\b(on sale|sale|discount(?:ed|s)?|deals?|reduced|clearance|offers?)\b",
                        re.I)
STOCK_WORDS = re.compile(r"\b(in stock|available now|available)\b", re.I)

GREETING = re.compile(r"^\W*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|"
                      r"salam|assalam\w*|marhaba|hola|bonjour|yo)\b[\s\W\w]{0,20}$", re.I)
THANKS = re.compile(r"^\W*(thanks|thank you|thx|cheers|great|perfect|ok(ay)?|cool|bye|"
                    r"goodbye|that'?s all|that is all)\b[\s\W]*(a lot|so much|bye|thanks|"
                    r"that'?s all|that is all)?[\s\W]*$", re.I)
HELP = re.compile(r"^\W*(help|what can you do|who are you|how does this work)\W*$", re.I)
CART_WORD = re.compile(r"\b(cart|basket|bag)\b", re.I)
VIEW_CART = re.compile(r"\b(show|view|see|check|what'?s in|whats in|open|display|look at)\b"
                       r".*\b(cart|basket)\b|^\W*(my |the )?(cart|basket)\W*(please|pls|plz)?"
                       r"\W*$", re.I)
EMPTY_CART = re.compile(r"\b(empty|clear)\b.*\b(cart|basket)\b|\bremove (everything|all)\b", re.I)
REMOVE = re.compile(r"\b(remove|delete|take out|take (?:it|them|that|this|those) (?:out|off)|drop|"
                    r"get rid of|ditch|scrap|toss|bin (?:it|them|that|those))\b", re.I)
UPDATE = re.compile(r"\b(change|update|set|make)\b.*\b(to|quantity|qty)\b", re.I)
# "how much is it and is it in stock": the price asked beside another question
ASKS_PRICE = re.compile(r"\b(how much|what(?:'s| is| does) (?:the|it|its) (?:price|cost)|"
                        r"price of|what (?:does|do) (?:it|they|that|this) cost)\b", re.I)
ADD = re.compile(r"\b(add|put|buy|i'?ll take|get me|order|purchase)\b", re.I)
COMPARE = re.compile(r"\b(compare|comparison|vs\.?|versus|difference between|differences|"
                     r"which (one )?is better)\b", re.I)
ORDERS = re.compile(r"\b(my orders?|order status|where is my order|track(ing)?|"
                    r"order (number |no\.? |#)?\d+)\b", re.I)
DETAILS = re.compile(r"\b(tell me (more )?about|more about|details?|describe|"
                     r"what (sizes|colou?rs|materials?)|which (sizes|colou?rs)|info(rmation)?"
                     r" (on|about)|specs?|is it|does it|what is the|how much (?:is|are|does|do))\b", re.I)


TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
UNITS = {w: n for w, n in NUMBER_WORDS.items() if " " not in w and w != "both" and n < 10}
SPELLED = re.compile(rf"\b(?:(?:a|one) )?hundred\b|\b({'|'.join(TENS)})(?:[ -]({'|'.join(UNITS)}))?\b",
                     re.I)


def spelled_out(text: str) -> str:
    """Amounts written in words as digits: "under sixty" -> "under 60" ("twenty five",
    "a hundred"); units alone stay words ("two" is more often a quantity)."""
    def digits(m: re.Match) -> str:
        if not m.group(1):
            return "100"
        return str(TENS[m.group(1).lower()] + (UNITS[m.group(2).lower()] if m.group(2) else 0))
    return SPELLED.sub(digits, text)


@dataclass(frozen=True)
class Budget:
    low: float | None = None
    high: float | None = None
    spoken: bool = False  # the amount was written in words, so answers don't restate it
    around: float | None = None  # "around 100": said back as the shopper put it

    def __bool__(self) -> bool:
        return self.low is not None or self.high is not None


def budget(text: str) -> tuple[Budget, str]:
    """The price range the words state, and the words without it."""
    found, rest = _budget(text)
    if found:
        return found, rest
    words = spelled_out(text)
    if words == text:
        return found, rest
    found, rest = _budget(words)
    return (Budget(found.low, found.high, True, found.around) if found else found), rest


# What says a budget around its amount ("I can spend up to 40 on a hoodie"): no product word.
SPENDING = re.compile(r"\b(?:(?:i|we) (?:can|could|would|want to|wanna|am willing to|'?m "
                      r"willing to)\s+)?(?:spend|pay)\b(?:\s+on\b)?", re.I)


def _budget(text: str) -> tuple[Budget, str]:
    for pattern, kind in BUDGET_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        values = [float(v.replace(",", ".")) for v in match.groups() if v is not None]
        rest = (text[:match.start()] + " " + text[match.end():]).strip()
        rest = SPENDING.sub(" ", rest).strip()
        if kind == "range":
            low, high = sorted(values[:2])
            return Budget(low, high), rest
        if kind == "max":
            return Budget(None, values[0]), rest
        if kind == "min":
            return Budget(values[0], None), rest
        return Budget(round(values[0] * 0.8, 2), round(values[0] * 1.2, 2),
                      around=values[0]), rest
    return Budget(), text


def ordinals(text: str, available: int) -> list[int]:
    """Positions (0-based) in the last list shown that the words point at, in order."""
    lowered = text.lower()
    if re.search(r"\b(?:second|2nd)[- ](?:to[- ])?last\b|\bnext[- ]to[- ]last\b|\bpenultimate\b|"
                 r"\blast but one\b", lowered):
        return [available - 2] if available >= 2 else []
    # "the first two", and the Romance order read word for word ("les deux premières" is
    # "the two first")
    match = re.search(r"\b(?:the )?(first|top|last) (two|three|four|2|3|4)\b", lowered)
    turned = re.search(r"\b(two|three|four|2|3|4) (first|last)\b", lowered)
    if match or turned:
        end, size = (match.group(1), match.group(2)) if match else (turned.group(2),
                                                                     turned.group(1))
        count = NUMBER_WORDS.get(size) or int(size)
        if end == "last":
            return list(range(max(available - count, 0), available))
        return list(range(min(count, available)))
    found: list[tuple[int, int]] = []
    for word, index in ORDINALS.items():
        for m in re.finditer(rf"\b{word}\b", lowered):
            found.append((m.start(), index))
    for m in re.finditer(r"(?:#|\bnumber |\bno\.? ?|\boption |\bitem )(\d)\b", lowered):
        found.append((m.start(), int(m.group(1)) - 1))
    for m in re.finditer(r"\b(last|latter) (one|item|product)\b|\bthe last\b|"
                         r"\blast\b(?! (?:week|month|year|time|night|order|day)s?\b)", lowered):
        found.append((m.start(), available - 1))
    if not found and re.search(r"\bcompare\b", lowered):
        # "compare 1 and 3"
        found = [(m.start(), int(m.group(1)) - 1)
                 for m in re.finditer(r"\b([1-9])\b", lowered)]
    if not found:  # "which has better reviews, 1 or 2?"
        pair = re.search(r"(?<![\w$.,])([1-9])\s*(?:or|and|vs\.?|,)\s*([1-9])\b(?!\s*(?:[$€£%]|"
                         r"dollars?|euros?|bucks|pairs?|pieces?|of\b))", lowered)
        if pair:
            found = [(pair.start(1), int(pair.group(1)) - 1),
                     (pair.start(2), int(pair.group(2)) - 1)]
    positions = [i for _, i in sorted(found) if 0 <= i < available]
    return list(dict.fromkeys(positions))


def quantity(text: str) -> int | None:
    """A quantity the shopper states ("2 of", "x3", "three hoodies"), if any."""
    lowered = text.lower()
    lowered = re.sub(r"\bsize \w+", " ", lowered)
    patterns = [
        r"\b(?:qty|quantity)(?: of| to| =|:)?\s*(\d{1,3})\b",
        r"\b(\d{1,3})\s*(?:x|×|pcs|pieces|units|pairs|of)\b",
        r"\bx\s*(\d{1,3})\b",
        r"\b(?:add|buy|take|get|put|order|set|to|make it|want|need|gimme|give me)\s+(\d{1,3})\b"
        r"(?!\s*(?:\$|dollars))",
    ]
    for pattern in patterns:
        match = re.search(pattern, lowered)
        if match:
            return int(match.group(1))
    for word, number in NUMBER_WORDS.items():
        if word in ("both", "a pair"):
            continue
        if re.search(rf"\b(?:add|buy|take|get|put|order|to|make it|want|need|gimme|give me) "
                     rf"{word}\b|\b{word} of\b",
                     lowered):
            return number
    return None


def mentioned(value: str, text: str) -> bool:
    """Whether an option value (a size, a colour) is named in the words."""
    whole, last = _value_patterns(value)
    lowered = _sized(text)
    # "grey" names "Heather Grey": the value's last word, when it is a word of its own
    return whole.search(lowered) is not None or (
        last is not None and last.search(lowered) is not None)


# A turn asks about every option of every card it shows: the same words and values, read
# once each (the alias substitutions were a tenth of an offline turn's time).
@lru_cache(maxsize=4096)
def _sized(text: str) -> str:
    lowered = text.lower()
    for alias, size in _ALIASES:
        lowered = alias.sub(size, lowered)
    return lowered


@lru_cache(maxsize=4096)
def _value_patterns(value: str) -> tuple[re.Pattern, re.Pattern | None]:
    parts = value.lower().split()
    last = re.compile(rf"(?<![\w']){re.escape(parts[-1])}(?![\w'])") \
        if len(parts) > 1 and len(parts[-1]) > 2 else None
    return re.compile(rf"(?<![\w']){re.escape(value.lower())}(?![\w'])"), last


# The reader's own words shoppers mistype most ("secnd", "frist", "cheapst"): one slip from
# one of them reads as it. ("remove" is left out: "remote" is a product word.)
READER_WORDS = ("first", "second", "third", "cheapest", "cheaper", "expensive", "priciest",
                "quantity", "compare")


def repaired(text: str) -> str:
    """The words with a one-letter slip in a reader word put right."""
    def fix(m: re.Match) -> str:
        word = m.group(0).lower()
        if word in READER_WORDS:
            return m.group(0)
        for target in READER_WORDS:
            if abs(len(target) - len(word)) <= 1 and distance(word, target) == 1:
                return target
        return m.group(0)
    return re.sub(r"(?<![\w'])[A-Za-z]{5,}(?![\w'])", fix, text)


def drop_greeting(text: str) -> str:
    return re.sub(r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b[\s,!.]*", "",
                  text, flags=re.I)
