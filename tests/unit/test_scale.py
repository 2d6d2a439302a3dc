"""What keeps a worker's requests cheap at scale: the catalogue's pages read an index, the
in-memory rate limit starts no thread per request, and the heap is frozen after start-up."""
import gc
import sqlite3
import threading

from flask import Flask
from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from bridge.catalog.index import CatalogIndex
from bridge.ratelimit import LocalStorage, make_limiter
from bridge.server import GC_THRESHOLDS, freeze_heap
from bridge.settings import Settings


def plan(path, query: str) -> str:
    with sqlite3.connect(path) as db:
        return " ".join(str(row) for row in db.execute("EXPLAIN QUERY PLAN " + query))


def test_catalogue_pages_count_and_walk_an_index_even_in_an_older_file(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    CatalogIndex(path)
    with sqlite3.connect(path) as db:  # a file written before the index existed
        db.execute("DROP INDEX products_listed")
    CatalogIndex(path)
    assert "COVERING INDEX products_listed" in plan(
        path, "SELECT count(*) FROM products WHERE listed = 1")
    assert "products_listed" in plan(
        path, "SELECT item FROM products WHERE listed = 1 ORDER BY id LIMIT 100 OFFSET 300")


def test_memory_rate_limits_count_without_a_thread_per_hit(monkeypatch):
    limiter = make_limiter(Settings(ratelimit_storage="memory://"))
    limiter.init_app(Flask(__name__))
    assert isinstance(limiter.storage, LocalStorage)
    storage = LocalStorage()
    strategy, limit = FixedWindowRateLimiter(storage), RateLimitItemPerMinute(5)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self))
    assert [strategy.hit(limit, "client") for _ in range(7)] == [True] * 5 + [False] * 2
    assert started == []


def test_expired_counters_are_swept_in_the_request(monkeypatch):
    storage = LocalStorage()
    now = [1000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: now[0])
    monkeypatch.setattr("bridge.ratelimit.time.monotonic", lambda: now[0])
    storage.incr("a", expiry=10)
    storage.incr("b", expiry=10)
    now[0] += 11  # both windows are over and a sweep is due
    storage.incr("b", expiry=10)
    assert "a" not in storage.storage and storage.storage["b"] == 1


def test_the_heap_is_frozen_and_collections_spaced_out():
    before = gc.get_threshold()
    try:
        freeze_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == GC_THRESHOLDS
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
