"""Re-ranking of the best BM25 matches: how many of the query's words name the product, the
query's amounts, superlatives, colours and exclusions (bridge.catalog.understand), what
fits the product the shopper has (bridge.catalog.fitting), similarity to the query weighted
by how vague it is (hybrid), an exact match of what the shopper named first, then in stock
before out of stock.

The index hands over its top matches by exact BM25 (``Candidate``), best first, and for a
vague query the products whose vectors are nearest it.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from . import fitting
from .amounts import TOLERANCE, amounts
from .text import SYNONYMS, fold
from .understand import Understood, fit

# Weights of the parts of a candidate's score, next to its BM25 share (best match = 1).
COVERAGE = 1.0  # all of the query's words in the name or categories
KIND = 1.0  # all of the words saying what the product is ("ssds" of "SSDs with fast reads")
# "The cheapest X": matches scoring within this of the best that meet the same are equally
# good, and the cheaper comes first (0.3 of 0.1 to 1.0 tried on WebMall's dev split).
BAND = 0.3
MET = 0.25  # each amount or colour the product meets
EXTREME = 1.0  # "the highest read speed": the candidates stating the most (half by place)
MISSED = 0.6  # each amount the product states and misses
# "X that fits this Y": each kind of spec that must agree (memory type, socket, connector)
# and does, and each that doesn't: a part that can't fit goes below every one that can.
FITS = 1.0
UNFIT = 2.0
SEMANTIC = 1.0  # cosine similarity, least to most similar candidate as 0 to 1 (hybrid)
VAGUE = 1.0  # and this more, times the share of the query's words that name no product
NEAREST_FROM = 0.3  # the nearest vectors join the candidates from this vagueness on


@dataclass
class Candidate:
    pos: int
    id: int
    share: float  # BM25 over the best BM25 of its query: 1 for the best, 0 for no word
    name: str
    in_stock: bool
    naming: str  # categories and tags
    details: str  # attributes
    sku: str
    price: float | None = None
    score: float = 0.0
    exact: bool = False
    asked: tuple = ()  # (words covered, kind covered, amounts met), None if it misses one


def stem(word: str) -> str:
    """A light plural strip, enough to say "straps" names a "strap"."""
    if len(word) > 4 and word.endswith("es") and not word.endswith("ses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_WORDS = re.compile(r"[a-z0-9]+")
_SPEC = re.compile(r"(?=.*[a-z])(?=.*[0-9])[a-z0-9]{2,8}")  # letters and digits: ddr5, am4, 4tb
_PUNCTUATION = re.compile(r"[^a-z0-9 ]")


def _forms(term: str) -> set[str]:
    """The ways a name may write a query word: itself, its synonyms, singular and plural."""
    found = set()
    for word in SYNONYMS.get(term, (term,)) + (term,):
        base = stem(word)
        found |= {word, base, base + "s", base + "es"}
    return found


def exact(candidate: Candidate, named: str, name_words: list[str] | None = None) -> bool:
    """Whether the query is the product's name or SKU, as written or near enough (case,
    accents and punctuation aside)."""
    if not named:
        return False
    words = name_words if name_words is not None else _WORDS.findall(fold(candidate.name))
    return named == " ".join(words) or "&" in candidate.name and \
        _same(named) == _same(candidate.name) or \
        bool(candidate.sku) and \
        named.replace(" ", "") in _PUNCTUATION.sub("", fold(candidate.sku)).split()


def _same(name: str) -> str:
    """A product's name as offers of it in other shops write it ("&amp;amp;" is "&")."""
    return " ".join(w for w in _WORDS.findall(fold(html.unescape(html.unescape(name))))
                    if w != "amp")


