"""The figures an answer claims (money, percentages, stock counts, durations) and the
figures the conversation can back them with (cards, the cart, the policies, the shopper).

A claim is invented when no fact of its kind has its value: "$12.34" beside a card of
94.00, "only 3 left" of a product with 15. Values compare exactly, to the cent; "about
$90" for 89.00 counts as invented (the eval is stricter than a reader, never looser).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Iterable

CENT = Decimal("0.01")
# Eastern Arabic and Persian digits, and the Arabic decimal and thousands separators.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")

NUM = r"\d{1,3}(?:[.,\u202f\u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_BEFORE = r"(?:US\$|\$|€|£|USD|EUR|GBP)"
_CURRENCY_AFTER = (r"(?:US\$|\$|€|£|USD|EUR|GBP|dollars?|d[oó]lar(?:es)?|dollari|dollaro|"
                   r"euros?|bucks|دولار(?:ات|اً|ا)?)")
MONEY = [re.compile(rf"{_CURRENCY_BEFORE}\s?({NUM})", re.I),
         re.compile(rf"(?<![\w.,])({NUM})\s?{_CURRENCY_AFTER}(?!\w)", re.I)]
PERCENT = [re.compile(rf"({NUM})\s?%"),
           re.compile(rf"({NUM})\s?(?:percent|per cent|por ciento|pour cent|prozent|"
                      rf"per cento|por cento|بالمئة|في المئة)", re.I)]
_STOCK_AFTER = (r"(?:left|in stock|available|remaining|units?|pieces?|pcs|en stock|"
                r"en existencia|disponibles?|unidades|exemplaires?|pièces?|stück|auf lager|"
                r"verfügbar|vorrätig|em estoque|disponíve(?:l|is)|disponibili|in magazzino|"
                r"pezzi|unità|قطع|قطعة|متوفرة?|متاحة?|في المخزون)")
_STOCK_BEFORE = (r"(?:only|just|quedan(?: solo| sólo)?|reste(?:nt)?(?: plus que| seulement)?|"
                 r"il en reste|il reste|nur noch|noch|restam(?: apenas| só)?|"
                 r"(?:ne )?(?:restano|rimangono|rimane|resta)(?: solo)?|تبقى|متبقي|بقي|فقط)")
STOCK = [re.compile(rf"(?<![\w.,$€£])({NUM})\s*{_STOCK_AFTER}(?!\w)", re.I),
         re.compile(rf"\b{_STOCK_BEFORE}\s+({NUM})(?![\w.,%$€£])", re.I)]
_UNIT = (r"(?:business |working )?(?:days?|weeks?|hours?|días?|dias|jours?|werktage?n?|tage?n?|"
         r"giorn[oi]|semanas?|semaines?|wochen?|settimane?|أيام|يوما?|ساعة|ساعات|أسابيع)")
DURATION = re.compile(rf"(?<![\w.,])({NUM})(?:\s*(?:-|–|to|a|à|bis|al|and|y|et|und|e|إلى)\s*"
                      rf"({NUM}))?\s*{_UNIT}(?!\w)", re.I)


QUOTED = re.compile(r'"[^"\n]{0,80}"|“[^”\n]{0,80}”')
# "1. **Name**" and "2) Name" number a list; they are not figures of the answer.
ENUMERATOR = re.compile(r"(?m)^\s*\d{1,2}[.)]\s")


@dataclass(frozen=True)
class Claim:
    kind: str  # "money", "percent", "stock" or "duration"
    value: Decimal
    text: str


@dataclass
class Facts:
    """What the conversation can back a claim with, by kind."""

    money: set[Decimal] = field(default_factory=set)
    percent: set[Decimal] = field(default_factory=set)
    stock: set[Decimal] = field(default_factory=set)
    duration: set[Decimal] = field(default_factory=set)

    def add_text(self, text: str, *kinds: str) -> None:
        """Every number in ``text`` (a policy, the shopper's words) backs these kinds."""
        for raw in re.findall(NUM, normalize(text or "")):
            value = number(raw)
            if value is not None:
                for kind in kinds or ("money", "percent", "stock", "duration"):
                    getattr(self, kind).add(value)

    def add_card(self, card: dict) -> None:
        for key in ("price", "regular_price", "sale_price", "price_max"):
            _add(self.money, card.get(key))
        _add(self.stock, card.get("stock_quantity"))
        self._percent(card.get("regular_price"), card.get("price"))
        for variation in card.get("variations") or ():
            _add(self.money, variation.get("price"))
            _add(self.money, variation.get("regular_price"))
            _add(self.stock, variation.get("stock_quantity"))
            self._percent(variation.get("regular_price"), variation.get("price"))

    def add_cart(self, cart: dict | None) -> None:
        if not cart:
            return
        for item in cart.get("items", ()):
            _add(self.money, item.get("price"))
            _add(self.money, item.get("line_total"))
            _add(self.stock, item.get("quantity"))
        for value in (cart.get("totals") or {}).values():
            _add(self.money, value)
        _add(self.stock, cart.get("item_count"))

    def _percent(self, regular, price) -> None:
        try:
            regular, price = Decimal(str(regular)), Decimal(str(price))
        except (InvalidOperation, TypeError, ValueError):
            return
        if regular > 0 and price < regular:
            off = (regular - price) / regular * 100
            for rounding in (ROUND_FLOOR, ROUND_HALF_UP, ROUND_CEILING):
                self.percent.add(off.quantize(Decimal(1), rounding=rounding).quantize(CENT))

    def backs(self, claim: Claim) -> bool:
        return claim.value in getattr(self, claim.kind)


def _add(bucket: set[Decimal], value) -> None:
    if value is None or isinstance(value, bool):
        return
    parsed = number(str(value))
    if parsed is not None:
        bucket.add(parsed)


def normalize(text: str) -> str:
    return text.translate(_DIGITS)


def number(raw: str) -> Decimal | None:
    """"1,234.50", "12,34", "1.000" or "12" as a Decimal to the cent."""
    raw = raw.replace("\u202f", "").replace("\u00a0", "").strip()
    last = max(raw.rfind("."), raw.rfind(","))
    if last >= 0 and len(raw) - last - 1 in (1, 2):
        whole, fraction = raw[:last], raw[last + 1:]
    else:
        whole, fraction = raw, ""
    whole = whole.replace(".", "").replace(",", "")
    try:
        return Decimal(f"{whole or '0'}.{fraction or '0'}").quantize(CENT)
    except InvalidOperation:
        return None


def claims(text: str) -> list[Claim]:
    """Every figure ``text`` states, by kind; a money figure is never also read as stock."""
    text = normalize(text.replace("**", ""))
    # A quoted example ("try \"hoodies under $50\"") states nothing about the store.
    text = QUOTED.sub(" ", text)
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match, group: int = 1) -> None:
        value = number(match.group(group))
        if value is not None:
            found.append(Claim(kind, value, match.group(0)))

    for pattern in MONEY:
        for match in pattern.finditer(text):
            add("money", match)
            taken.append(match.span())
    for pattern in PERCENT:
        for match in pattern.finditer(text):
            add("percent", match)
            taken.append(match.span())

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for match in DURATION.finditer(text):
        if free(match.span()):
            add("duration", match)
            if match.group(2):
                add("duration", match, 2)
            taken.append(match.span())
    counted: set[int] = set()
    for pattern in STOCK:
        for match in pattern.finditer(text):
            if free(match.span(1)) and match.start(1) not in counted:
                counted.add(match.start(1))
                add("stock", match)
    return found


def invented(text: str, facts: Facts) -> list[Claim]:
    """The claims in ``text`` that no fact backs."""
    return [claim for claim in claims(text) if not facts.backs(claim)]


def numbers_in(text: str) -> set[Decimal]:
    """Every number written in ``text`` (for "the answer gives 7 and 12"), list numbers aside."""
    text = ENUMERATOR.sub(" ", normalize(text.replace("**", "")))
    return {value for raw in re.findall(NUM, text) if (value := number(raw)) is not None}


def plain(values: Iterable) -> set[Decimal]:
    return {number(str(v)) for v in values}
