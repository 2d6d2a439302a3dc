"""The claim reader: the figures a text states that a shopper could act on.

``read(text)`` finds money (``$12.34``, ``12,34 EUR``, ``USD 12``, ``12 bucks``), percentages
(``20%``, ``20 % de descuento``), coupon-like codes, stock counts (``only 3 left``,
``quedan 3``), ratings (``4.5 stars``), delivery promises (``in 2-3 business days``,
``tomorrow``, ``le 3 mars``, free shipping) and links, in English, Spanish, French and
German, with either decimal style. Each ``Claim`` keeps its span, so a caller can replace
exactly the figure as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# A number as people write prices: 1,234.56 / 1.234,56 / 1 234,56 / 12,5 / 94
NUMBER = r"\d{1,3}(?: \d{3})+,\d{2}(?!\d)|\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2}(?!\d))?"
SYMBOLS = {"$": "$", "US$": "USD", "A$": "AUD", "C$": "CAD", "€": "EUR", "£": "GBP",
           "¥": "JPY", "₹": "INR"}
CODES = "USD|EUR|GBP|CAD|AUD|CHF|JPY|INR|SAR|AED|MXN"
WORDS = {"dollar": "$", "dollars": "$", "bucks": "$", "buck": "$", "dólares": "$",
         "dolares": "$", "dólar": "$", "dollar américain": "USD", "euro": "EUR",
         "euros": "EUR", "pound": "GBP", "pounds": "GBP", "livres": "GBP", "pfund": "GBP"}
_SYM = r"US\$|A\$|C\$|\$|€|£|¥|₹"
_WORD = "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True))

MONEY = re.compile(
    rf"(?P<s1>{_SYM})\s?(?P<n1>{NUMBER})"
    rf"|(?P<c1>\b(?:{CODES}))\s?(?P<n2>{NUMBER})"
    rf"|(?P<n3>{NUMBER})\s?(?:(?P<s2>{_SYM})|(?P<c2>(?:{CODES})\b)|(?P<w>(?:{_WORD})\b))",
    re.I)
# A bare amount after a word of price: "costs 12.34", "cuesta 12,34", "Preis: 94".
PRICED = re.compile(rf"\b(?:costs?|priced at|price(?: is| of)?|for just|cuestan?|precio(?: es| de)?|"
                    rf"coûtent|coûte|prix(?: est| de)?|kosten|kostet|preis(?: ist| von)?)"
                    rf"\s*:?\s+(?P<n>{NUMBER})(?!\s?(?:%|\d))", re.I)
PERCENT = re.compile(rf"(?P<n>{NUMBER})\s?(?:%|per ?cent\b|percent\b|por ciento\b|pour ?cent\b"
                     r"|prozent\b)", re.I)
RATING = re.compile(rf"(?P<n>{NUMBER})\s?(?:stars?|/\s?5\b|out of 5\b|of 5\b|estrellas|"
                    r"de 5\b|étoiles|sur 5\b|sterne?n?\b|von 5\b)", re.I)
STOCK = re.compile(
    r"(?:\b(?:quedan|queda|il ne reste que|il reste|plus que|nur noch)\s+(?:(?:solo|sólo)\s+)?"
    r"(?P<a>\d+)(?!\d|[.,]\d|\s?(?:days?|días|jours?|tage|%)))"
    r"|(?:\b(?:only|just|solo|sólo|seulement)\s+(?P<c>\d+)(?=\s*(?:left\b|remaining\b|"
    r"in stock\b|available\b|units?\b|items?\b|pieces?\b|[.,!?]|$)))"
    r"|(?P<d>\d+)\s+(?:units?|pieces?|unidades|pièces?|exemplaires?|stück)\b"
    r"|(?P<b>\d+)\s+(?:(?:units?|items?|pieces?|unidades|pièces?|exemplaires?|stück)\s+)?"
    r"(?:left\b|in stock\b|available\b|remaining\b|on hand\b|en stock\b|disponibles?\b|"
    r"en existencia\b|restantes?\b|auf lager\b|verfügbar\b|vorrätig\b|übrig\b)", re.I)
DURATION = re.compile(
    r"(?P<n>\d+)(?:\s?(?:-|–|to|a|à|bis|or|o|ou|oder)\s?(?P<m>\d+))?\s?"
    r"(?:business |working |hábiles |ouvrés |ouvrables )?"
    r"(?P<u>days?|días?|dias?|jours?|werktag(?:en|e)?|tag(?:en|e)?|hours?|horas|heures?|stunden|h\b|"
    r"weeks?|semanas?|semaines?|wochen?)(?:\s(?:hábiles|laborables|ouvrés|ouvrables))?\b",
    re.I)
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
          "december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
          "noviembre|diciembre|janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
          "octobre|novembre|décembre|januar|februar|märz|juni|juli|oktober|dezember")
ISO_DATE = re.compile(r"\b\d{4}-(?P<m>\d{2})-(?P<d>\d{2})\b")
DATE = re.compile(rf"\b(?:(?P<d>\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:de\s+)?(?P<m1>{MONTHS})"
                  rf"|(?P<m2>{MONTHS})\s+(?P<e>\d{{1,2}})(?:st|nd|rd|th)?)\b", re.I)
WHEN = re.compile(r"\b(?:tomorrow|next[- ]day|same[- ]day|overnight|mañana|pasado mañana|"
                  r"demain|morgen|übermorgen)\b", re.I)
FREE_SHIPPING = re.compile(
    r"\b(?:free (?:shipping|delivery)|ships? (?:for )?free|env[ií]o gratis|gratis env[ií]o|"
    r"env[ií]o gratuito|livraison (?:gratuite|offerte)|kostenlose[nr]? (?:versand|lieferung)|"
    r"versandkostenfrei|gratis versand)\b", re.I)
SHIPPING = re.compile(r"\b(?:ship|deliver|arriv|dispatch|send|sent|get it|receiv|env[ií]|lleg|"
                      r"entreg|recib|livr|expédi|reçu|reçoi|recevr|versand|versend|liefer|"
                      r"geliefert|ankomm|zugestellt|erhalt|bekomm)", re.I)
CODE = re.compile(
    r"(?:\b(?i:(?:promo|coupon|discount|rabatt|gutschein|c[óo]digo(?: de descuento| promocional)?"
    r"|cup[óo]n|code(?: promo)?|voucher)(?:\s?code)?)\s*:?\s*[\"'«“]?"
    r"(?P<a>[A-Za-z0-9][A-Za-z0-9_-]{2,19})\b)"
    r"|(?P<b>\b[A-Z]{3,}\d{1,3}\b)")
LINK = re.compile(r"\bhttps?://[^\s)\]>\"'<]+|\bwww\.[^\s)\]>\"'<]+", re.I)
HEDGE = re.compile(r"(?:about|around|roughly|approx(?:imately|\.)?|nearly|almost|circa|ca\.|~|"
                   r"alrededor de|aproximadamente|cerca de|unos|unas|environ|à peu près|"
                   r"près de|etwa|ungefähr|rund)\s*$", re.I)
# Limits: "under $50" is true of a $40 product, whoever named the $50.
BELOW = re.compile(r"(?:under|below|less than|up to|at most|max(?:imum)?|within|menos de|"
                   r"hasta|por debajo de|moins de|jusqu'à|unter|bis zu|bis|weniger als|"
                   r"höchstens)\s*$", re.I)
ABOVE = re.compile(r"(?:over|above|more than|at least|más de|mas de|plus de|au-delà de|über|"
                   r"mehr als|mindestens)\s*$", re.I)
BOUND = re.compile(r"(?:budget(?: of)?|presupuesto de|budget de)\s*$", re.I)
FROM = re.compile(r"(?:from|starting at|desde|a partir de|dès|ab)\s*$", re.I)
OFF = re.compile(r"^\s?(?:off\b|discount|de descuento|de réduction|de remise|rabatt|"
                 r"nachlass|günstiger|cheaper|less\b|menos)", re.I)
# Words around a percentage that make it a reduction ("20% off", "save 20%", "-20 %"),
# not a material or a share ("100% cotton").
DISCOUNT = re.compile(r"\b(?:off|discount\w*|sav(?:e|es|ing)\w*|sale|reduced|reduction|cheaper|"
                      r"markdown|marked down|descuento|rebaj\w*|ahorr\w*|menos|réduction|remise|"
                      r"économ\w*|soldes|moins cher|rabatt|günstiger|reduziert|spar\w*|"
                      r"nachlass)\b|-\s*$", re.I)
# What each costly pattern cannot match without, lower-case: a text lacking all of a
# pattern's is not scanned with it (a stream's claim check reads every span it holds for a
# figure, and these patterns were most of a streamed turn's check). Every match of a pattern
# contains one of its words; DURATION's "h" unit is looked for as a word's end.
NEEDS = {
    "money": ("$", "€", "£", "¥", "₹", *CODES.lower().split("|"), *WORDS),
    "percent": ("%", "per cent", "percent", "por ciento", "pour cent", "pourcent", "prozent"),
    "rating": ("star", "/", "of 5", "estrellas", "de 5", "étoiles", "sur 5", "stern", "von 5"),
    "stock": ("qued", "reste", "plus que", "nur noch", "only", "just", "solo", "sólo",
              "seulement", "unit", "piece", "unidades", "pièce", "exemplaire", "stück", "left",
              "stock", "available", "remaining", "on hand", "disponible", "existencia",
              "restante", "lager", "verfügbar", "vorrätig", "übrig"),
    "duration": ("day", "dia", "día", "jour", "tag", "hour", "hora", "heure", "stunden", "week",
                 "semana", "semaine", "woche"),
}
H_UNIT = re.compile(r"h\b")
# The letters re.I matches beyond their lower case ("ſ" is an "s" to it).
FOLD = str.maketrans({"ſ": "s", "\u212a": "k", "ı": "i", "İ": "i"})
# Code-like words that are not codes: sizes, units and the like.
NOT_CODES = {"USB", "HDMI", "LED", "XXL", "XL", "FAQ", "SKU", "PDF"}


@dataclass(frozen=True)
class Claim:
    kind: str  # money, percent, stock, rating, delivery, code, link
    start: int
    end: int
    text: str
    value: object  # Decimal for figures, str for codes, links and delivery promises
    currency: str | None = None  # money: an ISO code, or "$" for any dollar
    decimals: int = 0  # as written: "$94" 0, "$94.00" 2
    hedged: bool = False  # "about $90"
    bound: str | None = None  # a limit, not a price: "below" ("under $50"), "above",
    # "range" ("between 20 and 40"), "budget" ("a budget of $50")
    start_from: bool = False  # "from $40"
    off: bool = False  # "20% off", "$15 off": a reduction


def number(text: str) -> tuple[Decimal, int] | None:
    """A written number and its decimals: "1.234,56" and "1,234.56" are both 1234.56; a
    lone separator before exactly three digits groups thousands, else it is the decimal."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", text)
    last = max(raw.rfind(","), raw.rfind("."))
    if last < 0:
        digits, decimals = raw, 0
    else:
        tail = raw[last + 1:]
        if len(tail) == 3 and ("," in raw) != ("." in raw):
            digits, decimals = raw.replace(",", "").replace(".", ""), 0
        else:
            digits = raw[:last].replace(",", "").replace(".", "") + "." + tail
            decimals = len(tail)
    try:
        return Decimal(digits), decimals
    except InvalidOperation:
        return None


