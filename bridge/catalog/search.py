"""Search over the index: what a query asks (bridge.catalog.understand), its BM25 candidates
over every match (bridge.catalog.lexical), their vectors when on (bridge.catalog.vectors),
and their order (bridge.catalog.rank); typo repair against the index's own words.

``Searching`` is the read side of CatalogIndex (bridge.catalog.index), which supplies the
SQLite connection (``_db``), ``lexical``, ``vectors``, ``reader``, ``meta`` and ``cards``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

from . import fitting, languages, rank
from .lexical import FIELDS
from .text import SYNONYMS, deletes, distance, fold, max_typos, query_terms, words
from .understand import understand

# The columns that say what a product is, as opposed to what its description mentions.
NAMING_COLUMNS = ("name", "categories", "tags")

# Best BM25 matches (over all matches) that are re-ranked per query: a few pages' worth.
POOL = 100
# Nearest vectors added as candidates when the query's words name little (hybrid only).
NEAREST = 20
# A product is taken for the one the shopper has when its name holds this share of the words.
OWNED = 0.7
# Filtered totals are counted exactly up to here; beyond, the result says "more than".
COUNT_CAP = 250

# The filter every search starts from; products_fts holds only these rows.
SEARCHED = "p.searched = 1"


@dataclass(frozen=True)
class SearchResult:
    cards: list[dict]
    total: int  # matches passing the filters; COUNT_CAP + 1 stands for "more than COUNT_CAP"
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> catalogue word
    ignored: list[str] = field(default_factory=list)  # words nothing in the catalogue matches
    understood: dict = field(default_factory=dict)  # price, amounts, colours, exclusions read

    @property
    def total_is_exact(self) -> bool:
        return self.total <= COUNT_CAP


class Searching:
    """The search methods of CatalogIndex."""

    def search(self, query: str = "", *, category: str | None = None,
               min_price: float | None = None, max_price: float | None = None,
               on_sale: bool | None = None, in_stock: bool | None = None,
               limit: int = 10, offset: int = 0) -> SearchResult:
        """Best matches first, with the total that matched (see bridge.catalog.rank).

        Instruction phrasing is dropped and the query's price bounds apply unless bounds are
        given (bridge.catalog.understand). Words nothing matches are repaired to the nearest
        catalogue word when one is close, else ignored; a query made only of such words
        matches nothing. What the shopper named exactly comes first, even past ``in_stock``.
        """
        read_from = ""
        if self.reader is not None:
            query, read_from = languages.read(query, self.reader, self._matches)
        understood = understand(query)
        if min_price is None and max_price is None:
            min_price, max_price = understood.min_price, understood.max_price
        filters, params = _filters(category, min_price, max_price, on_sale, in_stock)
        terms = list(dict.fromkeys(query_terms(understood.text)))  # a word said twice counts once
        if not terms:
            # Nothing but filters (or filler words): the best sellers that pass them.
            rows = self._db().execute(
                f"SELECT p.card FROM products p WHERE {filters} ORDER BY p.pos LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
            total = self._db().execute(
                f"SELECT count(*) FROM (SELECT 1 FROM products p WHERE {filters} LIMIT ?)",
                (*params, COUNT_CAP + 1)).fetchone()[0]
            return SearchResult([json.loads(c) for c, in rows], total,
                                understood=_summary(understood, read_from))

        groups, corrections, ignored = self._groups(terms)
        if not groups or (ignored and len(corrections) == len(groups)):
            # Nothing matched as typed: a guess built only from repaired words ("spaceship
            # parts" -> "pants") would be noise, not an answer.
            return SearchResult([], 0, corrections, ignored, _summary(understood, read_from))
        # Bare numbers ("8 DDR5 slots", "Ryzen 9") help BM25, never alone.
        numbers = [w for w in words(understood.text) if w.isdigit() and w not in terms]
        groups += [[n] for n in dict.fromkeys(numbers) if self._matches(n)]
        # Some words named nothing here ("Prototype Heated Vest"): the rest must hit what a
        # product is, not a word in some description ("heated soles").
        fields = NAMING_COLUMNS if ignored else tuple(FIELDS)
        wanted = {"category": category, "min_price": min_price, "max_price": max_price,
                  "on_sale": on_sale, "in_stock": in_stock}
        self._fresh()
        pool = max(POOL, offset + limit)
        candidates = self._candidates(groups, fields, wanted, pool)
        head = query_terms(understood.head)
        head_groups = self._groups(head)[0] if head else []
        if head_groups:
            # "X that fits this Y": Y's long name would crowd out every X by BM25 alone.
            known = {c.pos: c for c in candidates}
            for c in self._candidates(head_groups, fields, wanted, pool):
                if c.pos in known:
                    known[c.pos].share = max(known[c.pos].share, c.share)
                else:
                    candidates.append(c)
        kind = [t for t in query_terms(understood.kind) if t in terms or t in head]
        if kind and kind != terms and (kind_groups := self._groups(kind)[0]):
            # "SSDs with the highest read speed": what names the product must find it, even
            # when the describing words match many other things ("high speed cables").
            known = {c.pos: c for c in candidates}
            candidates += [c for c in self._candidates(kind_groups, NAMING_COLUMNS, wanted, pool)
                           if c.pos not in known]
        if in_stock:
            # An exact match of what the shopper named is shown even when out of stock.
            known = {c.pos for c in candidates}
            candidates += [c for c in self._candidates(groups, fields,
                                                       {**wanted, "in_stock": None}, 5)
                           if c.pos not in known and rank.exact(c, understood.named)]
        owned = self._owned(understood.context) if head_groups else None
        needs = fitting.features(fold(f"{understood.context} {owned[1] if owned else ''}")) \
            if head_groups else {}
        if needs and (extra := self._groups(query_terms(fitting.search_words(needs)))[0]):
            # What fits Y: parts of X's kind stating Y's socket, memory or connector, which
            # X's words alone may rank below the first hundred ("HDMI cable" for a GPU with
            # Mini DisplayPort outputs: the Mini DisplayPort to HDMI one).
            known = {c.pos for c in candidates}
            candidates += [c for c in self._candidates(head_groups + extra, fields, wanted,
                                                       pool) if c.pos not in known]
        similarity, vague = None, 0.0
        if self.vectors is not None and not head_groups:
            # What fits Y is ranked by X's words and Y's specs alone: the vector of X's
            # words re-ranked noise there (on WebMall it lowered compatibility at any weight).
            vague = self._vagueness(groups, len(ignored))
            if vague >= rank.NEAREST_FROM and candidates:
                # Words that describe a need more than they name a product: the nearest
                # vectors add what the words missed ("keep drinks cold" finds cooler bags).
                # Not when no word found anything: a product the store doesn't sell (or
                # doesn't publish) must come back as none, not as its nearest neighbours.
                known = {c.pos for c in candidates}
                near = [p for p in self.vectors.nearest(self._db(), _semantic_text(understood),
                                                        NEAREST, self.meta("changed_at"))
                        if p not in known]
                candidates += self._passing(near, filters, params)
            similarity = self.vectors.similarities(self._db(), [c.pos for c in candidates],
                                                   _semantic_text(understood))
        ranked = rank.order(candidates, understood, terms, head, similarity, kind, vague, owned)
        total = min(COUNT_CAP + 1, self.lexical.count(groups, fields, wanted, True)
                    or self.lexical.count(groups, fields, wanted, False))
        page = ranked[offset:offset + limit]
        return SearchResult(self.cards([c.id for c in page]), max(total, len(ranked)),
                            corrections, ignored, _summary(understood, read_from))

    def _fresh(self) -> None:
        """Reload BM25's reader when any process changed the index since this one looked."""
        changed = self.meta("changed_at")
        if changed != self._seen:
            self.lexical.reload()
            self._seen = changed

    def _candidates(self, groups: list[list[str]], fields: Sequence[str], filters: dict,
                    limit: int) -> list[rank.Candidate]:
        """The ``limit`` best matches by BM25 over all matches passing the filters."""
        top = self.lexical.top(groups, fields, filters, limit)
        return self._rows(top, top[0][1] if top else 1.0)

    def _owned(self, context: str) -> tuple[int, str] | None:
        """The product the shopper has ("RAM for my Asus ROG Strix Z790-E"), as the
        catalogue lists it: its place and its name, categories and attributes, when one
        name holds most of the words that name it (its specs say what fits it)."""
        terms = list(dict.fromkeys(query_terms(context)))
        groups = self._groups(terms)[0] if terms else []
        if not groups:
            return None
        top = self.lexical.top(groups, ("name",), {}, 1)
        if not top:
            return None
        row = self._db().execute("SELECT pos, name, naming, details FROM products WHERE pos = ?",
                                 (top[0][0],)).fetchone()
        have = set(words(row[1]))
        if sum(1 for g in groups if any(w in have for w in g)) < OWNED * len(groups):
            return None
        return row[0], " ".join(row[1:])

    def _vagueness(self, groups: list[list[str]], unknown: int = 0) -> float:
        """The share of the query's words that name no product here (in no name, category
        or tag; ``unknown`` more are nowhere at all): 0 for "black hoodie", about half for
        "Galaxy phones in bright colours"."""
        asked = [g for g in groups if not g[0].isdigit()]
        if not asked and not unknown:
            return 0.0
        named = sum(1 for g in asked if self.lexical.count([g], NAMING_COLUMNS, {}, False))
        return 1.0 - named / (len(asked) + unknown)

    def _passing(self, positions: list[int], filters: str, params: list) -> list[rank.Candidate]:
        """Candidates (no BM25 share) for these positions that pass the filters, in order."""
        if not positions:
            return []
        marks = ",".join("?" * len(positions))
        found = {row[0] for row in self._db().execute(
            f"SELECT p.pos FROM products p WHERE p.pos IN ({marks}) AND {filters}",
            [*positions, *params])}
        return self._rows([(p, 0.0) for p in positions if p in found], 1.0)

    def _rows(self, top: list[tuple[int, float]], best: float) -> list[rank.Candidate]:
        """Candidates for these (pos, BM25) pairs, in their order."""
        if not top:
            return []
        marks = ",".join("?" * len(top))
        rows = {row[0]: row for row in self._db().execute(
            f"SELECT pos, id, name, in_stock, naming, details, skus, price_min FROM products"
            f" WHERE pos IN ({marks})", [pos for pos, _ in top])}
        best = best or 1.0
        return [rank.Candidate(pos, row[1], score / best, *row[2:])
                for pos, score in top if (row := rows.get(pos))]

    def _groups(self, terms: list[str]) -> tuple[list[list[str]], dict[str, str], list[str]]:
        """One group per query word: the word or its synonyms, typo-repaired."""
        groups, corrections, ignored = [], {}, []
        for term in terms:
            alternatives = SYNONYMS.get(term, (term,))
            # The plural of an acronym ("SSDs", "GPUs") has no stem by English rules.
            alternatives += tuple(dict.fromkeys(
                b for b in map(rank.stem, alternatives) if b not in alternatives))
            found = [a for a in alternatives if self._matches(a)]
            if not found:
                fixed = self._repair(term)
                if fixed is None:
                    ignored.append(term)
                    continue
                corrections[term] = fixed
                found = list(SYNONYMS.get(fixed, (fixed,)))
            groups.append(found)
        return groups, corrections, ignored

    def _matches(self, term: str) -> bool:
        row = self._db().execute("SELECT 1 FROM products_fts WHERE products_fts MATCH ? LIMIT 1",
                                 (f'"{term}"',)).fetchone()
        return row is not None

    def _repair(self, term: str) -> str | None:
        limit = max_typos(term)
        if not limit:
            return None
        keys = sorted(deletes(term) | {term})
        marks = ",".join("?" * len(keys))
        candidates = self._db().execute(
            f"SELECT DISTINCT w.word, w.df FROM word_deletes d JOIN words w ON w.word = d.word"
            f" WHERE d.del IN ({marks})", keys).fetchall()
        scored = [(distance(term, word), -df, word) for word, df in candidates]
        scored = [s for s in scored if s[0] <= limit]
        return min(scored)[2] if scored else None


def _summary(understood, read_from: str) -> dict:
    """``understood`` for the caller, with the language read from and how, when translated."""
    if not read_from:
        return understood.summary()
    return {**understood.summary(), "language": read_from, "read_as": understood.text}


def _semantic_text(understood) -> str:
    """What the query's vector is made from: its words without the instruction phrasing
    (a query with a relation, "X that fits this Y", is not compared by vectors)."""
    return understood.text


def _filters(category: str | None, min_price: float | None, max_price: float | None,
             on_sale: bool | None, in_stock: bool | None) -> tuple[str, list]:
    """The SQL condition on ``products p`` for these filters (and search's visibility), and
    its parameters."""
    where, params = [SEARCHED], []
    if category:
        where.append("instr(p.category_keys, ?) > 0")
        params.append("|" + category.strip().lower() + "|")
    if min_price is not None:
        where.append("p.price_max >= ?")
        params.append(min_price)
    if max_price is not None:
        where.append("p.price_min <= ?")
        params.append(max_price)
    if on_sale is not None:
        where.append("p.on_sale = ?")
        params.append(int(on_sale))
    if in_stock is not None:
        where.append("p.in_stock = ?")
        params.append(int(in_stock))
    return " AND ".join(where), params
