"""Catalogue search speed: the index against plain FTS5 BM25 and a LIKE '%term%' scan.

Runs on the demo catalogue and on a generated 50,000-product catalogue; prints median and
p99 per query mix beside two baselines measured in the same run on the same rows: plain
FTS5 (bm25() over every match, best 10, no filters' re-ranking) and a LIKE scan. Also the
index build time, its size on disk and the process's resident memory after the build; with
the semantic extra, hybrid search at the large size (see run_hybrid).
    .venv/bin/python bench/search.py [--products 50000] [--repeat 200]
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _stats import line, measure, summary  # noqa: E402

import numpy as np  # noqa: E402

from bridge.catalog import semantic  # noqa: E402
from bridge.catalog.index import CatalogIndex, _row_text  # noqa: E402
from bridge.catalog.semantic import product_text  # noqa: E402
from bridge.catalog.text import query_terms  # noqa: E402
from bridge.store.demo.data import generate, generate_catalogue  # noqa: E402

QUERIES = [
    ("hoodie", {}), ("black hoodie", {}), ("hoodies", {"max_price": 50}),
    ("t-shirt", {}), ("merino wool socks", {}), ("waterproof jacket", {}),
    ("sneakers", {"min_price": 40, "max_price": 120}), ("linen", {}), ("mug", {}),
    ("hoddie", {}), ("cotton", {"on_sale": True}), ("canvas tote bag", {}),
]

# Queries that describe a need more than they name a product (hybrid adds nearest vectors).
VAGUE = ["something warm for cold winter evenings", "a gift for someone who loves coffee",
         "comfortable clothes for a long flight"]


def like_table(products, path: Path) -> sqlite3.Connection:
    """The baseline: the same rows in a plain table, searched with LIKE '%term%'."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, price_min REAL, price_max REAL,"
               " on_sale INTEGER, text TEXT)")
    db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)",
                   ((p.id, float(p.price), float(p.price_max), int(p.on_sale),
                     " ".join(_row_text(p))) for p in products if p.published))
    db.commit()
    return db


def like_search(db: sqlite3.Connection, query: str, filters: dict) -> list:
    where, params = [], []
    for term in query_terms(query) or [query]:
        where.append("text LIKE ?")
        params.append(f"%{term}%")
    if "max_price" in filters:
        where.append("price_min <= ?")
        params.append(filters["max_price"])
    if "min_price" in filters:
        where.append("price_max >= ?")
        params.append(filters["min_price"])
    if filters.get("on_sale"):
        where.append("on_sale = 1")
    return db.execute(f"SELECT id, count(*) OVER () FROM rows WHERE {' AND '.join(where)}"
                      " LIMIT 10", params).fetchall()


def fts_search(db: sqlite3.Connection, query: str, filters: dict) -> list:
    """The plain FTS5 baseline: every word OR-ed, bm25() over all matches, best 10."""
    terms = query_terms(query) or [query]
    match = " OR ".join(f'"{t}"' for t in terms)
    return db.execute("SELECT rowid FROM products_fts WHERE products_fts MATCH ?"
                      " ORDER BY bm25(products_fts) LIMIT 10", (match,)).fetchall()


def _rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return float("nan")


def _disk_mb(path: Path) -> float:
    files = [path, *path.parent.glob(path.name + "-*")]
    files += [f for f in path.with_name(path.name + ".tantivy").rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files if f.exists()) / 2**20


def run(label: str, products, repeat: int, workdir: Path, hybrid: bool = False) -> None:
    path = workdir / f"{label}.sqlite3"
    before = _rss_mb()
    index = CatalogIndex(path)
    start = time.perf_counter()
    count = index.replace_all(products, "USD")
    built = time.perf_counter() - start
    baseline_db = like_table(products, workdir / f"{label}-like.sqlite3")
    plain_db = sqlite3.connect(path)
    print(f"\n== {label}: {count} indexed products (index built in {built:.2f} s,"
          f" {_disk_mb(path):.0f} MB on disk, resident memory +{_rss_mb() - before:.0f} MB)")
    rng = random.Random(1)
    mix = [QUERIES[rng.randrange(len(QUERIES))] for _ in range(repeat)]
    cursor = iter(range(10**9))

    def fts():
        query, filters = mix[next(cursor) % len(mix)]
        return index.search(query, limit=5, **filters)

    def like():
        query, filters = mix[next(cursor) % len(mix)]
        return like_search(baseline_db, query, filters)

    def plain():
        query, filters = mix[next(cursor) % len(mix)]
        return fts_search(plain_db, query, filters)

    baseline = summary(measure(like, repeat))
    plain_stats = summary(measure(plain, repeat))
    ours = summary(measure(fts, repeat))
    print(line("LIKE '%term%' scan (baseline)", baseline))
    print(line("plain FTS5 bm25(), all matches (baseline)", plain_stats, baseline))
    print(line("index.search (BM25 + understanding)", ours, plain_stats) + " (vs plain FTS5)")
    for query, filters in QUERIES:
        stats = summary(measure(lambda: index.search(query, limit=5, **filters), 30, 2))
        print("   " + line(f"{query} {filters or ''}", stats))
    if hybrid:
        run_hybrid(path, products, mix, repeat, ours)


