"""The local product index: SQLite FTS5 with BM25, filters, and typo repair.

Only products the store may show enter it (bridge.store.visibility), each stored with its
card, so search answers without asking the store; search finds the ones WooCommerce lets
search show, the catalogue pages (``page``) list the ones it lets listings show.
``replace_all`` is a full sync, ``upsert``/``delete`` incremental.
The file is local to each bridge host; SQLite's WAL lets every worker read while one writes.

Rows are numbered (``pos``, the FTS rowid) in-stock first, then best sellers first, so FTS5
walks its matches best-first and stops early: BM25 then ranks the first ``CANDIDATES``
matches that pass the filters. A broad word in a big shop ("hoodie" among 50,000 products)
costs the same as a narrow one.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from ..store import visibility
from ..store.base import Product
from .cards import card, catalogue_item
from .text import SYNONYMS, deletes, distance, max_typos, query_terms, words

# Raise when SCHEMA changes: an index file of another version is dropped and rebuilt.
SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    pos INTEGER PRIMARY KEY,            -- the FTS rowid: in stock, then best sellers, first
    id INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL COLLATE NOCASE,
    price_min REAL, price_max REAL,
    on_sale INTEGER NOT NULL, in_stock INTEGER NOT NULL,
    popularity INTEGER NOT NULL,
    category_keys TEXT NOT NULL,        -- "|slug|name|..." for exact category filters
    card TEXT NOT NULL,
    item TEXT NOT NULL,                 -- the catalogue item: the card and its details
    modified TEXT NOT NULL,             -- when the store last changed it (ISO 8601, UTC)
    listed INTEGER NOT NULL,            -- in the catalogue pages (visibility visible, catalog)
    searched INTEGER NOT NULL           -- found by search (visible, search): only these have
                                        -- products_fts rows and words
);
CREATE INDEX IF NOT EXISTS products_modified ON products (modified);
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

# The columns that say what a product is, as opposed to what its description mentions.
NAMING_COLUMNS = ("name", "categories", "tags")

# BM25 column weights, in the order of products_fts: a hit in the name counts most.
WEIGHTS = "10.0, 6.0, 3.0, 2.0, 8.0, 1.0"

# Matches BM25 ranks per query, taken best-selling first: enough for a few screens of
# results, few enough to keep a query under a few milliseconds at 50,000 products.
CANDIDATES = 250
# Filtered totals are counted exactly up to here; beyond, the result says "more than".
COUNT_CAP = 250

# A product whose store gives no modification time counts as unchanged since long ago.
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)

# The filter every search starts from; products_fts holds only these rows.
SEARCHED = "p.searched = 1"


@dataclass(frozen=True)
class SearchResult:
    cards: list[dict]
    total: int  # matches passing the filters; COUNT_CAP + 1 stands for "more than COUNT_CAP"
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> catalogue word
    ignored: list[str] = field(default_factory=list)  # words nothing in the catalogue matches

    @property
    def total_is_exact(self) -> bool:
        return self.total <= COUNT_CAP


def indexable(product: Product) -> bool:
    """Whether the product may be shown at all (stores give only such products; the index
    checks again, as it is where every route reads)."""
    return visibility.shown(product.status, None, product.catalog_visibility)


@dataclass(frozen=True)
class Row:
    """A product as the index stores it: far smaller than the product, so a full sync of a
    big shop holds rows, not products."""

    id: int
    order: tuple  # in stock first, then best sellers: the place a full sync gives it
    columns: tuple  # name, prices, flags, popularity, category keys, card, item, modified,
    #                 listed, searched
    text: tuple[str, ...]  # the searchable columns
    searched: bool


def prepare(product: Product, currency: str) -> Row | None:
    """The index row of a product; None when the product may not be indexed."""
    if not indexable(product):
        return None
    keys = "|" + "|".join(
        k for c in product.categories for k in (c.slug.lower(), c.name.lower())) + "|"
    modified = (product.date_modified or EPOCH).astimezone(timezone.utc).isoformat()
    return Row(
        id=product.id,
        order=(not product.in_stock, -product.total_sales, product.id),
        columns=(product.name, _float(product.price), _float(product.price_max),
                 int(product.on_sale), int(product.in_stock), product.total_sales, keys,
                 json.dumps(card(product, currency)),
                 json.dumps(catalogue_item(product, currency)), modified,
                 int(visibility.listed(product.catalog_visibility)),
                 int(visibility.searched(product.catalog_visibility))),
        text=_row_text(product), searched=visibility.searched(product.catalog_visibility))


def _row_text(product: Product) -> tuple[str, ...]:
    attributes = " ".join(f"{a.name} {' '.join(a.options)}" for a in product.attributes)
    categories = " ".join(c.name for c in product.categories)
    return (product.name, categories, " ".join(product.tags), attributes,
            " ".join([product.sku] + [v.sku for v in product.variations]),
            f"{product.short_description} {product.description}")


class CatalogIndex:
    """Search over one store's published catalogue, stored in one SQLite file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._db()
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            # The index is a cache of the store: a file of another layout is rebuilt.
            db.executescript("DROP TABLE IF EXISTS products; DROP TABLE IF EXISTS products_fts;"
                             "DROP TABLE IF EXISTS words; DROP TABLE IF EXISTS word_deletes;"
                             "DROP TABLE IF EXISTS meta;")
            db.executescript(SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
            if exc_type:
                self.db.execute("ROLLBACK")
                return
            # Every change stamps the index, for ETag and Last-Modified of catalogue reads.
            self.db.execute("INSERT INTO meta VALUES ('changed_at', ?) ON CONFLICT(key)"
                            " DO UPDATE SET value = excluded.value",
                            (datetime.now(timezone.utc).isoformat(timespec="microseconds"),))
            self.db.execute("COMMIT")

    def _write(self):
        return self._Tx(self._db())

    # -- writes --

    def replace_all(self, products: Iterable[Product], currency: str,
                    fingerprint: str = "") -> int:
        """Full sync: the index becomes exactly these products, in one transaction."""
        return self.replace_rows([row for p in products
                                  if (row := prepare(p, currency)) is not None], fingerprint)

    def replace_rows(self, rows: list["Row"], fingerprint: str = "") -> int:
        """Full sync from prepared rows (a sync holds rows, not whole products)."""
        rows = sorted(rows, key=lambda r: r.order)
        with self._write() as db:
            for table in ("products", "products_fts", "words", "word_deletes"):
                db.execute(f"DELETE FROM {table}")
            count = self._insert(db, rows, {r.id: n for n, r in enumerate(rows, 1)})
            self._set_meta(db, "fingerprint", fingerprint)
        return count

    def upsert(self, products: Iterable[Product], currency: str) -> int:
        """Add or refresh products; ones no longer indexable are removed instead.

        A known product keeps its place in the best-first order and a new one goes last,
        until the next full sync orders them all again.
        """
        products = list(products)
        rows = [row for p in products if (row := prepare(p, currency)) is not None]
        with self._write() as db:
            places = self._remove(db, [p.id for p in products])
            last = db.execute("SELECT coalesce(max(pos), 0) FROM products").fetchone()[0]
            for row in rows:
                if row.id not in places:
                    last += 1
                    places[row.id] = last
            return self._insert(db, rows, places)

    def delete(self, product_ids: Sequence[int]) -> None:
        with self._write() as db:
            self._remove(db, product_ids)

    def _insert(self, db: sqlite3.Connection, rows: list["Row"], places: dict[int, int]) -> int:
        df: Counter[str] = Counter()
        for row in rows:
            pos = places[row.id]
            db.execute("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (pos, row.id, *row.columns))
            if not row.searched:
                continue  # search can't find it, so its words can't repair a typo either
            db.execute("INSERT INTO products_fts(rowid, name, categories, tags, attributes,"
                       " sku, description) VALUES (?, ?, ?, ?, ?, ?, ?)", (pos, *row.text))
            df.update(set(w for part in row.text[:5] for w in words(part) if not w.isdigit()))
        self._add_words(db, df)
        return len(rows)

    def _add_words(self, db: sqlite3.Connection, df: Counter[str]) -> None:
        known = {w for (w,) in db.execute("SELECT word FROM words")} if df else set()
        db.executemany("INSERT INTO words VALUES (?, ?) ON CONFLICT(word) DO UPDATE"
                       " SET df = df + excluded.df", df.items())
        fresh = [w for w in df if w not in known and len(w) >= 4]
        db.executemany("INSERT OR IGNORE INTO word_deletes VALUES (?, ?)",
                       ((d, w) for w in fresh for d in deletes(w) | {w}))

    def _remove(self, db: sqlite3.Connection, product_ids: Sequence[int]) -> dict[int, int]:
        """Take products out; returns the places they held, by product id."""
        df: Counter[str] = Counter()
        places = {}
        for pid in product_ids:
            found = db.execute("SELECT pos FROM products WHERE id = ?", (pid,)).fetchone()
            if found is None:
                continue
            places[pid] = found[0]
            row = db.execute("SELECT name, categories, tags, attributes, sku FROM products_fts"
                             " WHERE rowid = ?", found).fetchone()
            if row is not None:  # a product search can't find has no words to forget
                df.update(set(w for part in row for w in words(part) if not w.isdigit()))
                db.execute("DELETE FROM products_fts WHERE rowid = ?", found)
            db.execute("DELETE FROM products WHERE pos = ?", found)
        for word, n in df.items():
            db.execute("UPDATE words SET df = df - ? WHERE word = ?", (n, word))
        gone = [w for (w,) in db.execute("SELECT word FROM words WHERE df <= 0")]
        db.execute("DELETE FROM words WHERE df <= 0")
        db.executemany("DELETE FROM word_deletes WHERE word = ?", ((w,) for w in gone))
        return places

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            self._set_meta(db, key, value)

    def _set_meta(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                   " SET value = excluded.value", (key, value))

    # -- reads --

    def meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def ids(self) -> list[int]:
        return [pid for (pid,) in self._db().execute("SELECT id FROM products ORDER BY id")]

    def count(self) -> int:
        """The products the catalogue pages list."""
        return self._db().execute("SELECT count(*) FROM products WHERE listed = 1").fetchone()[0]

    def cards(self, product_ids: Sequence[int]) -> list[dict]:
        """Cards of indexed products (any the store may show), in the order asked; unknown
        ids are left out."""
        if not product_ids:
            return []
        marks = ",".join("?" * len(product_ids))
        rows = dict(self._db().execute(
            f"SELECT id, card FROM products WHERE id IN ({marks})", list(product_ids)))
        return [json.loads(rows[i]) for i in product_ids if i in rows]

    def page(self, page: int, per_page: int,
             updated_since: datetime | None = None) -> tuple[list[dict], int]:
        """Listed catalogue items by id, a page at a time, and how many there are in all."""
        raw, total = self.page_json(page, per_page, updated_since)
        return [json.loads(item) for item in raw], total

    def page_json(self, page: int, per_page: int,
                  updated_since: datetime | None = None) -> tuple[list[str], int]:
        """``page`` with each item as the JSON text it is stored as (no parse on the way out)."""
        where, params = ("WHERE listed = 1 AND modified > ?", [
            updated_since.astimezone(timezone.utc).isoformat()]) if updated_since \
            else ("WHERE listed = 1", [])
        db = self._db()
        total = db.execute(f"SELECT count(*) FROM products {where}", params).fetchone()[0]
        rows = db.execute(f"SELECT item FROM products {where} ORDER BY id LIMIT ? OFFSET ?",
                          (*params, per_page, (page - 1) * per_page)).fetchall()
        return [item for item, in rows], total

    def item(self, product_id: int) -> dict | None:
        row = self._db().execute("SELECT item FROM products WHERE id = ?",
                                 (product_id,)).fetchone()
        return json.loads(row[0]) if row else None

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
        filters, params = _filters(category, min_price, max_price, on_sale, in_stock)
        terms = query_terms(query)
        if not terms:
            # Nothing but filters (or filler words): the best sellers that pass them.
            rows = self._db().execute(
                f"SELECT p.card FROM products p WHERE {filters} ORDER BY p.pos LIMIT ? OFFSET ?",
                (*params, limit, offset)).fetchall()
            total = self._db().execute(
                f"SELECT count(*) FROM (SELECT 1 FROM products p WHERE {filters} LIMIT ?)",
                (*params, COUNT_CAP + 1)).fetchone()[0]
            return SearchResult([json.loads(c) for c, in rows], total)

        groups, corrections, ignored = self._groups(terms)
        if not groups or (ignored and len(corrections) == len(groups)):
            # Nothing matched as typed: a guess built only from repaired words ("spaceship
            # parts" -> "pants") would be noise, not an answer.
            return SearchResult([], 0, corrections, ignored)
        cards, total = [], 0
        for joiner in (" AND ", " OR ") if len(groups) > 1 else (" AND ",):
            match = joiner.join(groups)
            if ignored:
                # Some words named nothing here ("Prototype Heated Vest"): the rest must hit
                # what a product is, not a word in some description ("heated soles").
                match = f"{{{' '.join(NAMING_COLUMNS)}}} : ({match})"
            cards, total = self._ranked(match, filters, params, limit, offset)
            if cards:
                break
        return SearchResult(cards, total, corrections, ignored)

    def _ranked(self, match: str, filters: str, params: list, limit: int,
                offset: int) -> tuple[list[dict], int]:
        """The best matches by BM25 among the first CANDIDATES in best-first order."""
        db = self._db()
        # bm25() can't sit beside a window function or a join's sort; score first.
        rows = db.execute(
            f"WITH hits AS MATERIALIZED ("
            f" SELECT products_fts.rowid AS pos, bm25(products_fts, {WEIGHTS}) AS score"
            f" FROM products_fts JOIN products p ON p.pos = products_fts.rowid"
            f" WHERE products_fts MATCH ? AND {filters}"
            f" ORDER BY products_fts.rowid LIMIT {CANDIDATES})"
            f" SELECT p.card FROM hits JOIN products p ON p.pos = hits.pos"
            f" ORDER BY p.in_stock DESC, hits.score LIMIT ? OFFSET ?",
            (match, *params, limit, offset)).fetchall()
        if not rows:
            return [], 0
        if filters == SEARCHED:  # products_fts holds exactly these
            total = min(COUNT_CAP + 1, db.execute(
                "SELECT count(*) FROM products_fts WHERE products_fts MATCH ?",
                (match,)).fetchone()[0])
        else:
            total = db.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM products_fts"
                f" JOIN products p ON p.pos = products_fts.rowid"
                f" WHERE products_fts MATCH ? AND {filters} LIMIT ?)",
                (match, *params, COUNT_CAP + 1)).fetchone()[0]
        return [json.loads(c) for c, in rows], total

    def filtered_ids(self, *, category: str | None = None, min_price: float | None = None,
                     max_price: float | None = None, on_sale: bool | None = None,
                     in_stock: bool | None = None) -> list[int]:
        """Ids of the products search may show passing the same filters, best-first."""
        filters, params = _filters(category, min_price, max_price, on_sale, in_stock)
        return [pid for pid, in self._db().execute(
            f"SELECT p.id FROM products p WHERE {filters} ORDER BY p.pos", params)]

    def image_sources(self) -> dict[int, str]:
        """The main image URL of every product search may show that has one."""
        return dict(self._db().execute(
            "SELECT id, json_extract(card, '$.image') FROM products"
            " WHERE searched = 1 AND json_extract(card, '$.image') IS NOT NULL"))

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


def _float(value) -> float | None:
    return None if value is None else float(value)


def fingerprint(products: Iterable[Product], digest=None) -> str:
    """A digest that changes whenever any product's data changes (``digest`` continues one)."""
    digest = digest or hashlib.sha256()
    for product in products:
        digest.update(repr(product).encode())
    return digest.hexdigest()
