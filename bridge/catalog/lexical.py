"""Exact top-k BM25 over every match, with the search filters, on tantivy.

SQLite's FTS5 computes bm25() row by row: ranking every match of a common word at 50,000
products took 15-25 ms, so the index used to rank only the first 250 best sellers that
matched. Tantivy ranks all of them in well under a millisecond (bench/search.py).

The files live beside the SQLite index (``<index>.tantivy/``) and hold the same rows, keyed
by their ``pos``; the SQLite index stays the record (cards, words, counts) and calls
``add``/``remove`` inside its own write transaction, which also serialises tantivy's one
writer across threads and processes. Each process reloads its reader when the index changed.
"""
from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import Sequence

import tantivy

from .text import fold

# The searchable columns and their BM25 weights, as in the SQLite index (name counts most).
FIELDS = {"name": 10.0, "categories": 6.0, "tags": 3.0, "attributes": 2.0, "sku": 8.0,
          "description": 1.0}
HEAP = 32_000_000  # bytes for the writer's buffer (tantivy needs at least 15 MB)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pos", stored=True, indexed=True, fast=True)
    for name in FIELDS:
        builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
    builder.add_text_field("category", stored=False, tokenizer_name="raw")
    builder.add_float_field("price_min", fast=True, indexed=True)
    builder.add_float_field("price_max", fast=True, indexed=True)
    builder.add_integer_field("on_sale", fast=True, indexed=True)
    builder.add_integer_field("in_stock", fast=True, indexed=True)
    return builder.build()


class LexicalIndex:
    """The BM25 side of one CatalogIndex."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.schema = _schema()
        self._lock = threading.Lock()
        try:
            self.index = self._open()
        except ValueError:
            # Another layout, or a file cut short: the rows are in SQLite, so start afresh.
            shutil.rmtree(self.path, ignore_errors=True)
            self.index = self._open()

    def _open(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        return tantivy.Index(self.schema, path=str(self.path), reuse=True)

    # -- writes (the caller holds SQLite's write lock) --

    def write(self, remove: Sequence[int] = (), add: Sequence[tuple] = (),
              everything: bool = False) -> None:
        """Remove rows by pos (or ``everything``), then add ``(pos, text, filters)`` rows."""
        if not (remove or add or everything):
            return  # a commit costs tens of milliseconds even when empty
        writer = self.index.writer(heap_size=HEAP, num_threads=1)
        try:
            if everything:
                writer.delete_all_documents()
            for pos in remove:
                writer.delete_documents_by_term("pos", pos)
            for pos, text, (price_min, price_max, on_sale, in_stock, keys) in add:
                doc = tantivy.Document(pos=pos, on_sale=int(on_sale), in_stock=int(in_stock),
                                       **{name: fold(value) for name, value in zip(FIELDS, text)})
                for key in (k for k in keys.split("|") if k):
                    doc.add_text("category", key)
                if price_min is not None:
                    doc.add_float("price_min", float(price_min))
                if price_max is not None:
                    doc.add_float("price_max", float(price_max))
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise

    # -- reads --

    def reload(self) -> None:
        with self._lock:
            self.index.reload()

    def size(self) -> int:
        return self.index.searcher().num_docs

    def top(self, groups: list[list[str]], fields: Sequence[str], filters: dict,
            limit: int) -> list[tuple[int, float]]:
        """(pos, BM25) of the ``limit`` best rows matching any group, best first.

        A group is a word and its alternatives (synonyms); ``fields`` are the columns the
        words must be found in; ``filters`` are search's (category, prices, sale, stock).
        """
        query = self._query(groups, fields, filters, " OR ")
        if query is None:
            return []
        searcher = self.index.searcher()
        hits = searcher.search(query, limit, count=False).hits
        return [(searcher.doc(address)["pos"][0], score) for score, address in hits]

    def count(self, groups: list[list[str]], fields: Sequence[str], filters: dict,
              every: bool) -> int:
        """Rows matching ``every`` group (else any), passing the filters."""
        query = self._query(groups, fields, filters, " AND " if every else " OR ")
        return 0 if query is None else self.index.searcher().search(query, 1).count

    def _query(self, groups, fields, filters, joiner: str):
        words = joiner.join("(" + " OR ".join(f'"{w}"' for w in group) + ")"
                            for group in groups)
        if not words:
            return None
        query = self.index.parse_query(words, list(fields),
                                       field_boosts={f: FIELDS[f] for f in fields})
        conditions = self._conditions(filters)
        if conditions:
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query)] +
                [(tantivy.Occur.Must, tantivy.Query.const_score_query(c, 0.0))
                 for c in conditions])
        return query

    def _conditions(self, filters: dict) -> list:
        found, schema, Q = [], self.schema, tantivy.Query
        if filters.get("category"):
            found.append(Q.term_query(schema, "category", filters["category"].strip().lower()))
        if filters.get("min_price") is not None:
            found.append(Q.range_query(schema, "price_max", tantivy.FieldType.Float,
                                       float(filters["min_price"]), None))
        if filters.get("max_price") is not None:
            found.append(Q.range_query(schema, "price_min", tantivy.FieldType.Float,
                                       None, float(filters["max_price"])))
        for name in ("on_sale", "in_stock"):
            if filters.get(name) is not None:
                found.append(Q.term_query(schema, name, int(filters[name])))
        return found