def run_hybrid(path: Path, products, mix, repeat: int, lexical: dict) -> None:
    """Hybrid search on the same index: the query embedded, compared with its candidates.

    Embedding every product of a big catalogue takes ~20 ms each, so the vectors here are
    random unit vectors (what a query costs doesn't depend on their values); the build time
    is the measured cost of embedding a sample, times the catalogue's size.
    """
    encoder, why = semantic.load()
    if encoder is None:
        print(f"\n(hybrid left out: {why})")
        return
    sample = [product_text(*(_row_text(p)[i] for i in (0, 1, 5))) for p in products[:200]]
    start = time.perf_counter()
    encoder.encode(sample)
    each = (time.perf_counter() - start) / len(sample)
    index = CatalogIndex(path, encoder)
    db = index._db()
    positions = [p for p, in db.execute("SELECT rowid FROM products_fts")]
    vectors = np.random.default_rng(1).standard_normal((len(positions), semantic.DIMENSIONS))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    db.execute("BEGIN")
    db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, 'bench', ?)",
                   zip(positions, semantic.to_blob(vectors)))
    db.execute("INSERT INTO meta VALUES ('changed_at', 'bench') ON CONFLICT(key)"
               " DO UPDATE SET value = excluded.value")
    db.execute("COMMIT")
    print(f"\n-- hybrid: embedding {each * 1000:.1f} ms a product (so {each * len(positions):.0f} s"
          f" for all {len(positions)}; a full sync re-embeds only changed products),"
          f" {_disk_mb(path):.0f} MB on disk with the vectors")
    cursor = iter(range(10**9))

    def hybrid():
        query, filters = mix[next(cursor) % len(mix)]
        return index.search(query, limit=5, **filters)

    queries = iter(range(10**9))
    encode = summary(measure(lambda: encoder._batch([f"black hoodie {next(queries)}"]), repeat))
    matrix = semantic.from_blobs(semantic.to_blob(vectors))
    cosine = summary(measure(lambda: matrix @ vectors[0].astype(np.float32), repeat))
    print(line("   embedding one query (uncached)", encode))
    print(line(f"   (cosine over all {len(positions)} vectors, not done by search)", cosine))
    print(line("index.search, lexical (same run, above)", lexical))
    print(line("index.search, hybrid (query embedding cached)", summary(measure(hybrid, repeat))))
    fresh = iter(range(10**9))
    print(line("index.search, hybrid (every query new)", summary(measure(
        lambda: index.search(f"black hoodie {next(fresh)}", limit=5), repeat))))
    # A query whose words name little here: the nearest of every vector join the candidates
    # (the first such search reads them all into the process, kept apart below).
    start = time.perf_counter()
    index.search(VAGUE[0], limit=5)
    print(f"   (first vague search, reading every vector: {(time.perf_counter() - start) * 1000:.0f} ms,"
          f" resident memory {_rss_mb():.0f} MB)")
    vague = iter(range(10**9))
    print(line("index.search, hybrid, vague query (nearest vectors added)", summary(measure(
        lambda: index.search(VAGUE[next(vague) % len(VAGUE)], limit=5), repeat))))
    print(f"   (load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        demo = generate(__import__("datetime").date.today(), "http://shop.test").products
        run("demo catalogue", demo, args.repeat, workdir)
        start = time.perf_counter()
        large = generate_catalogue(args.products, base_url="http://shop.test")
        print(f"\n(generated {len(large)} products in {time.perf_counter() - start:.1f} s)")
        run(f"{args.products} products", large, args.repeat, workdir, hybrid=True)


if __name__ == "__main__":
    main()
