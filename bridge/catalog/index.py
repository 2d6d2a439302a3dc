"""The local product index: SQLite FTS5 with BM25, filters, and typo repair.

Only published, visible products enter it, each stored with its card, so search answers
without asking the store. ``replace_all`` is a full sync, ``upsert``/``delete`` incremental.
The file is local to each bridge host; SQLite's WAL lets every worker read while one writes.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..store.base import Product
from .cards import card
from .text import SYNONYMS, deletes, distance, max_typos, query_terms, words

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    price_min REAL, price_max REAL,
    on_sale INTEGER NOT NULL, in_stock INTEGER NOT NULL,
    popularity INTEGER NOT NULL,
    category_keys TEXT NOT NULL,        -- "|slug|name|..." for exact category filters
    card TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_name ON products (name);
CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5(
    name, categories, tags, attributes, sku, description,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_deletes (
    del TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (del, word)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# BM25 column weights, in the order of products_fts: a hit in the name counts most.
WEIGHTS = "10.0, 6.0, 3.0, 2.0, 8.0, 1.0"

# Visibilities WooCommerce lets search show.
SEARCHABLE = ("visible", "search")


@dataclass(frozen=True)
class SearchResult:
    cards: list[dict]
    total: int
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> catalogue word
    ignored: list[str] = field(default_factory=list)  # words nothing in the catalogue matches


def indexable(product: Product) -> bool:
    return product.published and product.catalog_visibility in SEARCHABLE


def _row_text(product: Product) -> tuple[str, ...]:
    attributes = " ".join(f"{a.name} {' '.join(a.options)}" for a in product.attributes)
    categories = " ".join(c.name for c in product.categories)
    return (product.name, categories, " ".join(product.tags), attributes,
            " ".join([product.sku] + [v.sku for v in product.variations]),
            f"{product.short_description} {product.description}")


class CatalogIndex:
    """Search over one store's published catalogue, stored in one SQLite file."""

    def __init__(self, path: Path, currency: str):
        self.path = Path(path)
        self.currency = currency
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db().executescript(SCHEMA)

    # -- connections --

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    class _Tx:
        def __init__(self, db):
            self.db = db

        def __enter__(self):
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, *_):
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")

    def _write(self):
        return self._Tx(self._db())

    # -- writes --

    def replace_all(self, products: Iterable[Product], fingerprint: str = "") -> int:
        """Full sync: the index becomes exactly these products, in one transaction."""
        with self._write() as db:
            for table in ("products", "products_fts", "words", "word_deletes"):
                db.execute(f"DELETE FROM {table}")
            count = self._insert(db, products)
            self._set_meta(db, "fingerprint", fingerprint)
        return count

    def upsert(self, products: Iterable[Product]) -> int:
        """Add or refresh products; ones no longer indexable are removed instead."""
        products = list(products)
        with self._write() as db:
            self._remove(db, [p.id for p in products])
            return self._insert(db, products)

    def delete(self, product_ids: Sequence[int]) -> None:
        with self._write() as db:
            self._remove(db, product_ids)

    def _insert(self, db: sqlite3.Connection, products: Iterable[Product]) -> int:
        df: Counter[str] = Counter()
        count = 0
        for product in products:
            if not indexable(product):
                continue
            keys = "|" + "|".join(
                k for c in product.categories for k in (c.slug.lower(), c.name.lower())) + "|"
            db.execute(
                "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (product.id, product.name, _float(product.price), _float(product.price_max),
                 int(product.on_sale), int(product.in_stock), product.total_sales, keys,
                 json.dumps(card(product, self.currency))))
            text = _row_text(product)
            db.execute("INSERT INTO products_fts(rowid, name, categories, tags, attributes,"
                       " sku, description) VALUES (?, ?, ?, ?, ?, ?, ?)", (product.id, *text))
            df.update(set(w for part in text[:5] for w in words(part) if not w.isdigit()))
            count += 1
        self._add_words(db, df)
        return count

    def _add_words(self, db: sqlite3.Connection, df: Counter[str]) -> None:
        known = {w for (w,) in db.execute("SELECT word FROM words")} if df else set()
        db.executemany("INSERT INTO words VALUES (?, ?) ON CONFLICT(word) DO UPDATE"
                       " SET df = df + excluded.df", df.items())
        fresh = [w for w in df if w not in known and len(w) >= 4]
        db.executemany("INSERT OR IGNORE INTO word_deletes VALUES (?, ?)",
                       ((d, w) for w in fresh for d in deletes(w) | {w}))

    def _remove(self, db: sqlite3.Connection, product_ids: Sequence[int]) -> None:
        df: Counter[str] = Counter()
        for pid in product_ids:
            row = db.execute("SELECT name, categories, tags, attributes, sku FROM products_fts"
                             " WHERE rowid = ?", (pid,)).fetchone()
            if row is None:
                continue
            df.update(set(w for part in row for w in words(part) if not w.isdigit()))
            db.execute("DELETE FROM products_fts WHERE rowid = ?", (pid,))
            db.execute("DELETE FROM products WHERE id = ?", (pid,))
        for word, n in df.items():
            db.execute("UPDATE words SET df = df - ? WHERE word = ?", (n, word))
        gone = [w for (w,) in db.execute("SELECT word FROM words WHERE df <= 0")]
        db.execute("DELETE FROM words WHERE df <= 0")
        db.executemany("DELETE FROM word_deletes WHERE word = ?", ((w,) for w in gone))

    def _set_meta(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                   " SET value = excluded.value", (key, value))

    # -- reads --

    def meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        return self._db().execute("SELECT count(*) FROM products").fetchone()[0]

    def cards(self, product_ids: Sequence[int]) -> list[dict]:
        """Cards of indexed products, in the order asked; unknown ids are left out."""
        if not product_ids:
            return []
        marks = ",".join("?" * len(product_ids))
        rows = dict(self._db().execute(
            f"SELECT id, card FROM products WHERE id IN ({marks})", list(product_ids)))
        return [json.loads(rows[i]) for i in product_ids if i in rows]

    def id_by_name(self, name: str) -> int | None:
        """The indexed product with exactly this name (any case), if there is one."""
        row = self._db().execute("SELECT id FROM products WHERE name = ? ORDER BY id LIMIT 1",
                                 (name.strip(),)).fetchone()
        return row[0] if row else None

    def search(self, query: str = "", *, category: str | None = None,
               min_price: float | None = None, max_price: float | None = None,
               on_sale: bool | None = None, in_stock: bool | None = None,
               limit: int = 10, offset: int = 0) -> SearchResult:
        """Best matches first (in-stock before out-of-stock), with the total that matched.

        Words nothing matches are repaired to the nearest catalogue word when one is close,
        else ignored; a query made only of such words matches nothing.
        """
        where, params = ["1"], []
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
        filters = " AND ".join(where)

        terms = query_terms(query)
        if not terms:
            # Nothing but filters (or filler words): the best sellers that pass them.
            rows = self._db().execute(
                f"SELECT p.card, count(*) OVER () FROM products p WHERE {filters}"
                " ORDER BY p.in_stock DESC, p.popularity DESC, p.id LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
            return _result(rows)

        groups, corrections, ignored = self._groups(terms)
        if not groups:
            return SearchResult([], 0, corrections, ignored)
        rows = []
        for joiner in (" AND ", " OR ") if len(groups) > 1 else (" AND ",):
            # bm25() can't sit beside a window function, so score first, then count.
            rows = self._db().execute(
                f"WITH hits AS MATERIALIZED ("
                f" SELECT p.card, p.in_stock, bm25(products_fts, {WEIGHTS}) AS score"
                f" FROM products_fts JOIN products p ON p.id = products_fts.rowid"
                f" WHERE products_fts MATCH ? AND {filters})"
                f" SELECT card, count(*) OVER () FROM hits"
                f" ORDER BY in_stock DESC, score LIMIT ? OFFSET ?",
                (joiner.join(groups), *params, limit, offset)).fetchall()
            if rows:
                break
        result = _result(rows)
        return SearchResult(result.cards, result.total, corrections, ignored)

    def _groups(self, terms: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
        """One FTS5 group per query word: the word or its synonyms, typo-repaired."""
        groups, corrections, ignored = [], {}, []
        for term in terms:
            alternatives = SYNONYMS.get(term, (term,))
            found = [a for a in alternatives if self._matches(a)]
            if not found:
                fixed = self._repair(term)
                if fixed is None:
                    ignored.append(term)
                    continue
                corrections[term] = fixed
                found = list(SYNONYMS.get(fixed, (fixed,)))
            quoted = " OR ".join(f'"{a}"' for a in found)
            groups.append(f"({quoted})" if len(found) > 1 else quoted)
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


def _float(value) -> float | None:
    return None if value is None else float(value)


def _result(rows: list[tuple[str, int]]) -> SearchResult:
    return SearchResult([json.loads(c) for c, _ in rows], rows[0][1] if rows else 0)


def fingerprint(products: Iterable[Product]) -> str:
    """A digest that changes whenever any indexed product's data changes."""
    digest = hashlib.sha256()
    for product in products:
        digest.update(repr(product).encode())
    return digest.hexdigest()
