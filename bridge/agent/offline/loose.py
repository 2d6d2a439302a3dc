"""The products a shopper names loosely: part of the name ("the fisherman beanie"), a
plural ("enamel camp mugs"), a typo ("leathr card holder"), another spelling of its kind
("breton tshirt"), sold out or not.

Search ranks what is in stock first, so "is the dad cap still available?" would find the
caps in stock and miss the one asked about. Here every product the shop may show competes
on its name alone: each word the shopper wrote counts for the products whose names hold it,
more when few do ("dad" names one cap, "cap" five), so the name's distinctive words decide.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from ...catalog.text import distance, fold, max_typos, query_terms, words
from .needs import singular

# Words of a stock question, never part of what it names ("back" is one typo from "pack").
ASKING = frozenset("""stock still left remaining available availability back restock restocked
    restocking sold sell selling carry got get have any more again soon when will size sizes
    colour color colours colors one ones item items thing product products do does come
    comes coming return returns anymore yet please thanks there much many how""".split())
# Kinds written another way than the store's names write them.
SPELLED = {"tshirt": "tee", "shirt": "tee", "tshirts": "tee", "teeshirt": "tee", "sneaker": "sneakers",
           "trainer": "sneakers", "trainers": "sneakers", "trouser": "trousers",
           "beanies": "beanie", "mugs": "mug"}
# More tied products than this is a kind ("hoodies"), which a search answers better.
KIND_LIMIT = 5


@dataclass(frozen=True)
class Named:
    ids: list[int]  # best first
    unique: bool  # one product stands out; else ``ids`` tie (a kind: "the beanies")


def named(index, text: str) -> Named | None:
    """The products the words name, or None when they name none distinctly."""
    said = [w for w in dict.fromkeys(_norm(w) for w in query_terms(text)) if w not in ASKING]
    if not said:
        return None
    names, vocabulary, _ = _catalogue(index)
    score: dict[int, float] = {}
    distinctive: set[int] = set()
    for word in said:
        hits = _holding(word, vocabulary)
        for pid in hits:
            score[pid] = score.get(pid, 0.0) + 1 / len(hits)
            if len(hits) <= 2:
                distinctive.add(pid)
    if not score:
        return None
    ranked = sorted(score, key=lambda pid: (-score[pid], len(names[pid])))
    best = score[ranked[0]]
    tied = [pid for pid in ranked if score[pid] == best]
    if len(tied) == 1 and (ranked[0] in distinctive or _covers(said, names[ranked[0]])):
        return Named(ranked[:1], True)
    kind = _kind(names[tied[0]])
    if 1 < len(tied) <= KIND_LIMIT and kind in said and all(
            _kind(names[pid]) == kind for pid in tied):
        return Named(tied, False)  # "any beanies left?": each beanie, sold out or not
    return None


# The names read once per index and catalogue version: a turn asks several times, and a
# large catalogue's names are many.
_READ: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _catalogue(index) -> tuple[dict[int, list[str]], dict[str, set[int]], dict[str, int]]:
    """Every product the shop may show, by id (its name's words, normalised), each of those
    words to the products whose names hold it, and each whole name (folded) to its id."""
    version = index.meta("changed_at") if hasattr(index, "meta") else None
    try:
        cached = _READ.get(index)
    except TypeError:  # an index that can't be weakly referenced: read every time
        cached = None
    if cached and cached[0] == version:
        return cached[1], cached[2], cached[3]
    cards = index.cards(index.filtered_ids())
    names = {c["id"]: [_norm(w) for w in words(re.sub(r"\([^)]*\)", " ", c["name"]))
                       if not w.isdigit()] for c in cards}
    vocabulary: dict[str, set[int]] = {}
    for pid, name in names.items():
        for w in name:
            vocabulary.setdefault(w, set()).add(pid)
    full = {fold(c["name"]): c["id"] for c in cards}
    try:
        _READ[index] = (version, names, vocabulary, full)
    except TypeError:
        pass
    return names, vocabulary, full


def full_names(index) -> dict[str, int]:
    """Every product name the shop may show, folded, to its id (another assistant's plain
    names are looked for in its messages)."""
    return _catalogue(index)[2]


def _holding(word: str, vocabulary: dict[str, set[int]]) -> set[int]:
    """Products whose names hold the word: as written, else within a typo or two."""
    if word in vocabulary:
        return vocabulary[word]
    limit = max_typos(word)
    if limit == 0:
        return set()
    found: set[int] = set()
    for w, pids in vocabulary.items():
        if len(w) >= 3 and abs(len(w) - len(word)) <= limit and distance(word, w) <= limit:
            found |= pids
    return found


def _covers(said: list[str], name: list[str]) -> bool:
    return bool(name) and sum(1 for w in name if w in said) / len(name) >= 0.5


def _kind(name: list[str]) -> str:
    return name[-1] if name else ""


def _norm(word: str) -> str:
    word = word.lower()
    return SPELLED.get(word) or SPELLED.get(singular(word)) or singular(word)
