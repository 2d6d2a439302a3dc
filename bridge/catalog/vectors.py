"""Product vectors stored with the index, and the nearest ones to a query (numpy cosine).

Vectors live in the index's SQLite file (``vectors``: float16, keyed by the row's ``pos``),
written in the same transaction as the rows, so webhooks keep them in step. A full sync
re-embeds only products whose text changed (``digest``): embedding costs ~20 ms a product.
Search compares the query with its candidates' vectors, read by key, and for a query
that names little in the catalogue also with every vector (``nearest``).
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from typing import Sequence

import numpy as np

from . import semantic

# A process reads every vector again for nearest neighbours at most this often (seconds)
# after the index changed: at 50,000 products that read is ~40 MB, and a product changed
# since then is still found by its words and compared by its current vector.
RELOAD = 30.0
# Nearest neighbours are first sought in this many principal components of the vectors
# (WebMall's: the 20 nearest in full were all among the 80 nearest in 48), then the best
# SHORTLIST times as many as wanted are compared in full.
COARSE = 64
SHORTLIST = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    pos INTEGER PRIMARY KEY, digest TEXT NOT NULL, vec BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_digest ON vectors (digest);
"""


def digest(text: str, model: str) -> str:
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()[:32]


class Vectors:
    """The semantic side of one CatalogIndex."""

    def __init__(self, encoder: semantic.Encoder):
        self.encoder = encoder
        self._matrix: tuple | None = None  # (positions, basis, vectors in the basis)
        self._loaded = ("", 0.0)  # the index's changed_at then, and when
        self._basis: tuple[np.ndarray | None, int] = (None, 0)  # and of how many vectors
        self._lock = threading.Lock()

    def prepare(self, db: sqlite3.Connection, texts: dict[int, str]) -> dict[int, tuple]:
        """(digest, blob) per row key for these texts: reused where the same text was
        embedded before, else embedded now. Runs before the write transaction."""
        digests = {key: digest(text, self.encoder.name) for key, text in texts.items()}
        known: dict[str, bytes] = {}
        wanted = list(set(digests.values()))
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            known.update(db.execute(
                f"SELECT digest, vec FROM vectors WHERE digest IN ({','.join('?' * len(part))})",
                part).fetchall())
        fresh = [key for key, d in digests.items() if d not in known]
        if fresh:
            blobs = semantic.to_blob(self.encoder.encode([texts[k] for k in fresh]))
            known.update({digests[k]: b for k, b in zip(fresh, blobs)})
        return {key: (d, known[d]) for key, d in digests.items()}

    def write(self, db: sqlite3.Connection, rows: Sequence[tuple[int, str, bytes]],
              remove: Sequence[int] = (), everything: bool = False) -> None:
        if everything:
            db.execute("DELETE FROM vectors")
        db.executemany("DELETE FROM vectors WHERE pos = ?", ((p,) for p in remove))
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)

    def similarities(self, db: sqlite3.Connection, positions: Sequence[int], query: str
                     ) -> dict[int, float]:
        """Cosine similarity of ``query`` to the rows at ``positions`` that have a vector.

        Only the candidates BM25 found are compared, read from SQLite by key: no process
        holds every vector (at 50,000 products that was 75 MB each and a reload per change).
        """
        if not positions:
            return {}
        rows = db.execute(f"SELECT pos, vec FROM vectors WHERE pos IN"
                          f" ({','.join('?' * len(positions))})", list(positions)).fetchall()
        if not rows:
            return {}
        vector = self.encoder.query(query)
        sims = semantic.from_blobs([v for _, v in rows]) @ vector
        return {pos: float(sim) for (pos, _), sim in zip(rows, sims)}

    def nearest(self, db: sqlite3.Connection, query: str, count: int, changed: str | None
                ) -> list[int]:
        """Positions of the ``count`` rows whose vectors are nearest the query's, nearest
        first: candidates the query's words may not name ("a cooler bag" for "keep drinks
        cold on a picnic").

        Every vector is compared in its first COARSE principal components (float32, 256
        bytes a product, held once per process and made again when the index changed, at
        most every RELOAD seconds); the best ``SHORTLIST`` times ``count`` of those are
        then compared in full, read by key. At 50,000 products the full matrix was 77 MB a
        process and 10-20 ms a query, the components 13 MB and a few milliseconds.
        """
        positions, basis, matrix = self._all(db, changed or "")
        if not len(positions) or count <= 0:
            return []
        vector = self.encoder.query(query)
        sims = (vector @ basis) @ matrix
        short = min(len(positions), count * SHORTLIST)
        best = np.argpartition(-sims, short - 1)[:short]
        exact = self.similarities(db, [int(p) for p in positions[best]], query)
        return sorted(exact, key=lambda p: -exact[p])[:count]

    def _all(self, db: sqlite3.Connection, changed: str
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions, basis, every vector in the basis as columns), made again when the
        index changed."""
        with self._lock:
            seen, when = self._loaded
            if self._matrix is not None and (changed == seen or
                                             time.monotonic() - when < RELOAD):
                return self._matrix
            positions, parts = [], []
            for rows in _chunks(db.execute("SELECT pos, vec FROM vectors ORDER BY pos")):
                full = semantic.from_blobs([v for _, v in rows])
                positions += [p for p, _ in rows]
                parts.append(full)
            full = np.vstack(parts) if parts else np.zeros((0, semantic.DIMENSIONS), np.float32)
            # The principal directions stay those of the first read while the catalogue
            # keeps its size within a factor of two (finding them is most of a reload).
            basis, made_of = self._basis
            if basis is None or not made_of / 2 <= len(full) <= made_of * 2:
                basis, made_of = _basis(full), len(full)
                self._basis = (basis, made_of)
            # The components of every vector, less their mean (whose share is the same for
            # every row, so the order by similarity holds), one row per component: the
            # query's components times this matrix is BLAS's fastest product here.
            self._matrix = (np.array(positions, dtype=np.int64), basis,
                            np.ascontiguousarray(((full - full.mean(axis=0)) @ basis).T)
                            if len(full) else np.zeros((basis.shape[1], 0), np.float32))
            self._loaded = (changed, time.monotonic())
            return self._matrix


def _chunks(cursor, size: int = 5_000):
    while rows := cursor.fetchmany(size):
        yield rows


def _basis(vectors: np.ndarray) -> np.ndarray:
    """The first COARSE principal directions of these vectors (a sample's), as columns."""
    if len(vectors) <= COARSE:
        return np.eye(semantic.DIMENSIONS, dtype=np.float32)
    sample = vectors[np.random.default_rng(0).choice(len(vectors), min(len(vectors), 5_000),
                                                      replace=False)]
    _, _, directions = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
    return np.ascontiguousarray(directions[:COARSE].T, dtype=np.float32)
