"""The ranker seam: every way of ranking products for a picture, registered in one place.

A ranker's ``rank(query)`` returns (product id, score) pairs, best first, drawn only from
``query.eligible`` (the in-stock, published products passing the shopper's filters). The
``visual_rankers`` setting chooses which run, in order; a ranker whose factory returns None
(Claude without a key, say) is not available. Their lists are fused by reciprocal rank.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

import numpy as np

from ..settings import SettingsError
from . import features
from .loaders import local_loader
from .validate import Picture
from .vectors import FeatureIndex

if TYPE_CHECKING:
    from ..app import Bridge

log = logging.getLogger(__name__)

# How many products each ranker hands to the fusion: several screens of results.
CANDIDATES = 60
# Reciprocal rank fusion's constant (Cormack et al.): damps the weight of the very top.
RRF_K = 60


@dataclass
class Query:
    picture: Picture
    eligible: list[int]  # in stock and passing the filters, best sellers first
    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    channel: str = "api"
    notes: dict = field(default_factory=dict)  # what rankers report (usage, degraded...)


class Ranker(Protocol):
    name: str

    def rank(self, query: Query) -> list[tuple[int, float]]: ...


class FeatureRanker:
    """The built-in ranker: colour, texture and shape descriptors (features.py) compared
    with those stored for each product's main image. Needs no network and no model."""

    name = "features"

    def __init__(self, vectors: FeatureIndex, local_loader=None):
        self.vectors = vectors
        # The demo store draws its images in-process, so its features can be brought up to
        # date on demand; a remote store's are only computed by the sync (never per request).
        self.local_loader = local_loader

    def rank(self, query: Query) -> list[tuple[int, float]]:
        if self.local_loader is not None and self.vectors.pending():
            self.vectors.sync(self.local_loader)
        ids, matrix = self.vectors.matrix()
        if not len(ids):
            return []
        keep = np.isin(ids, np.asarray(query.eligible, dtype=np.int64))
        count = int(keep.sum())
        if not count:
            return []
        vector = query.notes.get("vector")
        if vector is None:
            vector = query.notes["vector"] = features.describe(query.picture.image)
        # Score every row and mask the rest: cheaper than copying the eligible rows out.
        scores = np.where(keep, matrix @ vector, -np.inf)
        top = min(CANDIDATES, count)
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best]


def _features(bridge: "Bridge") -> Ranker:
    vectors = FeatureIndex(bridge.index)
    # A local shop's images are drawn here and cheap: its descriptors are made on first use.
    local = local_loader(bridge.store.local) if bridge.store.local is not None else None
    return FeatureRanker(vectors, local)


def _vision(bridge: "Bridge") -> Ranker | None:
    from .vision import factory  # the SDK client is built only when this ranker is chosen

    return factory(bridge)


# name -> factory(bridge) returning the ranker, or None when it can't run here.
REGISTRY: dict[str, Callable[["Bridge"], Ranker | None]] = {
    "features": _features,
    "vision": _vision,
}


def build(bridge: "Bridge") -> list[Ranker]:
    """The rankers the settings choose that can run, in the configured order."""
    rankers = []
    for name in bridge.settings.visual_rankers:
        factory = REGISTRY.get(name)
        if factory is None:
            raise SettingsError(f"unknown ranker {name!r} in visual_rankers "
                                f"(known: {', '.join(sorted(REGISTRY))})")
        ranker = factory(bridge)
        if ranker is not None:
            rankers.append(ranker)
    return rankers


def fuse(rankings: list[list[tuple[int, float]]], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: each list gives 1 / (k + rank); ties keep the first list's
    order. One list is returned as it is."""
    if len(rankings) == 1:
        return [pid for pid, _ in rankings[0]]
    scores: dict[int, float] = {}
    first: dict[int, tuple[int, int]] = {}
    for n, ranking in enumerate(rankings):
        for rank, (pid, _) in enumerate(ranking, 1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
            first.setdefault(pid, (n, rank))
    return sorted(scores, key=lambda pid: (-scores[pid], first[pid]))
