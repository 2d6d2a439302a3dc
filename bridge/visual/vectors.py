"""Image vectors stored with the catalogue index: one row per product and describer (the
features descriptor, the image model's embedding), in the index's own SQLite file, computed
when the catalogue syncs.

``sync(load)`` brings the rows in step with the index: products whose main image changed
(or that are new) get a vector, products that left the index lose theirs. Images are read and
described in chunks, each chunk written at once, so a pass is bounded in memory, safe to
repeat, and resumes where a bounded or interrupted pass stopped. Readers get every vector as
one matrix, cached per process and reloaded when a write stamps a new version.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
import time
from typing import Callable, Protocol

import numpy as np
from PIL import Image

from ..catalog.index import CatalogIndex
from ..errors import BridgeError
from .space import Space, fit
from .validate import decode

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS visual_{name} (
    id INTEGER PRIMARY KEY,        -- the product id
    source TEXT NOT NULL,          -- the image URL the vector was computed from
    version INTEGER NOT NULL,      -- the describer's version
    vector BLOB,                   -- float32 x the describer's dim; NULL when unusable
    tried_at REAL NOT NULL         -- unix time of the last attempt
);
CREATE TABLE IF NOT EXISTS visual_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# An image that could not be fetched or read is tried again after this many seconds.
RETRY_AFTER = 3600.0
# Images read, described and written together: bounds the memory of a pass, and what an
# interrupted pass loses.
CHUNK = 32

# Vectors by describer and image content, so an image shared by products (or drawn again by
# the demo store for another app in this process) is described once.
_MEMO: dict[tuple[str, int, bytes], np.ndarray] = {}
MEMO_SIZE = 4096

# load(product_id, image_url) -> the image's bytes, or None when it can't be had.
Loader = Callable[[int, str], "bytes | None"]


class Describer(Protocol):
    """What turns pictures into vectors: the features descriptor or the image model."""

    name: str  # its table is visual_<name>
    version: int  # raise when its vectors change: stored ones of another version are redone
    dim: int
    centred: bool  # searched in the catalogue's own space (space.py), or as they are

    def describe(self, images: list[Image.Image]) -> np.ndarray:
        """Catalogue images -> (n, dim) float32 unit rows."""

    def query(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        """A shopper's photo -> (views, dim) unit rows and the weight of each view."""

    def warm(self) -> None:
        """Load what the first call would (a model), so that call is as quick as the next."""


