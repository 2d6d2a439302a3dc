"""Reading an uploaded image safely: its format from its bytes, its size, pixel count and the
memory its decode needs before anything is decoded, then one decoded RGB picture, upright
and small.

Refusals are ``BridgeError``: empty or corrupt 400, too large 413 (bytes, pixels, decode
memory or JPEG scans), not JPEG, PNG, WebP or GIF 415. A file that is also something else
(an archive, a PDF, markup or a script hidden in its metadata or after the image's end) is
a polyglot and refused 415. The caller never keeps or serves the upload; only its pixels
are used.
"""
from __future__ import annotations

import io
import re
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from PIL import ExifTags, Image, UnidentifiedImageError

from ..errors import IMAGE_TOO_LARGE, INVALID_IMAGE, UNSUPPORTED_IMAGE, BridgeError
from .shrink import cost, jpeg_scale, small_rgb, webp_cost

MAX_BYTES = 5 * 1024 * 1024
# 40 MP covers a phone camera at full resolution. Larger images (and decompression bombs)
# are refused on their header, before anything is decoded.
MAX_PIXELS = 40_000_000
# The most memory one decode may hold (shrink.cost estimates it from the header): a 12 MP
# photo in every JPEG, PNG and GIF mode but progressive CMYK (10 MP), a 5K screenshot, a
# 5 MP WebP. Four decodes at once stay under 400 MiB (bench/visual_memory.py).
MAX_DECODE_MIB = 96
# Longest side of the decoded picture (enough for a vision model); JPEGs decode straight
# to about this size, which makes a 12 MP photo cheap.
WORK_SIZE = 768
# The picture is first reduced by a whole factor to at most this, then resized smoothly.
REDUCED = 2 * WORK_SIZE
# A progressive JPEG makes one pass over all its coefficients per scan. libjpeg's own
# progressive scripts use 10 scans (18 for CMYK) and tuned encoders stay under 30; a file
# with more was built to burn CPU (a scan of end-of-band runs costs a few bytes).
MAX_SCANS = 100

FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

