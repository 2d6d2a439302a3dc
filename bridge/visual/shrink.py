"""Decoding inside a memory budget: what a decode will hold at its peak, read from the header
before anything is decoded, and the decoded picture brought down to working size tile by
tile, so that no full-size copy (a mode conversion, a float array) is ever made.

``cost(image, fmt, scans)`` is the estimate that ``validate.decode`` holds to the budget;
``small_rgb(image, longest)`` the reduction. bench/visual_memory.py measures both.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

# Bytes per pixel of a decoded Pillow image by mode: 1, L and P take one byte, the 16-bit
# greys two, every other mode four (Pillow stores RGB, LA and CMYK in 32-bit pixels).
ONE_BYTE = ("1", "L", "P")
TWO_BYTES = ("I;16", "I;16L", "I;16B", "I;16N")
# Pillow reads every WebP through libwebp's animation decoder, which keeps two RGBA
# canvases beside the frame it hands over and Pillow's own copy: 14 to 16 bytes a pixel,
# lossy or lossless, still or animated (measured with bench/visual_memory.py).
WEBP_BYTES = 16
# Pixels converted at once: a tile in RGBA plus its composite on white stays near 4 MB.
TILE_PIXELS = 1 << 18
# What the decode holds besides the decoded and the reduced picture: the tiles being
# converted (five copies at most) and libjpeg's, zlib's and libwebp's working buffers.
OVERHEAD = 10 * 1024 * 1024


def held(mode: str, width: int, height: int) -> int:
    """Bytes of a decoded ``mode`` picture of ``width`` x ``height``."""
    per_pixel = 1 if mode in ONE_BYTE else 2 if mode in TWO_BYTES else 4
    return per_pixel * width * height


def cost(image: Image.Image, fmt: str, scans: int, full: tuple[int, int],
         longest: int) -> int:
    """Bytes a decode of the opened ``image`` will hold at its peak, reduced by
    ``small_rgb(image, longest)``. ``full`` is its size in the header; a JPEG's
    ``image.size`` may already be smaller (its draft size)."""
    width, height = image.size
    if fmt == "WEBP":
        return webp_cost(width, height, longest)
    total = _reduced(width, height, longest) + held(image.mode, width, height)
    if fmt == "JPEG" and (scans > 1 or image.info.get("progressive")):
        total += _coefficients(getattr(image, "layer", ()), *full)
    return total


def webp_cost(width: int, height: int, longest: int) -> int:
    """``cost`` of a WebP, known from its header before Pillow opens it."""
    return _reduced(width, height, longest) + WEBP_BYTES * width * height


def _reduced(width: int, height: int, longest: int) -> int:
    """The reduced RGB copy and the overhead, which every decode holds."""
    factor = reduction(width, height, longest)
    return 4 * -(-width // factor) * -(-height // factor) + OVERHEAD


def reduction(width: int, height: int, longest: int) -> int:
    """The whole factor that brings ``width`` x ``height`` to at most ``longest`` a side."""
    return max(1, math.ceil(max(width, height) / longest))


def _coefficients(layers, width: int, height: int) -> int:
    """A progressive or multi-scan JPEG keeps every DCT coefficient of the whole picture
    (two bytes each, 64 per 8 x 8 block, whatever size it is decoded at)."""
    sampling = [(h, v) for _, h, v, _ in layers] or [(1, 1)] * 4
    hmax, vmax = max(h for h, _ in sampling), max(v for _, v in sampling)
    blocks = 0
    for h, v in sampling:
        across = math.ceil(math.ceil(width * h / hmax) / 8)
        down = math.ceil(math.ceil(height * v / vmax) / 8)
        blocks += -(-across // h) * h * (-(-down // v) * v)  # padded to whole MCUs
    return blocks * 128


def jpeg_scale(width: int, height: int, longest: int) -> int:
    """The DCT scale (1, 2, 4 or 8) that decodes a JPEG to at least ``longest`` pixels on
    its longer side, or as near as a scale of 8 allows."""
    for scale in (8, 4, 2):
        if max(width, height) // scale >= longest:
            return scale
    return 1


def small_rgb(image: Image.Image, longest: int) -> Image.Image:
    """``image`` (any mode, decoded) as RGB on white, reduced by a whole factor to at most
    ``longest`` pixels a side; converted one tile at a time."""
    width, height = image.size
    factor = reduction(width, height, longest)
    if image.mode in ("RGB", "L"):  # reducing commutes with their conversion: no tiles
        image = image.reduce(factor) if factor > 1 else image
        return image if image.mode == "RGB" else image.convert("RGB")
    rows = max(factor, TILE_PIXELS // max(width, 1) // factor * factor)
    cols = max(factor, TILE_PIXELS // rows // factor * factor)
    scale = _sixteen_bit_scale(image)
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    for top in range(0, height, rows):
        for left in range(0, width, cols):
            tile = image.crop((left, top, min(left + cols, width), min(top + rows, height)))
            tile = _rgb(tile, scale)
            if factor > 1:
                tile = tile.reduce(factor)
            out.paste(tile, (left // factor, top // factor))
    return out


def _sixteen_bit_scale(image: Image.Image) -> float:
    """1/257 for samples that use 16 bits, else 1 (8-bit values kept in a wider mode); read
    from the whole picture, so every tile is scaled alike."""
    if image.mode not in (*TWO_BYTES, "I", "F"):
        return 1.0
    return 1 / 257 if image.getextrema()[1] > 255 else 1.0


def _rgb(image: Image.Image, scale: float) -> Image.Image:
    """RGB on white: palettes, transparency, CMYK, greys and 16-bit images all end here."""
    if image.mode in (*TWO_BYTES, "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        image = Image.fromarray(np.clip(values * scale, 0, 255).astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB") if image.mode != "RGB" else image
