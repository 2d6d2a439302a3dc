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
from . import rank
from .lexical import FIELDS, LexicalIndex
from .semantic import Encoder, product_text
from .vectors import SCHEMA as VECTORS_SCHEMA
from .vectors import Vectors
from .text import SYNONYMS, deletes, distance, max_typos, query_terms, words
from .understand import understand

# Raise when SCHEMA changes: an index file of another version is dropped and rebuilt.
SCHEMA_VERSION = 6

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

# The columns that say what a product is, as opposed to what its description mentions.
NAMING_COLUMNS = ("name", "categories", "tags")

# BM25 column weights, in the order of products_fts: a hit in the name counts most.
WEIGHTS = ", ".join(str(w) for w in FIELDS.values())

# Best BM25 matches (over all matches) that are re-ranked per query: a few pages' worth.
POOL = 100
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
    understood: dict = field(default_factory=dict)  # price, amounts, colours, exclusions read

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


class CatalogIndex:
    """Search over one store's published catalogue, stored in one SQLite file."""

    def __init__(self, path: Path, encoder: Encoder | None = None):
        self.path = Path(path)
        # With an encoder, products get vectors and search blends in their similarity.
        self.vectors = Vectors(encoder) if encoder is not None else None
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
                                understood=understood.summary())

        groups, corrections, ignored = self._groups(terms)
        if not groups or (ignored and len(corrections) == len(groups)):
            # Nothing matched as typed: a guess built only from repaired words ("spaceship
            # parts" -> "pants") would be noise, not an answer.
            return SearchResult([], 0, corrections, ignored, understood.summary())
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
        if head and (head_groups := self._groups(head)[0]):
            # "X that fits this Y": Y's long name would crowd out every X by BM25 alone.
            known = {c.pos: c for c in candidates}
            for c in self._candidates(head_groups, fields, wanted, pool):
                if c.pos in known:
                    known[c.pos].share = max(known[c.pos].share, c.share)
                else:
                    candidates.append(c)
        if in_stock:
            # An exact match of what the shopper named is shown even when out of stock.
            known = {c.pos for c in candidates}
            candidates += [c for c in self._candidates(groups, fields,
                                                       {**wanted, "in_stock": None}, 5)
                           if c.pos not in known and rank.exact(c, understood.named)]
        similarity = None
        if self.vectors is not None:
            similarity = self._similar(candidates, understood)
        ranked = rank.order(candidates, understood, terms, head, similarity)
        total = min(COUNT_CAP + 1, self.lexical.count(groups, fields, wanted, True)
                    or self.lexical.count(groups, fields, wanted, False))
        page = ranked[offset:offset + limit]
        return SearchResult(self.cards([c.id for c in page]), max(total, len(ranked)),
                            corrections, ignored, understood.summary())

    def _fresh(self) -> None:
        """Reload BM25's reader when any process changed the index since this one looked."""
        changed = self.meta("changed_at")
        if changed != self._seen:
            self.lexical.reload()
            self._seen = changed

    def _similar(self, candidates: list[rank.Candidate], understood) -> dict[int, float]:
        """Cosine similarity of the query to each candidate, by pos. Vectors re-rank what
        the words found; on WebMall, adding the nearest non-matching products changed no
        top 10, and it would make "nothing matches" untrue."""
        text = " ".join(f"{understood.head} {understood.context}".split()) or understood.text
        return self.vectors.similarities(self._db(), [c.pos for c in candidates], text)

    def _candidates(self, groups: list[list[str]], fields: Sequence[str], filters: dict,
                    limit: int) -> list[rank.Candidate]:
        """The ``limit`` best matches by BM25 over all matches passing the filters."""
        top = self.lexical.top(groups, fields, filters, limit)
        return self._rows(top, top[0][1] if top else 1.0)

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

    def _groups(self, terms: list[str]) -> tuple[list[list[str]], dict[str, str], list[str]]:
        """One group per query word: the word or its synonyms, typo-repaired."""
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