class VectorIndex:
    def __init__(self, index: CatalogIndex, describer: Describer):
        self.index = index
        self.describer = describer
        self.table = f"visual_{describer.name}"
        self._local = threading.local()
        self._cache: tuple | None = None  # stamp, ids, matrix, space
        self._lock = threading.Lock()
        self._db().executescript(SCHEMA.format(name=describer.name))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.index.path, timeout=30, isolation_level=None)
            self._local.db = db
        return db

    def _meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM visual_meta WHERE key = ?",
                                 (f"{self.table}:{key}",)).fetchone()
        return row[0] if row else None

    # -- writes --

    def pending(self) -> bool:
        """Whether the index changed since the last complete sync (cheap: two small reads)."""
        return self._meta("synced_for") != (self.index.meta("changed_at") or "")

    def sync(self, load: Loader, budget: int | None = None) -> dict[str, int]:
        """Compute what is missing or stale (at most ``budget`` images), drop what is gone.

        :return: counts of ``computed``, ``failed``, ``removed`` and ``left`` (still to do).
        """
        changed_at = self.index.meta("changed_at") or ""
        wanted = self.index.image_sources()
        version = self.describer.version
        have = {pid: (source, v, vector_null, tried_at) for pid, source, v, vector_null,
                tried_at in self._db().execute(
                    f"SELECT id, source, version, vector IS NULL, tried_at FROM {self.table}")}
        gone = [pid for pid in have if pid not in wanted]
        now = time.time()
        todo = [pid for pid, url in wanted.items()
                if pid not in have or have[pid][0] != url or have[pid][1] != version
                or (have[pid][2] and now - have[pid][3] >= RETRY_AFTER)]
        batch = todo if budget is None else todo[:budget]
        self.put([], gone)
        failed = 0
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start:start + CHUNK]
            vectors = self._describe([(pid, wanted[pid]) for pid in chunk], load)
            failed += sum(v is None for v in vectors)
            self.put([(pid, wanted[pid], v) for pid, v in zip(chunk, vectors)])
        if len(batch) == len(todo):
            self._set(self._db(), "synced_for", changed_at)
        return {"computed": len(batch) - failed, "failed": failed, "removed": len(gone),
                "left": len(todo) - len(batch)}

    def put(self, rows: list[tuple[int, str, np.ndarray | None]],
            gone: list[int] = ()) -> None:
        """Store (product id, image URL, vector or None) rows and drop ``gone``, at once."""
        if not rows and not gone:
            return
        now, version = time.time(), self.describer.version
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?, ?, ?)",
                           [(pid, source, version,
                             None if vector is None else vector.astype(np.float32).tobytes(),
                             now) for pid, source, vector in rows])
            db.executemany(f"DELETE FROM {self.table} WHERE id = ?", ((p,) for p in gone))
            self._set(db, "version", secrets.token_hex(8))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _set(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT INTO visual_meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE"
                   " SET value = excluded.value", (f"{self.table}:{key}", value))

    def _describe(self, items: list[tuple[int, str]], load: Loader) -> list[np.ndarray | None]:
        """The vectors of one chunk's images (None for an unusable one), described together."""
        kind = (self.describer.name, self.describer.version)
        out: list[np.ndarray | None] = [None] * len(items)
        fresh: dict[bytes, list[int]] = {}  # content -> positions still to describe
        pictures: dict[bytes, Image.Image] = {}
        for n, (pid, url) in enumerate(items):
            try:
                data = load(pid, url)
                if data is None:
                    continue
                key = hashlib.sha256(data).digest()
                if (*kind, key) in _MEMO:
                    out[n] = _MEMO[(*kind, key)]
                    continue
                if key not in pictures:
                    pictures[key] = decode(data).image
                fresh.setdefault(key, []).append(n)
            except BridgeError as exc:
                log.info("product %s: image %s not usable: %s", pid, _path(url), exc.message)
            except Exception as exc:  # one bad image must not stop a sync
                log.warning("product %s: image %s failed: %s", pid, _path(url),
                            type(exc).__name__)
        if not pictures:
            return out
        keys = list(pictures)
        vectors = self.describer.describe([pictures[k] for k in keys])
        for key, vector in zip(keys, vectors):
            while _MEMO and len(_MEMO) >= MEMO_SIZE:
                _MEMO.pop(next(iter(_MEMO)))
            if MEMO_SIZE:
                _MEMO[(*kind, key)] = vector
            for n in fresh[key]:
                out[n] = vector
        return out

    # -- reads --

    def stamp(self) -> str:
        return self._meta("version") or ""

    def matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(product ids, their vectors as rows), current as of the last write."""
        ids, matrix, _ = self.searchable()
        return ids, matrix

    def searchable(self) -> tuple[np.ndarray, np.ndarray, Space | None]:
        """The ids, the rows as searched and the space a query's vectors go into first
        (None: as they are), all of one reload."""
        stamp = self.stamp()
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return cached[1:]
        with self._lock:
            dim = self.describer.dim
            rows = self._db().execute(
                f"SELECT id, vector FROM {self.table} WHERE vector IS NOT NULL"
                " AND version = ? ORDER BY id", (self.describer.version,)).fetchall()
            ids = np.array([pid for pid, _ in rows], dtype=np.int64)
            matrix = np.empty((len(rows), dim), np.float32)
            for n, (_, blob) in enumerate(rows):  # row by row: no second copy of them all
                matrix[n] = np.frombuffer(blob, np.float32)
            del rows
            found = None
            if self.describer.centred:
                found = fit(matrix, self._cache[3] if self._cache else None)
                matrix = found.apply(matrix)
            self._cache = (stamp, ids, matrix, found)
            return ids, matrix, found

    def count(self) -> int:
        return len(self.matrix()[0])


def _path(url: str) -> str:
    """The URL without its query, which may carry a signed CDN token."""
    return url.split("?", 1)[0]
