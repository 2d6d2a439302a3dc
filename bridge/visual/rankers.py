"""The ranker seam: the query every ranker answers, the ranker over stored image vectors
(the built-in features, the image model's embedding), and the fusion of their lists by
reciprocal rank.

A ranker's ``rank(query)`` returns (product id, score) pairs, best first, drawn only from
``query.eligible`` (the in-stock, published products passing the shopper's filters). Which
run, in order, is the ``visual_rankers`` setting (service.REGISTRY).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .validate import Picture
from .vectors import VectorIndex

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


class VectorRanker:
    """A ranker over stored image vectors (vectors.py): the built-in ``features`` descriptor,
    or the image model's ``embedding``. Each product's score is its best cosine with any view
    of the photo (the whole picture, its centre, its parts), times that view's weight."""

    def __init__(self, vectors: VectorIndex, local_loader=None):
        self.vectors = vectors
        self.name = vectors.describer.name
        # The demo store draws its images in-process, so its vectors can be brought up to
        # date on demand; a remote store's are only computed by the sync (never per request).
        self.local_loader = local_loader

    def warm(self) -> None:
        """Make the first search as quick as the next: the model loaded, a local shop's
        vectors made."""
        self.vectors.describer.warm()
        if self.local_loader is not None and self.vectors.pending():
            self.vectors.sync(self.local_loader)
        self.vectors.searchable()  # read, and its space fitted

    def rank(self, query: Query) -> list[tuple[int, float]]:
        if self.local_loader is not None and self.vectors.pending():
            self.vectors.sync(self.local_loader)
        ids, matrix, space = self.vectors.searchable()
        if not len(ids):
            return []
        keep = np.isin(ids, np.asarray(query.eligible, dtype=np.int64))
        count = int(keep.sum())
        if not count:
            return []
        views = query.notes.get(self.name)
        if views is None:
            views = query.notes[self.name] = self.vectors.describer.query(query.picture.image)
        vectors, weights = views
        if space is not None:
            vectors = space.apply(vectors)
        scores = matrix @ vectors.T
        scores = (scores * weights).max(axis=1) if len(weights) > 1 else scores[:, 0]
        # Score every row and mask the rest: cheaper than copying the eligible rows out.
        scores = np.where(keep, scores, -np.inf)
        top = min(CANDIDATES, count)
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best]


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
