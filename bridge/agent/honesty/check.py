"""The check: is a claim what the store said?

A figure matches a fact at the precision it was written: "$94" or "$94.00" for 94.00, "4.5
stars" for 4.46, "20%" for 19.6% off; a whole amount of money also matches when it only drops
the cents ("$94" for 94.99). A hedged figure ("about $90", "environ 90 €") matches within 5%
of the fact (at least one unit), so "about $90" passes for 94.00 and "about $80" does not.
A claim next to a product's name must be that product's figure (or a figure of the cart or
the policies, which no product owns); a claim that names no product must be some figure the
store stated, or one the shopper said. Limits ("under $50") may repeat the shopper's or the
tools' own figures. Codes, delivery promises and links must appear in the store's data or
policies. A mismatch on a named product is corrected to the store's value; anything else
is withheld.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

from ...catalog.money import SYMBOLS, display
from .claims import Claim
from .facts import Facts, Subject

DOLLARS = {"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"}
HEDGE = Decimal("0.05")
# How far around a claim a product's name still names it: the claim's own sentence or line.
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
# A sentence about shipping, the cart or an order: a figure in it may be one of theirs
# even next to a product's name ("the jacket brings your total to $188.00").
NOT_A_PRODUCT = re.compile(r"\b(?:ship|deliver|total|cart|order|budget|subtotal|carrito|pedido|"
                           r"env[ií]o|presupuesto|panier|commande|livraison|warenkorb|"
                           r"bestellung|versand|lieferung|insgesamt)", re.I)
# The shopper's own figures may be said back in a sentence about their budget.
BUDGET = re.compile(r"\b(?:budget|presupuesto|price range|rango|fourchette|preisrahmen|"
                    r"you (?:asked|said|mentioned)|pediste|dijiste|vous avez dit|sie sagten)",
                    re.I)
# Arithmetic on prices: no single price corrects it; multiples and sums may ground it.
COMPUTED = re.compile(r"(?:\b(?:each|together|both|combined|altogether|in total|for (?:two|"
                      r"three|four|\d+)|two|three|four|five|cada uno|juntos|ambos|dos|tres|"
                      r"ensemble|les deux|deux|trois|zusammen|beide|zwei|drei)\b|\d\s?[x×]\s|"
                      r"[x×]\s?\d)", re.I)


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    ok: bool
    subject: Subject | None = None
    fact: str | None = None  # what the store says instead, as a shopper would read it
    replacement: str | None = None  # the corrected figure; None when withheld


def matches(claim: Claim, candidates) -> bool:
    value = claim.value
    for fact in candidates:
        if not isinstance(fact, Decimal):
            continue
        if claim.hedged:
            if abs(fact - value) <= max(Decimal(1), abs(fact) * HEDGE):
                return True
            continue
        if claim.kind == "rating":  # "5 stars" is not a 4.5; "4.5" is a 4.46
            if abs(fact - value) <= (Decimal("0.05") if claim.decimals else Decimal("0.25")):
                return True
            continue
        step = Decimal(1).scaleb(-claim.decimals)
        if fact.quantize(step, rounding=ROUND_HALF_UP) == value:
            return True
        if claim.kind == "money" and claim.decimals == 0 and \
                fact.quantize(step, rounding=ROUND_FLOOR) == value:
            return True
    return False


def subject_of(facts: Facts, before: str, after: str) -> Subject | None:
    """The product a claim's own sentence names: the last name before it, else the first
    after it."""
    sentence = SENTENCE_END.split(before)[-1]
    named = facts.named_in(sentence)
    if named:
        return named[-1][1]
    rest = SENTENCE_END.split(after, maxsplit=1)[0]
    named = facts.named_in(rest)
    return named[0][1] if named else None


def sentence_of(before: str, after: str) -> str:
    return SENTENCE_END.split(before)[-1] + SENTENCE_END.split(after, maxsplit=1)[0]


def judge(claim: Claim, facts: Facts, subject: Subject | None,
          fallback: Subject | None = None, sentence: str = "") -> Verdict:
    """The verdict on one claim; ``fallback`` is the product the reply was about, used only
    to correct a figure that matches nothing at all; ``sentence`` is the claim's own."""
    kind = claim.kind
    if kind == "percent" and not claim.off:
        # A share ("100% cotton", "5% back"), not a product's reduction: only the store's
        # own words or the shopper's ground it, and nothing corrects it.
        known = facts.loose.get(kind, set()) | facts.said.get(kind, set())
        return Verdict(claim, matches(claim, known))
    if kind in ("money", "percent", "stock", "rating"):
        return _figure(claim, facts, subject, fallback, sentence)
    if kind == "code":
        return Verdict(claim, claim.value in facts.tokens)
    if kind == "delivery":
        return Verdict(claim, claim.value in facts.loose.get("delivery", ()))
    if kind == "link":
        return Verdict(claim, _known_link(claim.value, facts))
    return Verdict(claim, True)