def read(text: str, since: int = 0) -> list[Claim]:
    """Every claim in ``text`` (ending after ``since``), in order; a span counts once
    (money before percent...)."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(kind, match, group, value, **extra):
        start, end = match.span(group)
        if end <= since or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        claims.append(Claim(kind, start, end, text[start:end], value, **extra))

    start = _back(since)
    region = text[start:].translate(FOLD).lower()
    may = {kind: any(word in region for word in words) for kind, words in NEEDS.items()}
    may["duration"] = may["duration"] or H_UNIT.search(region) is not None
    for m in MONEY.finditer(text, start) if may["money"] else ():
        if m.end() <= since:
            continue
        n = next(g for g in ("n1", "n2", "n3") if m.group(g))
        parsed = number(m.group(n))
        if parsed is None:
            continue
        sym = m.group("s1") or m.group("s2")
        code = m.group("c1") or m.group("c2")
        currency = SYMBOLS.get(sym) if sym else code.upper() if code else \
            WORDS.get(m.group("w").lower())
        add("money", m, 0, parsed[0], currency=currency, decimals=parsed[1],
            **_context(text, m.start(), m.end()))
    for m in PRICED.finditer(text, _back(since)):
        if m.end() <= since:
            continue
        parsed = number(m.group("n"))
        if parsed is not None:
            add("money", m, "n", parsed[0], decimals=parsed[1],
                **_context(text, m.start("n"), m.end("n")))
    for m in PERCENT.finditer(text, start) if may["percent"] else ():
        if m.end() <= since:
            continue
        parsed = number(m.group("n"))
        if parsed:
            context = _context(text, m.start(), m.end())
            # The reduction's word may close the sentence: "20 % y 10 % de descuento".
            after = re.split(r"[.!?\n]", text[m.end():m.end() + 60])[0]
            around = re.split(r"[.!?\n]", text[max(0, m.start() - 40):m.start()])[-1] + " " + after
            context["off"] = context["off"] or bool(DISCOUNT.search(around)) or bool(
                re.search(r"-\s*$", text[max(0, m.start() - 2):m.start()]))
            add("percent", m, 0, parsed[0], decimals=parsed[1], **context)
    for m in RATING.finditer(text, start) if may["rating"] else ():
        parsed = number(m.group("n"))
        if parsed:
            add("rating", m, "n", parsed[0], decimals=parsed[1])
    for m in STOCK.finditer(text, start) if may["stock"] else ():
        if m.end() <= since:
            continue
        group = next(g for g in ("a", "c", "d", "b") if m.group(g))
        add("stock", m, group, Decimal(m.group(group)), **_context(text, *m.span(group)))
    for m in DURATION.finditer(text, start) if may["duration"] else ():
        if m.end() <= since:
            continue
        unit = m.group("u").lower()[:1]
        unit = {"d": "d", "j": "d", "t": "d", "w": "d", "h": "h", "s": "w"}.get(unit, unit)
        if m.group("u").lower().startswith(("week", "wo", "sema")):
            unit = "w"
        if m.group("u").lower().startswith(("stund", "heur", "hor", "hour")) or unit == "h":
            unit = "h"
        span = f"{m.group('n')}-{m.group('m')}" if m.group("m") else m.group("n")
        add("delivery", m, 0, f"{span}{unit}", **_context(text, m.start(), m.end()))
    for m in DATE.finditer(text, _back(since)):
        if _shipping_near(text, m.start(), m.end()):
            day = int(m.group("d") or m.group("e"))
            add("delivery", m, 0, f"{day}-{month(m.group('m1') or m.group('m2'))}")
    for m in ISO_DATE.finditer(text, _back(since)):
        add("date", m, 0, f"{int(m.group('d'))}-{int(m.group('m'))}")
    for m in WHEN.finditer(text, _back(since)):
        if _shipping_near(text, m.start(), m.end()):
            add("delivery", m, 0, m.group(0).lower().replace(" ", "-"))
    for m in FREE_SHIPPING.finditer(text, _back(since)):
        add("delivery", m, 0, "free-shipping")
    for m in LINK.finditer(text, _back(since)):
        add("link", m, 0, m.group(0).rstrip(".,;:!?").lower())
    for m in CODE.finditer(text, _back(since)):
        group = "a" if m.group("a") else "b"
        code = m.group(group)
        looks_like = code.isupper() or any(c.isdigit() for c in code)
        if looks_like and code.upper() not in NOT_CODES and not code.isdigit():
            add("code", m, group, code.upper())
    claims.sort(key=lambda c: c.start)
    return claims


def _back(since: int) -> int:
    """Where to start looking for claims that end after ``since``: a claim's words before
    its figure ("il ne reste que", "free shipping") reach this far back at most."""
    return max(0, since - 40)


def month(name: str) -> int:
    """A month's number from its name in any of the four languages."""
    names = MONTHS.split("|")
    # en 0-11, es 12-23, fr 24-35, de (those unlike the others) 36-41
    german = {"januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10,
              "dezember": 12}
    lower = name.lower()
    return german.get(lower) or names.index(lower) % 12 + 1


def _context(text: str, start: int, end: int) -> dict:
    before = text[max(0, start - 40):start]
    before = re.split(r"[.!?\n:;]\s", before)[-1]
    return {"hedged": bool(HEDGE.search(before)),
            "bound": "below" if BELOW.search(before) else "above" if ABOVE.search(before)
            else "budget" if BOUND.search(before) else "range" if re.search(
                r"\b(?:between|entre|zwischen)\b", before, re.I) else None,
            "start_from": bool(FROM.search(before)),
            "off": bool(OFF.match(text[end:end + 16]))}


def _shipping_near(text: str, start: int, end: int) -> bool:
    """Whether the sentence around a date or "tomorrow" is about shipping or delivery."""
    left = re.split(r"[.!?\n]", text[max(0, start - 80):start])[-1]
    right = re.split(r"[.!?\n]", text[end:end + 80])[0]
    return bool(SHIPPING.search(left) or SHIPPING.search(right))
