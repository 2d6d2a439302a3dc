"""Crafted files for the visual-search tests: distortions of a product's picture, and files
that must be refused (bombs, polyglots, lies about their format, truncation)."""
from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib

from PIL import Image

from bridge.errors import BridgeError
from bridge.visual.validate import MAX_PIXELS, memory_needed


def pil(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def resized(data: bytes, factor: float) -> bytes:
    image = pil(data)
    return encode(image.resize((round(image.width * factor), round(image.height * factor)),
                               Image.Resampling.LANCZOS))


def cropped(data: bytes, margin: float = 0.08) -> bytes:
    image = pil(data)
    w, h = image.size
    return encode(image.crop((round(w * margin), round(h * margin * 0.6),
                              round(w * (1 - margin * 0.5)), round(h * (1 - margin)))))


def recompressed(data: bytes, quality: int = 60) -> bytes:
    return encode(pil(data), "JPEG", quality=quality)


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_header_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG claiming ten billion pixels: refused on its header alone."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9)) + chunk(b"IEND", b""))


def png_real_bomb(side: int = 9000) -> bytes:
    """A genuine decompression bomb: 81 MP of one colour, a few KB compressed."""
    return encode(Image.new("1", (side, side), 0), "PNG", optimize=True)


def gif_header_bomb() -> bytes:
    """A GIF whose screen and frame claim 65535 x 65535."""
    return (b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0, 0, 0)
            + b"\x2c" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0)
            + b"\x02\x02\x44\x01\x00" + b"\x3b")


def with_zip(data: bytes) -> bytes:
    """The image with a ZIP archive appended (a JAR/ZIP reader opens it from the end)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.js", "alert(document.cookie)")
    return data + archive.getvalue()


def png_with_text(data: bytes, text: bytes) -> bytes:
    """The PNG with a tEXt chunk (metadata) carrying ``text`` just before IEND."""
    assert data.endswith(chunk(b"IEND", b""))
    return data[:-12] + chunk(b"tEXt", b"Comment\x00" + text) + chunk(b"IEND", b"")


def gif_with_comment(data: bytes, text: bytes) -> bytes:
    """The GIF with a comment extension right after its header and colour table."""
    image = Image.open(io.BytesIO(data))
    flags = data[10]
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    assert image.format == "GIF"
    blocks = b"".join(bytes([len(text[i:i + 255])]) + text[i:i + 255]
                      for i in range(0, len(text), 255))
    return data[:at] + b"\x21\xfe" + blocks + b"\x00" + data[at:]


def exif_rotated(data: bytes) -> bytes:
    """The picture stored turned a quarter (as a phone held sideways stores it), with the
    EXIF orientation (6: rotate 90 clockwise to view) that puts it upright again."""
    image = pil(data).transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(image, "JPEG", quality=92, exif=exif.tobytes())


def animated_gif(first: bytes, second: bytes) -> bytes:
    frames = [pil(first).convert("P", palette=Image.Palette.ADAPTIVE),
              pil(second).convert("P", palette=Image.Palette.ADAPTIVE)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200,
                  loop=0)


def bmp(data: bytes) -> bytes:
    return encode(pil(data), "BMP")


# -- worst cases for memory: tiny files that decode to the most pixels each format allows --
# Each is built byte by byte (no full-size picture is ever held to make it), flat in colour,
# so it costs a few KB on disk and its whole declared size in memory when decoded.

def png_flat(width: int, height: int, colour_type: int = 0, bit_depth: int = 8, *,
             interlace: bool = False, transparency: bool = False) -> bytes:
    """A PNG of zeros: grey (0), RGB (2), palette (3), grey+alpha (4) or RGBA (6)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, int(interlace))
    chunks = [chunk(b"IHDR", ihdr)]
    if colour_type == 3:
        chunks.append(chunk(b"PLTE", bytes([0, 0, 0, 255, 255, 255])))
    if transparency:
        chunks.append(chunk(b"tRNS", b"\x00" if colour_type == 3 else bytes(2 * channels)))
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    raw = 0
    for x0, y0, dx, dy in passes:
        pw, ph = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if pw > 0 and ph > 0:
            raw += ph * (1 + -(-pw * channels * bit_depth // 8))
    chunks.append(chunk(b"IDAT", _zeros_deflated(raw)))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + chunk(b"IEND", b"")


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2))


def _zeros_deflated(count: int) -> bytes:
    """A zlib stream of ``count`` zero bytes, made in microseconds: after a full flush the
    compressor starts afresh, so each MiB of zeros compresses to the same bytes."""
    block = 1 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = packer.compress(bytes(block)) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(bytes(count % block)) + packer.flush(zlib.Z_FINISH)
    adler = (count % 65521) << 16 | 1  # Adler-32 of zeros: a stays 1, b counts them
    return b"\x78\xda" + one * (count // block) + tail + struct.pack(">I", adler)


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


# One-symbol Huffman tables: every DC difference is category 0 and every AC run is end of
# block, each a one-bit code "0", so a block of a flat picture costs a bit or two.
_DHT = _segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00"
                + b"\x10" + bytes([1] + [0] * 15) + b"\x00")