def _figure(claim: Claim, facts: Facts, subject: Subject | None, fallback: Subject | None,
            sentence: str) -> Verdict:
    kind = claim.kind
    if kind == "money" and not _same_currency(claim.currency, facts.currency):
        return _mismatch(claim, facts, subject or fallback)
    said = facts.said.get(kind, set()) \
        if (claim.bound or subject is None or BUDGET.search(sentence)) else set()
    if claim.bound in ("below", "above") and _within(claim, facts, subject):
        return Verdict(claim, True, subject)
    computed = kind == "money" and bool(COMPUTED.search(sentence))
    if subject is not None:
        own = _own(subject, kind, claim)
        # A policy's or the cart's figure is no product's price ("the hoodie is $75" where
        # $75 is the free-shipping threshold), unless the sentence is about them.
        if NOT_A_PRODUCT.search(sentence) or kind != "money":
            own = own | facts.loose.get(kind, set())
        if computed:
            own = own | _arithmetic(facts, sentence)
        if matches(claim, own | said):
            return Verdict(claim, True, subject)
        return _mismatch(claim, facts, None if computed else subject)
    # A discount or stock count that names no product is the product the reply is about,
    # or the policies' own; a price may be any price the store stated.
    known = facts.all_of(kind) if kind in ("money", "rating") else \
        facts.loose.get(kind, set()) | _own(fallback, kind, claim)
    if computed:
        known, fallback = known | _arithmetic(facts, sentence), None
    if matches(claim, known | said):
        return Verdict(claim, True)
    return _mismatch(claim, facts, fallback)


def _within(claim: Claim, facts: Facts, subject: Subject | None) -> bool:
    """Whether a limit is true of what it is about: the named product, else every product
    the store returned (none returned: only a figure someone stated grounds it)."""
    products = [subject] if subject is not None else facts.products()
    prices = [(p.price, p.price_max or p.price) for p in products if p.price is not None]
    if not prices or (claim.kind != "money"):
        return False
    if claim.bound == "below":
        return all(high <= claim.value for _, high in prices) if subject is None \
            else prices[0][0] <= claim.value
    return all(low >= claim.value for low, _ in prices) if subject is None \
        else prices[0][1] >= claim.value


def _arithmetic(facts: Facts, sentence: str) -> set:
    """What a sentence doing sums may arrive at: up to ten of one product, or the products
    it names added together."""
    named = [s for _, s in facts.named_in(sentence)] or facts.products()
    prices = [s.price for s in named if s.price is not None]
    totals = {p * k for p in prices for k in range(2, 11)}
    if len(prices) > 1:
        totals.add(sum(prices))
        totals |= {a + b for i, a in enumerate(prices) for b in prices[i + 1:]}
    return totals


def _own(subject: Subject | None, kind: str, claim: Claim) -> set:
    if subject is None:
        return set()
    if kind == "money":
        return subject.savings if claim.off else subject.money | subject.savings
    return {"percent": subject.percents, "stock": subject.stock,
            "rating": subject.ratings}[kind]


def _same_currency(written: str | None, store: str) -> bool:
    store = (store or "").upper()
    if written is None or written == store:
        return True
    return written == "$" and store in DOLLARS


def _known_link(url: str, facts: Facts) -> bool:
    if any(url.startswith(link) or link.startswith(url) for link in facts.links):
        return True
    host = urlsplit(url if "://" in url else "https://" + url).netloc
    return host in facts.hosts or host.removeprefix("www.") in facts.hosts


def _mismatch(claim: Claim, facts: Facts, subject: Subject | None) -> Verdict:
    """A wrong figure: corrected to the subject's own when the store has one, else withheld."""
    if subject is None or claim.bound:  # a wrong limit has no right value to put instead
        return Verdict(claim, False)
    kind = claim.kind
    if kind == "money" and subject.price is not None and not claim.off:
        variable = subject.price_max is not None and subject.price_max != subject.price
        text = written_like(claim, subject.price, facts.currency)
        if variable and not claim.start_from:
            text = "from " + text
        return Verdict(claim, False, subject, fact=text, replacement=text)
    if kind == "percent" and subject.percents:
        best = max(subject.percents).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        text = f"{best}%"
        return Verdict(claim, False, subject, fact=text, replacement=text)
    if kind == "stock" and subject.stock_total is not None:
        text = str(subject.stock_total)
        return Verdict(claim, False, subject, fact=text, replacement=text)
    if kind == "rating" and subject.rating is not None:
        text = f"{subject.rating.quantize(Decimal('0.1'))}".replace(
            ".", "," if "," in claim.text else ".")
        return Verdict(claim, False, subject, fact=text, replacement=text)
    return Verdict(claim, False, subject)


def written_like(claim: Claim, value: Decimal, currency: str) -> str:
    """The store's amount written the way the claim was: "$94.00", "94,00 €"."""
    shown = display(value, currency)
    if claim.text[:1].isdigit():
        number = f"{value:,.2f}"
        if re.search(r"\d,\d{1,2}\b", claim.text):  # a decimal comma: 1.234,56
            number = number.replace(",", " ").replace(".", ",").replace(" ", ".")
        symbol = SYMBOLS.get(currency.upper(), "").strip() or currency.upper()
        shown = f"{number} {symbol}"
    return shown
