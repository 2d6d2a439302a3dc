"""The space the image model's vectors are searched in: centred on the shop's own mean and,
for a big catalogue, projected on its principal directions.

A network's features share one large common direction (every picture is "a photo"); taking
the catalogue's mean away leaves what tells its products apart. Past ``REDUCE_FROM`` vectors
the centred vectors are also projected on their first ``DIMS`` principal directions, fitted
on a seeded sample: a fifth of the numbers to keep in memory and to read per search (at
50,000 products, 51 MB instead of 256 MB). Both were measured on the real photos'
tuning half (bench/visual_photos.py). The basis is kept while the catalogue stays within a
quarter of the size it was fitted on; the mean is taken afresh at every reload.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

REDUCE_FROM = 2000
DIMS = 256
SAMPLE = 4096  # vectors the principal directions are fitted on
DRIFT = 1.25  # refit once the catalogue grew or shrank by more than this factor


@dataclass(frozen=True)
class Space:
    mean: np.ndarray  # (dim,)
    basis: np.ndarray | None  # (dim, DIMS), or None: centred only
    fitted_on: int  # how many vectors the basis was fitted on

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """Vectors (rows) moved into this space, unit length again."""
        moved = vectors - self.mean
        if self.basis is not None:
            moved = moved @ self.basis
        norms = np.linalg.norm(moved, axis=-1, keepdims=True)
        return (moved / np.maximum(norms, 1e-9)).astype(np.float32)


def fit(matrix: np.ndarray, previous: Space | None = None) -> Space:
    """The space of these vectors, keeping ``previous``'s basis while it still fits."""
    count, dim = matrix.shape
    mean = matrix.mean(axis=0) if count else np.zeros(dim, np.float32)
    if count < REDUCE_FROM:
        return Space(mean.astype(np.float32), None, count)
    if previous is not None and previous.basis is not None and \
            previous.fitted_on / DRIFT <= count <= previous.fitted_on * DRIFT:
        return Space(mean.astype(np.float32), previous.basis, previous.fitted_on)
    rng = np.random.default_rng(count)
    sample = matrix[np.sort(rng.choice(count, min(count, SAMPLE), replace=False))] - mean
    _, vectors = np.linalg.eigh(sample.T @ sample)  # ascending: the last are the largest
    basis = np.ascontiguousarray(vectors[:, ::-1][:, :DIMS], dtype=np.float32)
    return Space(mean.astype(np.float32), basis, count)