# Signatures of formats read from somewhere other than their first byte (archives from the
# end, PDF from anywhere in the first KiB) and of markup or code a browser or server runs.
FOREIGN = re.compile(
    rb"PK\x03\x04|PK\x01\x02|PK\x05\x06|%PDF-|Rar!\x1a\x07|7z\xbc\xaf\x27\x1c|\x7fELF"
    rb"|<\s*(?:script|html|body|svg|iframe|object|embed|!doctype|\?php)"
    rb"|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class Picture:
    image: Image.Image  # RGB, at most WORK_SIZE on its longer side
    format: str  # "JPEG", "PNG", "WEBP" or "GIF"
    width: int  # of the upload, before scaling
    height: int


def _refuse(code: str, message: str, status: int) -> BridgeError:
    return BridgeError(code, message, status)


def read_capped(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of ``stream``; 413 if there are more (never reads them all)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _refuse(IMAGE_TOO_LARGE, f"The image is larger than {limit // (1024 * 1024)} MiB.",
                      413)
    return data


def sniff(data: bytes) -> str | None:
    """The format the bytes say they are, from their magic numbers (never the file name)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


class _Corrupt(ValueError):
    pass


class Layout(NamedTuple):
    end: int  # where the image ends (phones may append trailers after it)
    meta: list[tuple[int, int]]  # byte ranges of metadata: comments, text, EXIF...
    scans: int = 0  # a JPEG's scans (start-of-scan markers); 0 for the other formats
    canvas: tuple[int, int] | None = None  # a WebP's width and height


def layout(data: bytes, fmt: str) -> Layout:
    """Where the image ends, where its metadata is (the places a second format can hide)
    and how many scans a JPEG has. Raises ``_Corrupt`` for a broken structure."""
    try:
        return {"PNG": _png, "GIF": _gif, "WEBP": _webp, "JPEG": _jpeg}[fmt](data)
    except (IndexError, ValueError, struct.error):  # ValueError: bytes.index found no marker
        raise _Corrupt("structure runs past the end") from None


def _png(data: bytes):
    at, meta = 8, []
    while True:
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        end = at + 12 + length
        if end > len(data):
            raise _Corrupt("chunk past the end")
        if kind not in (b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"acTL", b"fcTL",
                        b"fdAT"):
            meta.append((at + 8, at + 8 + length))
        at = end
        if kind == b"IEND":
            return Layout(at, meta)


def _sub_blocks(data: bytes, at: int) -> int:
    while True:
        size = data[at]
        at += 1 + size
        if size == 0:
            return at


def _gif(data: bytes):
    flags = data[10]
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    meta = []
    while True:
        kind = data[at]
        if kind == 0x3B:
            return Layout(at + 1, meta)
        if kind == 0x21:  # extension: label, then sub-blocks
            end = _sub_blocks(data, at + 2)
            if data[at + 1] != 0xF9:  # all but graphic control: comments, application data
                meta.append((at, end))
            at = end
        elif kind == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            flags = data[at + 9]
            at += 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
            at = _sub_blocks(data, at + 1)
        else:
            raise _Corrupt("unknown GIF block")
        if at > len(data):
            raise _Corrupt("block past the end")


def _webp(data: bytes):
    end = 8 + struct.unpack("<I", data[4:8])[0]
    if end > len(data):
        raise _Corrupt("RIFF past the end")
    at, meta = 12, []
    while at + 8 <= end:
        kind, size = struct.unpack("<4sI", data[at:at + 8])
        if kind not in (b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"):
            meta.append((at + 8, at + 8 + size))
        at += 8 + size + (size & 1)
    return Layout(end, meta, canvas=_webp_canvas(data))


def _webp_canvas(data: bytes) -> tuple[int, int]:
    """Width and height from the first chunk: the extended header's canvas, else the one
    lossless or lossy bitstream's own header."""
    kind, body = data[12:16], data[20:30]
    if kind == b"VP8X":
        return (int.from_bytes(body[4:7], "little") + 1,
                int.from_bytes(body[7:10], "little") + 1)
    if kind == b"VP8L" and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        return (bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1
    if kind == b"VP8 " and body[3:6] == b"\x9d\x01\x2a":
        return (int.from_bytes(body[6:8], "little") & 0x3FFF,
                int.from_bytes(body[8:10], "little") & 0x3FFF)
    raise _Corrupt("no WebP header")


def _jpeg(data: bytes):
    at, meta, scans = 2, [], 0
    while True:
        if data[at] != 0xFF:
            raise _Corrupt("expected a JPEG marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9:
            return Layout(at + 2, meta, scans)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:  # APPn (EXIF, XMP...) and comments
            meta.append((at + 4, at + 2 + length))
        at += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            scans += 1
            while True:
                at = data.index(b"\xff", at)
                following = data[at + 1]
                if following == 0 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    at += 1 if following == 0xFF else 2
                    continue
                break


def _check_plain(data: bytes, fmt: str) -> Layout:
    try:
        found = layout(data, fmt)
    except _Corrupt:
        raise _refuse(INVALID_IMAGE, "The image is truncated or corrupt.", 400) from None
    # Phones append their own trailers (motion photos, maker data); those may stay. What may
    # not is another format or active content, in the metadata or after the image.
    for start, stop in [*found.meta, (found.end, len(data))]:
        if FOREIGN.search(data[start:stop]):
            raise _refuse(UNSUPPORTED_IMAGE, "The file is an image and something else as well; "
                          "please send a plain JPEG, PNG, WebP or GIF.", 415)
    return found


def decode(data: bytes, max_pixels: int = MAX_PIXELS,
           max_mib: int = MAX_DECODE_MIB) -> Picture:
    """Validate ``data`` and decode its first frame to a small, upright RGB picture, holding
    at most ``max_mib`` MiB while it does (413 for an image that would need more)."""
    with _reading():
        image, fmt, (width, height), _ = _opened(data, max_pixels, max_mib * 1024 * 1024)
        image.seek(0)  # an animation's first frame
        image.load()
        turn = _orientation(image)
        image = small_rgb(image, REDUCED)  # before any conversion: no full-size copy
        if turn is not None:
            image = image.transpose(turn)
        image.thumbnail((WORK_SIZE, WORK_SIZE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return Picture(image, fmt, width, height)


def memory_needed(data: bytes, max_pixels: int = MAX_PIXELS) -> int:
    """Bytes ``decode`` would hold for ``data``, from its header alone; the same refusals
    as ``decode`` for an image it does not accept, the memory budget aside."""
    with _reading():
        return _opened(data, max_pixels, None)[3]


def _opened(data: bytes, max_pixels: int, max_bytes: int | None
            ) -> tuple[Image.Image, str, tuple[int, int], int]:
    """The validated, opened (not yet decoded) image, its format, its size in the header
    (a JPEG's draft may already have made ``image.size`` smaller) and the bytes its decode
    will hold, at most ``max_bytes`` (None: not checked)."""
    if not data:
        raise _refuse(INVALID_IMAGE, "The image is empty.", 400)
    if len(data) > MAX_BYTES:
        raise _refuse(IMAGE_TOO_LARGE, "The image is larger than 5 MiB.", 413)
    fmt = sniff(data)
    if fmt is None:
        raise _refuse(UNSUPPORTED_IMAGE, "Only JPEG, PNG, WebP or GIF images can be searched.",
                      415)
    found = _check_plain(data, fmt)
    if found.scans > MAX_SCANS:
        raise _refuse(IMAGE_TOO_LARGE, f"The JPEG has {found.scans} scans; the most is "
                      f"{MAX_SCANS}.", 413)
    if found.canvas is not None:  # Pillow's WebP decoder takes its canvases as it opens
        _within(*found.canvas, "WebP", webp_cost(*found.canvas, REDUCED), max_pixels,
                max_bytes)
    image = Image.open(io.BytesIO(data), formats=[fmt])
    width, height = image.size
    if fmt == "JPEG" and width * height <= max_pixels:  # DCT scaling: a cheap decode
        scale = jpeg_scale(width, height, WORK_SIZE)
        image.draft("RGB", (max(1, width // scale), max(1, height // scale)))
    # The header is all that has been read: refuse before decoding anything.
    needed = cost(image, fmt, found.scans, (width, height), REDUCED)
    _within(width, height, image.mode, needed, max_pixels, max_bytes)
    return image, fmt, (width, height), needed


def _within(width: int, height: int, kind: str, needed: int, max_pixels: int,
            max_bytes: int | None) -> None:
    """413 unless the pixels and the memory the decode needs are inside their limits."""
    if width * height > max_pixels:
        raise _refuse(IMAGE_TOO_LARGE, "The image has too many pixels "
                      f"({width} x {height}); the most is {max_pixels:,}.", 413)
    if max_bytes is not None and needed > max_bytes:
        raise _refuse(IMAGE_TOO_LARGE, f"The image ({width} x {height}, {kind}) would take "
                      f"{-(-needed // 2**20)} MiB to read; the most is {max_bytes // 2**20} "
                      "MiB. Please send a smaller photo.", 413)


@contextmanager
def _reading():
    """Pillow's and the parsers' exceptions as the contract's refusals."""
    try:
        yield
    except BridgeError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, should ours be set higher
        raise _refuse(IMAGE_TOO_LARGE, "The image has too many pixels.", 413) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            struct.error, IndexError, TypeError, ZeroDivisionError):
        raise _refuse(INVALID_IMAGE, "The image is truncated or corrupt.", 400) from None


# EXIF orientation -> the turn that puts the picture upright (as ImageOps.exif_transpose).
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}


def _orientation(image: Image.Image) -> Image.Transpose | None:
    """The turn the EXIF orientation asks for; a broken EXIF block is ignored, not fatal."""
    try:
        return _TURNS.get(image.getexif().get(ExifTags.Base.Orientation))
    except (ValueError, OSError, SyntaxError, KeyError, TypeError, struct.error):
        return None
