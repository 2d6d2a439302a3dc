"""One visual search, whichever channel asks: validate the image, rank, fuse, build cards.

``REGISTRY`` names every ranker's factory; the ``visual_rankers`` setting chooses which run,
in order. One that can't run here raises ``Off`` with the reason (Claude without a key, the
image model without the ``[visual]`` extra): it is left out, the image model's place taken by
the ``visual_fallback`` ranker, and the reason is shown on /healthz.
"""
from __future__ import annotations

import logging
import math
import threading
from typing import Callable

from sqlalchemy.orm import sessionmaker

from ..catalog.index import CatalogIndex
from ..errors import INVALID_PARAM, bad_request
from ..settings import Settings, SettingsError, env_name
from ..store.base import Store
from . import rankers as ranking
from .features import FeatureDescriber
from .loaders import local_loader
from .validate import decode
from .vectors import Describer, Loader, VectorIndex

log = logging.getLogger(__name__)

MAX_LIMIT = 24
DEFAULT_LIMIT = 6
UNAVAILABLE = "Visual search is not available on this shop right now."


class VisualSearch:
    """The configured rankers of one bridge, and the search over them, for every channel:
    the same answer as ``POST /visual-search`` and the same ``BridgeError`` for an image it
    refuses."""

    def __init__(self, settings: Settings, index: CatalogIndex, rankers: list[ranking.Ranker],
                 off: dict[str, str] | None = None):
        self.settings = settings
        self.index = index
        self.rankers = rankers
        self.off = off or {}  # ranker name -> why it isn't running

    @classmethod
    def build(cls, settings: Settings, store: Store, index: CatalogIndex,
              sessions: sessionmaker) -> "VisualSearch":
        return cls(settings, index, *build_rankers(settings, store, index, sessions))

    @property
    def available(self) -> bool:
        return bool(self.rankers)

    def status(self) -> dict:
        """Which rankers are on, in order, and why the others are off (for /healthz)."""
        return {"rankers": [r.name for r in self.rankers], "off": dict(self.off)}

    def warm(self) -> None:
        """Load the image model and make a local shop's vectors (the Warmup job does, when
        the server starts), so the first shopper doesn't wait for them."""
        for ranker in self.rankers:
            if isinstance(ranker, ranking.VectorRanker):
                try:
                    ranker.warm()
                except Exception as exc:  # the first search will try again
                    log.warning("visual ranker %s did not warm up: %s", ranker.name, exc)

    def sync(self, load: Loader, budget: int | None = None) -> dict[str, dict[str, int]]:
        """Bring every stored-vector ranker's vectors in step with the index (at most
        ``budget`` images each): counts by ranker name."""
        return {r.name: r.vectors.sync(load, budget) for r in self.rankers
                if isinstance(r, ranking.VectorRanker)}

    def search(self, data: bytes, *, category: str | None = None,
               min_price: float | None = None, max_price: float | None = None,
               limit: int = DEFAULT_LIMIT, channel: str = "api") -> dict:
        """The contract's answer: ``{"available", "found", "products": [card]}``.

        :raise BridgeError: 400 empty or corrupt image or bad filter, 413 too large (bytes,
            pixels or decode memory), 415 not JPEG, PNG, WebP or GIF.
        """
        category, min_price, max_price, limit = _filters(category, min_price, max_price, limit)
        settings = self.settings
        picture = decode(data, settings.visual_max_pixels, settings.visual_max_decode_mib)
        if not self.rankers:
            return {"available": False, "found": 0, "products": [], "message": UNAVAILABLE}
        index = self.index
        eligible = index.filtered_ids(category=category, min_price=min_price,
                                      max_price=max_price, in_stock=True)
        if not eligible:
            return {"available": True, "found": 0, "products": []}
        query = ranking.Query(picture, eligible, category, min_price, max_price, channel)
        rankings, failed = [], []
        for ranker in self.rankers:
            try:
                rankings.append(ranker.rank(query))
            except Exception as exc:  # one ranker failing leaves the others' answer
                log.warning("visual ranker %s failed: %s", ranker.name, exc)
                failed.append(ranker.name)
        ids = ranking.fuse([r for r in rankings if r]) if any(rankings) else []
        cards = [c for c in index.cards(ids[:limit]) if c.get("in_stock")]
        answer: dict = {"available": True, "found": len(cards), "products": cards}
        if failed:
            answer["degraded"] = True
        return answer


