"""The local product index: SQLite rows (cards, words for typo repair, vectors), with BM25
on tantivy beside it (bridge.catalog.lexical); searching it is bridge.catalog.search.

Only products the store may show enter it (bridge.store.visibility), each stored with its
card, so search answers without asking the store; search finds the ones WooCommerce lets
search show, the catalogue pages (``page``) list the ones it lets listings show.
``replace_all`` is a full sync, ``upsert``/``delete`` incremental.
The file is local to each bridge host; SQLite's WAL lets every worker read while one writes.
Rows are numbered (``pos``) in-stock first, then best sellers first: the order of listings
and of searches without words.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from ..store import visibility
from ..store.base import Product
from .cards import card, catalogue_item
from .lexical import FIELDS, LexicalIndex
from .search import COUNT_CAP, Searching, SearchResult, _filters

__all__ = ["COUNT_CAP", "CatalogIndex", "Row", "SearchResult", "fingerprint", "prepare"]
from .languages import Reader
from .semantic import Encoder, product_text
from .text import deletes, words
from .vectors import SCHEMA as VECTORS_SCHEMA
from .vectors import Vectors

# Raise when SCHEMA or a stored card's shape changes: an index file of another version is
# dropped and rebuilt (7: cards carry their attributes, for facets).
SCHEMA_VERSION = 7

LISTED_INDEX = "CREATE INDEX IF NOT EXISTS products_listed ON products (listed, id)"
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
    searched INTEGER NOT NULL,          -- found by search (visible, search): only these have
                                        -- products_fts rows and words
    naming TEXT NOT NULL,               -- categories and tags, attributes, SKUs: what the
    details TEXT NOT NULL,              -- re-ranking reads of each candidate, kept here as
    skus TEXT NOT NULL                  -- reading them back from products_fts is slow
);
CREATE INDEX IF NOT EXISTS products_modified ON products (modified);
CREATE INDEX IF NOT EXISTS products_name ON products (name);
CREATE VIRTUAL TABLE IF NOT EXISTS products_fts USING fts5(
    name, categories, tags, attributes, sku, description,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO products_fts(products_fts, rank) VALUES ('rank', 'bm25({weights})');
CREATE TABLE IF NOT EXISTS words (word TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS word_deletes (
    del TEXT NOT NULL, word TEXT NOT NULL, PRIMARY KEY (del, word)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
""" + VECTORS_SCHEMA

# BM25 column weights, in the order of products_fts: a hit in the name counts most.
WEIGHTS = ", ".join(str(w) for w in FIELDS.values())

# A product whose store gives no modification time counts as unchanged since long ago.
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)

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
    text = _row_text(product)
    return Row(
        id=product.id,
        order=(not product.in_stock, -product.total_sales, product.id),
        columns=(product.name, _float(product.price), _float(product.price_max),
                 int(product.on_sale), int(product.in_stock), product.total_sales, keys,
                 json.dumps(card(product, currency)),
                 json.dumps(catalogue_item(product, currency)), modified,
                 int(visibility.listed(product.catalog_visibility)),
                 int(visibility.searched(product.catalog_visibility)),
                 f"{text[1]} {text[2]}", text[3], text[4]),
        text=text, searched=visibility.searched(product.catalog_visibility))


def _row_text(product: Product) -> tuple[str, ...]:
    attributes = " ".join(f"{a.name} {' '.join(a.options)}" for a in product.attributes)
    categories = " ".join(c.name for c in product.categories)
    return (product.name, categories, " ".join(product.tags), attributes,
            " ".join([product.sku] + [v.sku for v in product.variations]),
            f"{product.short_description} {product.description}")