def order(candidates: list[Candidate], understood: Understood, terms: list[str],
          head_terms: list[str] = (), similarity: dict[int, float] | None = None,
          kind_terms: list[str] = (), vague: float = 0.0,
          owned: tuple[int, str] | None = None) -> list[Candidate]:
    """The candidates best first; excluded ones are dropped. ``owned`` is the product the
    shopper has ("X that fits this Y") as the catalogue lists it: its place and text."""
    groups = [_forms(t) for t in terms]
    kinds = [_forms(t) for t in kind_terms]
    # "X that fits this Y": the words that must name the product are X's, and Y itself is
    # what the shopper has, not what they want.
    context = " ".join(_WORDS.findall(understood.context)) if head_terms else ""
    if head_terms:
        groups = [_forms(t) for t in head_terms]
    # What the owned Y states that a part must share to fit it: "DDR5", "AM4", "4TB".
    specs = {w for w in _WORDS.findall(context) if _SPEC.fullmatch(w)} if context else set()
    # And the kinds of spec that must agree (memory type, socket, connector), from what
    # the query says of Y and what the catalogue says of it.
    needs = fitting.features(fold(f"{context} {owned[1] if owned else ''}")) if context \
        else {}
    kept = []
    for c in candidates:
        words = _WORDS.findall(fold(c.name))
        found = fit(understood, c.name, c.details, words)
        if found.excluded:
            continue
        present = set(words).union(_WORDS.findall(fold(c.naming)))
        covered = sum(1 for g in groups if not g.isdisjoint(present)) / len(groups) \
            if groups else 0.0
        kind = sum(1 for g in kinds if not g.isdisjoint(present)) / len(kinds) if kinds else 0.0
        fits = misses = 0
        if needs and covered:  # a part of another kind that shares Y's specs is no answer
            fits, misses = fitting.judge(needs, fold(f"{c.name} {c.details}"))
        c.score = c.share + COVERAGE * covered + KIND * kind + MET * found.met \
            - MISSED * found.missed + FITS * fits - UNFIT * misses
        if specs and covered:
            c.score += MET * len(specs & present.union(_WORDS.findall(fold(c.details))))
        is_owned = bool(context) and (" ".join(words) in context or
                                      owned is not None and c.pos == owned[0])
        if is_owned:
            c.score -= COVERAGE
        c.asked = (covered, kind, found.met + fits) \
            if not (found.missed or misses or is_owned) else None
        c.exact = exact(c, understood.named, words)
        kept.append(c)
    if understood.extreme:
        _extremes(kept, *understood.extreme)
    if similarity:
        fuse(kept, similarity, vague)
    if understood.cheapest:
        _cheapest_first(kept)
    else:
        kept.sort(key=lambda c: (not c.exact, not c.in_stock, -c.score))
    return kept


def _cheapest_first(kept: list[Candidate]) -> None:
    """"The cheapest X": the matches that meet what was asked as well as the best one does
    (as many of its words in the name or categories, all the words naming the product,
    as many amounts met and none missed) cheapest first, then the rest by score. Offers of
    one product in several shops count as one (their texts differ, not the product)."""
    best = max((c.asked for c in kept if c.asked is not None), default=None)
    twins: dict[str, float] = {}
    for c in kept:
        twins[_same(c.name)] = max(twins.get(_same(c.name), c.score), c.score)
    top = max((c.score for c in kept if c.asked == best), default=0.0)

    def good(c: Candidate) -> bool:
        return c.asked is not None and c.asked == best and c.score >= top - BAND

    kept.sort(key=lambda c: (not c.exact, not c.in_stock, not good(c),
                             c.price if good(c) and c.price is not None else 0.0,
                             -round(twins[_same(c.name)], 1),
                             c.price if c.price is not None else float("inf")))


def _extremes(kept: list[Candidate], dimension: str, most: str) -> None:
    """"The highest read speed": the candidates stating the most of the dimension (within
    the tolerance of equal amounts; the least for "the lowest ...") gain EXTREME, the
    others up to half of it by their place between the least and the most stated; one
    stating none gains nothing."""
    stated = {c.pos: amounts(fold(f"{c.name} {c.details}").replace("''", '"')) for c in kept}
    values = {}
    # "The fastest RAM" states its speed as a clock, not a throughput.
    for wanted in (dimension, "frequency") if dimension == "throughput" else (dimension,):
        for c in kept:
            found = [v for d, v in stated[c.pos] if d == wanted]
            if found:
                values[c.pos] = max(found) if most == "max" else min(found)
        if values:
            break
    if not values:
        return
    low, high = min(values.values()), max(values.values())
    best = high if most == "max" else low
    for c in kept:
        if c.pos in values and high > low:
            if abs(values[c.pos] - best) <= abs(best) * TOLERANCE:
                c.score += EXTREME  # the most there is: what was asked
                continue
            place = (values[c.pos] - low) / (high - low)
            c.score += EXTREME / 2 * (place if most == "max" else 1 - place)


def fuse(kept: list[Candidate], similarity: dict[int, float], vague: float) -> None:
    """Blend each candidate's similarity into its score, by its place between the least and
    most similar candidate (raw cosines of one query bunch together, 0.3-0.5, which would
    leave them no say), weighted by how vague the query is."""
    values = [similarity[c.pos] for c in kept if c.pos in similarity]
    low = min(values, default=0.0)
    spread = max(values, default=0.0) - low
    weight = SEMANTIC + VAGUE * vague
    if spread <= 0:
        return
    for c in kept:
        c.score += weight * (similarity.get(c.pos, low) - low) / spread
