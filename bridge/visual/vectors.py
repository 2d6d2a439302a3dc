"""Image descriptors stored with the catalogue index: one row per product, in the index's
own SQLite file, computed when the catalogue syncs.

``sync(load)`` brings the rows in step with the index: products whose main image changed
(or that are new) get a descriptor, products that left the index lose theirs. It is safe to
repeat, and resumes where a bounded pass stopped. Readers get every vector as one matrix,
cached per process and reloaded when a write stamps a new version.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
import time
from typing import Callable

import numpy as np

from ..catalog.index import CatalogIndex
from ..errors import BridgeError
from . import features
from .validate import decode

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS visual_features (
    id INTEGER PRIMARY KEY,        -- the product id
    source TEXT NOT NULL,          -- the image URL the vector was computed from
    version INTEGER NOT NULL,      -- features.VERSION
    vector BLOB,                   -- float32 x features.DIM; NULL when the image was unusable
    tried_at REAL NOT NULL         -- unix time of the last attempt
);
CREATE TABLE IF NOT EXISTS visual_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# An image that could not be fetched or read is tried again after this many seconds.
RETRY_AFTER = 3600.0

# Descriptors by image content, so an image shared by products (or drawn again by the demo
# store for another app in this process) is described once.
_MEMO: dict[bytes, np.ndarray] = {}
MEMO_SIZE = 4096

# load(product_id, image_url) -> the image's bytes, or None when it can't be had.
Loader = Callable[[int, str], "bytes | None"]


class FeatureIndex:
    def __init__(self, index: CatalogIndex):
        self.index = index
        self._local = threading.local()
        self._cache: tuple[str, np.ndarray, np.ndarray] | None = None  # stamp, ids, matrix
        self._lock = threading.Lock()
        self._db().executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.index.path, timeout=30, isolation_level=None)
            self._local.db = db
        return db

    def _stamp(self) -> str:
        row = self._db().execute("SELECT value FROM visual_meta WHERE key = 'version'").fetchone()
        return row[0] if row else ""

    # -- writes --

    def pending(self) -> bool:
        """Whether the index changed since the last complete sync (cheap: two small reads)."""
        row = self._db().execute("SELECT value FROM visual_meta WHERE key = 'synced_for'"
                                 ).fetchone()
        return (row[0] if row else None) != (self.index.meta("changed_at") or "")

    def sync(self, load: Loader, budget: int | None = None) -> dict[str, int]:
        """Compute what is missing or stale (at most ``budget`` images), drop what is gone.

        :return: counts of ``computed``, ``failed``, ``removed`` and ``left`` (still to do).
        """
        changed_at = self.index.meta("changed_at") or ""
        wanted = self.index.image_sources()
        db = self._db()
        have = {pid: (source, version, vector_null, tried_at) for pid, source, version,
                vector_null, tried_at in db.execute(
                    "SELECT id, source, version, vector IS NULL, tried_at FROM visual_features")}
        gone = [pid for pid in have if pid not in wanted]
        now = time.time()
        todo = [pid for pid, url in wanted.items()
                if pid not in have or have[pid][0] != url or have[pid][1] != features.VERSION
                or (have[pid][2] and now - have[pid][3] >= RETRY_AFTER)]
        batch = todo if budget is None else todo[:budget]
        rows = [(pid, wanted[pid], self._describe(pid, wanted[pid], load)) for pid in batch]
        failed = sum(vector is None for _, _, vector in rows)
        self.put(rows, gone)
        if len(batch) == len(todo):
            self._set(db, "synced_for", changed_at)
        return {"computed": len(rows) - failed, "failed": failed, "removed": len(gone),
                "left": len(todo) - len(batch)}

    def put(self, rows: list[tuple[int, str, np.ndarray | None]],
            gone: list[int] = ()) -> None:
        """Store (product id, image URL, vector or None) rows and drop ``gone``, at once."""
        if not rows and not gone:
            return
        now = time.time()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO visual_features VALUES (?, ?, ?, ?, ?)",
                           [(pid, source, features.VERSION,
                             None if vector is None else vector.astype(np.float32).tobytes(),
                             now) for pid, source, vector in rows])
            db.executemany("DELETE FROM visual_features WHERE id = ?", ((p,) for p in gone))
            self._set(db, "version", secrets.token_hex(8))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _set(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO visual_meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                   " SET value = excluded.value", (key, value))

    @staticmethod
    def _describe(pid: int, url: str, load: Loader) -> np.ndarray | None:
        try:
            data = load(pid, url)
            if data is None:
                return None
            key = hashlib.sha256(data).digest()
            vector = _MEMO.get(key)
            if vector is None:
                vector = features.describe(decode(data).image)
                if len(_MEMO) >= MEMO_SIZE:
                    _MEMO.pop(next(iter(_MEMO)))
                _MEMO[key] = vector
            return vector
        except BridgeError as exc:
            log.info("product %s: image %s not usable: %s", pid, _path(url), exc.message)
        except Exception as exc:  # one bad image must not stop a sync
            log.warning("product %s: image %s failed: %s", pid, _path(url), type(exc).__name__)
        return None

    # -- reads --

    def matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(product ids, their vectors as rows), current as of the last write."""
        stamp = self._stamp()
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        with self._lock:
            rows = self._db().execute(
                "SELECT id, vector FROM visual_features WHERE vector IS NOT NULL"
                " AND version = ? ORDER BY id", (features.VERSION,)).fetchall()
            ids = np.array([pid for pid, _ in rows], dtype=np.int64)
            matrix = np.frombuffer(b"".join(v for _, v in rows), dtype=np.float32).reshape(
                len(rows), features.DIM) if rows else np.zeros((0, features.DIM), np.float32)
            self._cache = (stamp, ids, matrix)
            return ids, matrix

    def count(self) -> int:
        return len(self.matrix()[0])


def _path(url: str) -> str:
    """The URL without its query, which may carry a signed CDN token."""
    return url.split("?", 1)[0]