class CatalogIndex(Searching):
    """Search over one store's published catalogue, stored in one SQLite file."""

    def __init__(self, path: Path, encoder: Encoder | None = None,
                 reader: Reader | None = None):
        self.path = Path(path)
        # With an encoder, products get vectors and search blends in their similarity.
        self.vectors = Vectors(encoder) if encoder is not None else None
        # With a reader, a query in another language is searched in the catalogue's English.
        self.reader = reader
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._db()
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            # The index is a cache of the store: a file of another layout is rebuilt.
            db.executescript("DROP TABLE IF EXISTS products; DROP TABLE IF EXISTS products_fts;"
                             "DROP TABLE IF EXISTS words; DROP TABLE IF EXISTS word_deletes;"
                             "DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS vectors;")
            db.executescript(SCHEMA.format(weights=WEIGHTS))
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # The catalogue's pages count and walk the listed products by id on this index, not
        # on the table's rows (at 50,000 products the count alone read 180 MB: 140 ms).
        # Added to files of this version as they are opened, so none needs rebuilding.
        db.execute(LISTED_INDEX)
        self.lexical = LexicalIndex(self.path.with_name(self.path.name + ".tantivy"))
        self._seen = None  # the index's changed_at when this process last reloaded BM25
        with self._write() as db:
            searched = db.execute("SELECT count(*) FROM products_fts").fetchone()[0]
            if self.lexical.size() != searched:
                # BM25's files are missing or out of step (say, copied without them):
                # SQLite holds every row, so they are rebuilt from it.
                self.lexical.write(everything=True, add=[
                    (pos, text, (low, high, sale, stock, keys))
                    for pos, low, high, sale, stock, keys, *text in db.execute(
                        "SELECT p.pos, p.price_min, p.price_max, p.on_sale, p.in_stock,"
                        " p.category_keys, f.name, f.categories, f.tags, f.attributes, f.sku,"
                        " f.description FROM products p JOIN products_fts f"
                        " ON f.rowid = p.pos")])

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
        embedded = self._embed(rows)
        with self._write() as db:
            for table in ("products", "products_fts", "words", "word_deletes"):
                db.execute(f"DELETE FROM {table}")
            count = self._insert(db, rows, {r.id: n for n, r in enumerate(rows, 1)},
                                 everything=True, embedded=embedded)
            self._set_meta(db, "fingerprint", fingerprint)
        return count

    def upsert(self, products: Iterable[Product], currency: str) -> int:
        """Add or refresh products; ones no longer indexable are removed instead.

        A known product keeps its place in the best-first order and a new one goes last,
        until the next full sync orders them all again.
        """
        products = list(products)
        rows = [row for p in products if (row := prepare(p, currency)) is not None]
        embedded = self._embed(rows)
        with self._write() as db:
            places = self._remove(db, [p.id for p in products])
            removed = list(places.values())
            last = db.execute("SELECT coalesce(max(pos), 0) FROM products").fetchone()[0]
            for row in rows:
                if row.id not in places:
                    last += 1
                    places[row.id] = last
            return self._insert(db, rows, places, removed, embedded=embedded)

    def delete(self, product_ids: Sequence[int]) -> None:
        with self._write() as db:
            removed = list(self._remove(db, product_ids).values())
            self.lexical.write(remove=removed)
            if self.vectors is not None:
                self.vectors.write(db, (), removed)

    def _embed(self, rows: list["Row"]) -> dict[int, tuple]:
        """Vectors of the rows search can find, by product id (none without an encoder);
        made before the write transaction, as embedding takes a while."""
        if self.vectors is None:
            return {}
        return self.vectors.prepare(self._db(), {
            r.id: product_text(r.text[0], r.text[1], r.text[5]) for r in rows if r.searched})

    def _insert(self, db: sqlite3.Connection, rows: list["Row"], places: dict[int, int],
                removed: Sequence[int] = (), everything: bool = False,
                embedded: dict[int, tuple] | None = None) -> int:
        """Store rows at their places, in SQLite and in the BM25 index (after taking out
        ``removed`` places, or ``everything``)."""
        df: Counter[str] = Counter()
        ranked = []
        for row in rows:
            pos = places[row.id]
            db.execute("INSERT INTO products VALUES"
                       " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (pos, row.id, *row.columns))
            if not row.searched:
                continue  # search can't find it, so its words can't repair a typo either
            db.execute("INSERT INTO products_fts(rowid, name, categories, tags, attributes,"
                       " sku, description) VALUES (?, ?, ?, ?, ?, ?, ?)", (pos, *row.text))
            df.update(set(w for part in row.text[:5] for w in words(part) if not w.isdigit()))
            ranked.append((pos, row.text, (row.columns[1], row.columns[2], row.columns[3],
                                           row.columns[4], row.columns[6])))
        self._add_words(db, df)
        self.lexical.write(remove=removed, add=ranked, everything=everything)
        if self.vectors is not None:
            self.vectors.write(db, [(places[i], *e) for i, e in (embedded or {}).items()],
                               removed, everything)
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

    @property
    def mode(self) -> str:
        """"hybrid" (words and vectors) or "lexical" (words only), for /healthz."""
        return "lexical" if self.vectors is None else "hybrid"

    @property
    def model(self) -> str:
        """The name of the embedding model, "" without one."""
        return "" if self.vectors is None else self.vectors.encoder.name

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

def _float(value) -> float | None:
    return None if value is None else float(value)


def fingerprint(products: Iterable[Product], digest=None) -> str:
    """A digest that changes whenever any product's data changes (``digest`` continues one)."""
    digest = digest or hashlib.sha256()
    for product in products:
        digest.update(repr(product).encode())
    return digest.hexdigest()
