"""Image descriptors from pixels alone: colour, texture and shape, in one unit vector.

The object is found first (what differs from the border's colour) and the descriptors are
taken from its bounding box, so the same product photographed smaller, cropped, shifted or
recompressed lands near its own catalogue image. Each part is L2-normalised and weighted,
and the whole vector has unit length, so a dot product is a weighted sum of cosines.

- colour: HSV histogram of the object's pixels (hue x saturation x value for coloured
  pixels, value alone for greys), square-rooted (Hellinger) so a dominant colour doesn't
  drown the details.
- texture: gradient-orientation histograms (HOG-like) over a 2 x 2 grid, plus a histogram
  of gradient strength (smooth versus busy surfaces).
- shape: the object's silhouette on a 12 x 12 grid (aspect kept), mean-centred, plus its
  aspect ratio and how much of its box it fills.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

VERSION = 1  # raise when the vector changes: stored vectors of another version are redone

SIDE = 256  # descriptors are taken from the picture scaled to at most this side
HUES, SATS, VALS, GREYS = 12, 3, 3, 5
ORIENTATIONS, CELLS = 9, 2
STRENGTHS = 6
GRID = 12

COLOUR_DIM = HUES * SATS * VALS + GREYS
TEXTURE_DIM = ORIENTATIONS * CELLS * CELLS + STRENGTHS
SHAPE_DIM = GRID * GRID + 2
DIM = COLOUR_DIM + TEXTURE_DIM + SHAPE_DIM

# Relative weights; the benchmark (bench/visual_search.py) measures the choice.
WEIGHTS = {"colour": 0.5, "texture": 1.0, "shape": 1.0}
PARTS = {"colour": slice(0, COLOUR_DIM),
         "texture": slice(COLOUR_DIM, COLOUR_DIM + TEXTURE_DIM),
         "shape": slice(COLOUR_DIM + TEXTURE_DIM, DIM)}

_BORDER = 0.04  # the outer ring taken as background
_DIFFERENT = 40.0  # colour distance from the background that counts as object


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-9 else vector


def object_box(rgb: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The object's mask and bounding box (top, bottom, left, right), found against the
    border's colour; a photo with no plain background is all object."""
    h, w, _ = rgb.shape
    ring = max(1, int(min(h, w) * _BORDER))
    border = np.concatenate([rgb[:ring].reshape(-1, 3), rgb[-ring:].reshape(-1, 3),
                             rgb[:, :ring].reshape(-1, 3), rgb[:, -ring:].reshape(-1, 3)])
    background = np.median(border, axis=0)
    spread = np.abs(border - background).max(axis=1)
    mask = np.abs(rgb - background).max(axis=2) > _DIFFERENT
    if np.mean(spread > _DIFFERENT) > 0.3 or not 0.01 < mask.mean() < 0.97:
        return np.ones((h, w), bool), (0, h, 0, w)  # busy border or nothing found
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask, (rows[0], rows[-1] + 1, cols[0], cols[-1] + 1)


def colour_part(image: Image.Image, mask: np.ndarray) -> np.ndarray:
    hsv = np.asarray(image.convert("HSV"), dtype=np.float32)[mask] / 255.0
    h, s, v = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    chromatic = (s > 0.18) & (v > 0.15)
    hist = np.zeros(COLOUR_DIM, np.float32)
    hb = np.minimum((h[chromatic] * HUES).astype(int), HUES - 1)
    sb = np.minimum(((s[chromatic] - 0.18) / 0.82 * SATS).astype(int), SATS - 1)
    vb = np.minimum(((v[chromatic] - 0.15) / 0.85 * VALS).astype(int), VALS - 1)
    np.add.at(hist, (hb * SATS + sb) * VALS + vb, 1)
    gb = np.minimum((v[~chromatic] * GREYS).astype(int), GREYS - 1)
    np.add.at(hist, HUES * SATS * VALS + gb, 1)
    return _unit(np.sqrt(hist / max(1, len(h))))


def texture_part(grey: np.ndarray) -> np.ndarray:
    gy, gx = np.gradient(grey)
    strength = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), np.pi)
    bins = np.minimum((angle / np.pi * ORIENTATIONS).astype(int), ORIENTATIONS - 1)
    h, w = grey.shape
    parts = []
    for i in range(CELLS):
        for j in range(CELLS):
            cell = (slice(i * h // CELLS, (i + 1) * h // CELLS),
                    slice(j * w // CELLS, (j + 1) * w // CELLS))
            parts.append(np.bincount(bins[cell].ravel(), weights=strength[cell].ravel(),
                                     minlength=ORIENTATIONS))
    orientations = _unit(np.sqrt(np.concatenate(parts)))
    levels = np.histogram(np.log1p(strength), bins=STRENGTHS, range=(0.0, 5.5))[0]
    strengths = _unit(np.sqrt(levels / max(1, strength.size)))
    return _unit(np.concatenate([orientations, 0.5 * strengths]))


def shape_part(mask: np.ndarray) -> np.ndarray:
    h, w = mask.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    square[top:top + h, left:left + w] = mask
    grid = np.asarray(Image.fromarray((square * 255).astype(np.uint8)).resize(
        (GRID, GRID), Image.Resampling.BOX), dtype=np.float32) / 255.0
    centred = grid.ravel() - grid.mean()
    extra = np.array([np.log(w / h) / 2, mask.mean() - 0.5], np.float32)
    return _unit(np.concatenate([_unit(centred), 0.5 * extra]))


def describe(image: Image.Image) -> np.ndarray:
    """The descriptor of an RGB picture (``validate.decode`` gives one): float32, unit length."""
    if max(image.size) > SIDE:
        image = image.copy()
        image.thumbnail((SIDE, SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    rgb = np.asarray(image, dtype=np.float32)
    mask, (top, bottom, left, right) = object_box(rgb)
    box = (left, top, right, bottom)
    crop = image.crop(box)
    crop_mask = mask[top:bottom, left:right]
    grey = np.asarray(crop.convert("L").resize((64, 64), Image.Resampling.BILINEAR),
                      dtype=np.float32)
    parts = {"colour": colour_part(crop, crop_mask),
             "texture": texture_part(grey),
             "shape": shape_part(crop_mask)}
    vector = np.concatenate([WEIGHTS[name] * parts[name] for name in PARTS])
    return _unit(vector).astype(np.float32)


def part(vectors: np.ndarray, name: str) -> np.ndarray:
    """One part (colour, texture or shape) of stored vectors, renormalised: for baselines."""
    piece = vectors[..., PARTS[name]]
    norms = np.linalg.norm(piece, axis=-1, keepdims=True)
    return piece / np.maximum(norms, 1e-9)


class FeatureDescriber:
    """The descriptor as a describer of vectors.py: one vector per image, the photo as is."""

    name = "features"
    version = VERSION
    dim = DIM
    centred = False  # its parts are histograms: their cosines are meant as they are

    def describe(self, images: list[Image.Image]) -> np.ndarray:
        return np.stack([describe(image) for image in images]) if images else \
            np.zeros((0, DIM), np.float32)

    def query(self, image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
        return describe(image)[None], np.ones(1, np.float32)

    def warm(self) -> None:
        pass  # nothing to load
