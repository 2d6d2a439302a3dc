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
        self._matrix: tuple[np.ndarray, np.ndarray] | None = None  # (positions, vectors)
        self._loaded = ("", 0.0)  # the index's changed_at then, and when
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
        cold on a picnic"). Every vector is held once per process, as float32 (1.5 KB a
        product), and read again when the index changed (``changed``), at most every RELOAD
        seconds."""
        positions, matrix = self._all(db, changed or "")
        if not len(positions) or count <= 0:
            return []
        sims = matrix @ self.encoder.query(query)
        count = min(count, len(positions))
        best = np.argpartition(-sims, count - 1)[:count]
        return [int(p) for p in positions[best[np.argsort(-sims[best])]]]

    def _all(self, db: sqlite3.Connection, changed: str) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            seen, when = self._loaded
            if self._matrix is not None and (changed == seen or
                                             time.monotonic() - when < RELOAD):
                return self._matrix
            rows = db.execute("SELECT pos, vec FROM vectors ORDER BY pos").fetchall()
            self._matrix = (np.array([p for p, _ in rows], dtype=np.int64),
                            semantic.from_blobs([v for _, v in rows]))
            self._loaded = (changed, time.monotonic())
            return self._matrix
