"""Crafted files for the visual-search tests: distortions of a product's picture, and files
that must be refused (bombs, polyglots, lies about their format, truncation)."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


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