class Warmup:
    """A job of the core: warms the rankers in a thread of its own once the core starts."""

    # How long stop() waits for a warm-up still under way.
    STOP_WAIT = 30.0

    def __init__(self, visual: VisualSearch):
        self.visual = visual
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.visual.warm, name="visual-warmup",
                                       daemon=True)
        self.thread.start()

    def stop(self) -> None:
        # A short-lived process (a burst of the WhatsApp worker, a CLI command) must not
        # exit while the model is being built: onnxruntime aborts the process ("terminate
        # called without an active exception") when its native threads are torn down mid-call.
        if self.thread is not None:
            self.thread.join(self.STOP_WAIT)


def _filters(category, min_price, max_price, limit):
    """The filters as the route validates them, for callers that pass them directly."""
    if category is not None:
        if not isinstance(category, str) or len(category) > 200:
            raise bad_request(INVALID_PARAM, "category must be a string of at most 200 "
                              "characters.")
        category = category.strip() or None
    prices = []
    for name, value in (("min_price", min_price), ("max_price", max_price)):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise bad_request(INVALID_PARAM, f"{name} must be a finite number.")
            value = max(0.0, float(value))
        prices.append(value)
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise bad_request(INVALID_PARAM, "limit must be a whole number.")
    return category, prices[0], prices[1], max(1, min(MAX_LIMIT, limit))


class Off(Exception):
    """A ranker that can't run here, and why."""


def _vectors(describer: Describer, store: Store, index: CatalogIndex) -> ranking.Ranker:
    # A local shop's images are drawn here and cheap: its vectors are made on first use.
    local = local_loader(store.local) if store.local is not None else None
    return ranking.VectorRanker(VectorIndex(index, describer), local)


def _features(settings: Settings, store: Store, index: CatalogIndex,
              sessions: sessionmaker) -> ranking.Ranker:
    return _vectors(FeatureDescriber(), store, index)


def _embedding(settings: Settings, store: Store, index: CatalogIndex,
               sessions: sessionmaker) -> ranking.Ranker:
    from . import embedding  # numpy and PIL only: the model's packages are looked for here

    try:
        return _vectors(embedding.Embedder(), store, index)
    except embedding.Unavailable as exc:
        raise Off(str(exc)) from None


def _vision(settings: Settings, store: Store, index: CatalogIndex,
            sessions: sessionmaker) -> ranking.Ranker:
    if not settings.anthropic_api_key or "anthropic" not in settings.providers:
        # As vision.factory says, without importing the SDK.
        raise Off("Claude is not configured (no Anthropic key, or not among the providers)")
    from .vision import factory  # the SDK client is built only when this ranker is chosen

    ranker = factory(settings, index, sessions)
    if ranker is None:
        raise Off("Claude is not configured (no Anthropic key, or not among the providers)")
    return ranker


# A factory returns its ranker, or raises Off when it can't run here.
Factory = Callable[[Settings, Store, CatalogIndex, sessionmaker], "ranking.Ranker"]
REGISTRY: dict[str, Factory] = {
    "embedding": _embedding,
    "features": _features,
    "vision": _vision,
}
# Only the image model has a stand-in: its extra may simply not be installed.
FALLBACK_FOR = "embedding"


def build_rankers(settings: Settings, store: Store, index: CatalogIndex, sessions: sessionmaker
                  ) -> tuple[list[ranking.Ranker], dict[str, str]]:
    """The rankers the settings choose that can run, in the configured order, and the
    reasons of those that can't."""
    for name in (*settings.visual_rankers, *filter(None, [settings.visual_fallback])):
        if name not in REGISTRY:
            raise SettingsError(f"unknown ranker {name!r} in {env_name('visual_rankers')} or "
                                f"{env_name('visual_fallback')} (known: "
                                f"{', '.join(sorted(REGISTRY))})")
    rankers, off = [], {}
    for name in settings.visual_rankers:
        try:
            rankers.append(REGISTRY[name](settings, store, index, sessions))
            continue
        except Off as exc:
            off[name] = str(exc)
            log.info("visual ranker %s is off: %s", name, exc)
        fallback = settings.visual_fallback
        if name == FALLBACK_FOR and fallback and fallback not in settings.visual_rankers:
            try:
                rankers.append(REGISTRY[fallback](settings, store, index, sessions))
            except Off as exc:
                off[fallback] = str(exc)
    return rankers, off
