"""The background job that keeps this host's index fresh from WooCommerce.

One per host: every worker process tries a file lock in the data folder and the one that
holds it applies webhook changes every few seconds (at once when a webhook arrives here),
reconciles every quarter of an hour and syncs everything once a day.
"""
from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import sessionmaker

from ..settings import Settings
from ..store.base import Store
from . import sync
from .index import CatalogIndex

log = logging.getLogger(__name__)

# Seconds a process without the lock waits before trying again (the holder may have died).
LOCK_RETRY = 30.0


class CatalogWorker:
    def __init__(self, store: Store, index: CatalogIndex, sessions: sessionmaker,
                 settings: Settings, after: Callable[[], None] | None = None):
        self.store = store
        self.after = after  # more work on the fresh index each pass (image descriptors)
        self.index = index
        self.sessions = sessions
        self.settings = settings
        self.lock_path = Path(str(index.path) + ".lock")
        self._wake = threading.Event()
        self._stop = threading.Event()
        # A kept index is trusted for a day, but reconciled at once: it may be hours old.
        self._last_full = time.monotonic()
        self._last_reconcile = float("-inf")

    def start(self) -> None:
        threading.Thread(target=self._loop, name="catalog-worker", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """A webhook arrived: apply it now rather than at the next poll."""
        self._wake.set()

    def run_once(self, now: float | None = None) -> None:
        """Do whatever is due; a store that can't be reached is tried again next time."""
        now = time.monotonic() if now is None else now
        try:
            if self.index.meta("reconciled_at") is None or \
                    now - self._last_full >= self.settings.wc_full_sync_interval:
                count = sync.full_sync(self.store, self.index)
                self._last_full = self._last_reconcile = now
                log.info("catalogue synced: %d products", count)
            elif now - self._last_reconcile >= self.settings.wc_reconcile_interval:
                refreshed, removed = sync.reconcile(self.store, self.index)
                self._last_reconcile = now
                log.info("catalogue reconciled: %d refreshed, %d removed", refreshed, removed)
            sync.apply_changes(self.store, self.index, self.sessions)
        except Exception as exc:
            log.warning("catalogue sync failed, will retry: %s", exc)
        if self.after is not None:
            try:
                self.after()
            except Exception as exc:
                log.warning("work after the catalogue sync failed, will retry: %s", exc)

    def _loop(self) -> None:
        with open(self.lock_path, "a") as handle:
            while not self._stop.is_set():
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    self._stop.wait(LOCK_RETRY)  # another process on this host syncs
            while not self._stop.is_set():
                self.run_once()
                self._wake.wait(self.settings.wc_poll_interval)
                self._wake.clear()