def jpeg_flat(width: int, height: int, components: int = 3,
              sampling: tuple[tuple[int, int], ...] = ((2, 2), (1, 1), (1, 1)), *,
              progressive: bool = False, scans: int = 1) -> bytes:
    """A flat grey JPEG: grey (1 component), YCbCr (3) or CMYK (4), with the components'
    sampling factors. ``progressive`` gives a DC scan then ``scans - 1`` AC scans of the
    first component; a baseline JPEG with ``scans`` > 1 codes each component in its own scan
    (both need the whole picture's coefficients in memory)."""
    sampling = tuple(sampling[:components]) + ((1, 1),) * (components - len(sampling))
    frame = struct.pack(">BHHB", 8, height, width, components) + b"".join(
        bytes([i + 1, h << 4 | v, 0]) for i, (h, v) in enumerate(sampling))
    out = [b"\xff\xd8", _segment(0xDB, b"\x00" + bytes([1] * 64)),
           _segment(0xC2 if progressive else 0xC0, frame), _DHT]
    hmax, vmax = max(h for h, _ in sampling), max(v for _, v in sampling)
    mcus = -(-width // (8 * hmax)) * -(-height // (8 * vmax))

    def blocks(index):  # blocks of one component coded on its own (non-interleaved)
        h, v = sampling[index]
        return -(-(-(-width * h // hmax)) // 8) * -(-(-(-height * v // vmax)) // 8)

    def scan(ids, ss, se, bits):
        head = bytes([len(ids)]) + b"".join(bytes([i + 1, 0x00]) for i in ids)
        return _segment(0xDA, head + bytes([ss, se, 0])) + bytes(-(-bits // 8))

    per_mcu = sum(h * v for h, v in sampling)
    if progressive:
        out.append(scan(range(components), 0, 0, mcus * per_mcu))  # one bit per block
        out += [scan([0], 1, 63, blocks(0)) for _ in range(scans - 1)]
    elif scans > 1 and components > 1:
        out += [scan([i], 0, 63, 2 * blocks(i)) for i in range(components)]
    else:
        out.append(scan(range(components), 0, 63, 2 * mcus * per_mcu))
    return b"".join(out) + b"\xff\xd9"


class _Bits:
    """A little-endian bit writer (VP8L's order)."""

    def __init__(self):
        self.value, self.count = 0, 0

    def put(self, value: int, bits: int) -> "_Bits":
        self.value |= value << self.count
        self.count += bits
        return self

    def bytes(self) -> bytes:
        return self.value.to_bytes(-(-self.count // 8) or 1, "little")


def _vp8l(width: int, height: int, argb: tuple[int, int, int, int]) -> bytes:
    """A lossless WebP bitstream of one colour: five one-symbol prefix codes, so the pixels
    themselves take no bits at all."""
    alpha, red, green, blue = argb
    bits = _Bits().put(0x2F, 8).put(width - 1, 14).put(height - 1, 14).put(alpha < 255, 1)
    bits.put(0, 3).put(0, 1).put(0, 1).put(0, 1)  # version; no transform, cache, meta codes
    for symbol in (green, red, blue, alpha, 0):  # green, red, blue, alpha, distance
        bits.put(1, 1).put(0, 1).put(1, 1).put(symbol, 8)  # simple code, one 8-bit symbol
    return bits.bytes()


def _riff(*chunks: bytes) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)


def webp_lossless_flat(width: int, height: int, alpha: bool = False) -> bytes:
    return _riff(_webp_chunk(b"VP8L", _vp8l(width, height, (128 if alpha else 255, 0, 0, 0))))


def webp_animated_flat(width: int, height: int, frames: int = 2) -> bytes:
    """An animation on a ``width`` x ``height`` canvas: a first frame filling it, then
    ``frames - 1`` one-pixel frames."""
    def frame(w, h, colour):
        head = struct.pack("<I", 0)[:3] * 2 + struct.pack("<I", w - 1)[:3] \
            + struct.pack("<I", h - 1)[:3] + struct.pack("<I", 100)[:3] + b"\x00"
        return _webp_chunk(b"ANMF", head + _webp_chunk(b"VP8L", _vp8l(w, h, colour)))

    vp8x = bytes([0x12, 0, 0, 0]) + struct.pack("<I", width - 1)[:3] \
        + struct.pack("<I", height - 1)[:3]  # animation and alpha flags
    return _riff(_webp_chunk(b"VP8X", vp8x), _webp_chunk(b"ANIM", bytes(4) + b"\x00\x00"),
                 frame(width, height, (255, 10, 20, 30)),
                 *[frame(1, 1, (255, 200, 0, 0))] * (frames - 1))


def webp_lossy(width: int, height: int, alpha: bool = False) -> bytes:
    """A lossy WebP made by Pillow (VP8 can't be written by hand in a few lines)."""
    mode = "RGBA" if alpha else "RGB"
    return encode(Image.new(mode, (width, height), (90, 120, 200, 128)), "WEBP", quality=50,
                  method=0)


def gif_screen(width: int, height: int, frames: int = 1) -> bytes:
    """A GIF whose logical screen is ``width`` x ``height``, with ``frames`` one-pixel
    frames: the decoder fills the whole screen for the first one."""
    head = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + bytes(6)
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    one = (b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: 10 ms
           + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00")
    return head + loop + one * frames + b"\x3b"


def gif_full(width: int, height: int, colour: int = 1) -> bytes:
    """A GIF whose one frame fills a ``width`` x ``height`` screen with ``colour`` (0 or 1 of
    its black and white palette), LZW-coded
    as runs of growing length (each new code is the last run plus one pixel), so 40 MP take
    a few KB."""
    head = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + bytes(3) + b"\xff" * 3
    data = _lzw_run(width * height, colour)
    blocks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                      for i in range(0, len(data), 255))
    return (head + b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02"
            + blocks + b"\x00\x3b")


def _lzw_run(total: int, colour: int) -> bytes:
    clear, end, bits, width = 4, 5, _Bits(), 3  # minimum code size 2: codes 0-3 are colours
    left = total
    while left:
        bits.put(clear, width)
        width, free, run = 3, 6, 1
        bits.put(colour, width)  # one pixel; the first code after a clear adds no entry
        left -= 1
        while left and free < 4096:
            if run + 1 <= left:
                code, run = free, run + 1  # not yet defined: the last run plus its first pixel
                left -= run
            else:
                code = colour if left == 1 else left + 4  # the run of exactly what is left
                left = 0
            bits.put(code, width)
            free += 1  # the decoder adds an entry, and widens its codes when it must
            if free > (1 << width) - 1 and width < 12:
                width += 1
    bits.put(end, width)
    return bits.bytes()


# -- the worst case of each accepted format and mode, and the largest size it is taken at --

FOUR_FOUR_FOUR = ((1, 1),) * 3
CMYK = ((1, 1),) * 4

# name -> a flat square image of a given side, in that format and mode
WORST = {
    "jpeg baseline 4:2:0": lambda s: jpeg_flat(s, s),
    "jpeg baseline grey": lambda s: jpeg_flat(s, s, 1, ((1, 1),)),
    "jpeg baseline cmyk": lambda s: jpeg_flat(s, s, 4, CMYK),
    "jpeg multi-scan 4:2:0": lambda s: jpeg_flat(s, s, scans=3),
    "jpeg progressive 4:2:0": lambda s: jpeg_flat(s, s, progressive=True, scans=10),
    "jpeg progressive 4:4:4": lambda s: jpeg_flat(s, s, 3, FOUR_FOUR_FOUR, progressive=True),
    "jpeg progressive cmyk": lambda s: jpeg_flat(s, s, 4, CMYK, progressive=True),
    "png 1-bit grey": lambda s: png_flat(s, s, 0, 1),
    "png 8-bit grey": lambda s: png_flat(s, s, 0, 8),
    "png 16-bit grey": lambda s: png_flat(s, s, 0, 16),
    "png 16-bit grey+alpha": lambda s: png_flat(s, s, 4, 16),
    "png palette+transparency": lambda s: png_flat(s, s, 3, 8, transparency=True),
    "png palette interlaced": lambda s: png_flat(s, s, 3, 8, interlace=True),
    "png 16-bit rgb": lambda s: png_flat(s, s, 2, 16),
    "png rgba": lambda s: png_flat(s, s, 6, 8),
    "png 16-bit rgba interlaced": lambda s: png_flat(s, s, 6, 16, interlace=True),
    "webp lossless": lambda s: webp_lossless_flat(s, s),
    "webp lossless alpha": lambda s: webp_lossless_flat(s, s, alpha=True),
    "webp lossy": lambda s: webp_lossy(s, s),  # sized like the lossless one: largest()
    "webp lossy alpha": lambda s: webp_lossy(s, s, alpha=True),
    "webp animated": lambda s: webp_animated_flat(s, s, frames=500),
    "gif full screen": lambda s: gif_full(s, s),
    "gif many frames": lambda s: gif_screen(s, s, frames=100_000),
}


def largest(name: str, budget: int, max_pixels: int = MAX_PIXELS) -> int:
    """The side of the largest square ``WORST[name]`` is accepted at: the pixel limit, or
    the memory budget (bytes) if that comes first (found from the header alone)."""
    # Pillow's WebP encoder is slow at these sizes; a WebP's cost depends on its canvas
    # only, so the lossless file of the same size answers for the lossy one.
    make = WORST[name.replace("lossy", "lossless")] if "lossy" in name else WORST[name]
    low, high = 16, math.isqrt(max_pixels)
    while low < high:
        middle = (low + high + 1) // 2
        try:
            fits = memory_needed(make(middle), max_pixels) <= budget
        except BridgeError as refusal:  # too many pixels
            assert refusal.status == 413, refusal.message
            fits = False
        low, high = (middle, high) if fits else (low, middle - 1)
    return low
