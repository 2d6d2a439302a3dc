"""The pieces of visual search on their own: decoding, descriptors, fusion, Claude's answer."""
import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bridge.errors import BridgeError
from bridge.store.demo.images import ImageSpec, render_png
from bridge.visual import features
from bridge.visual.rankers import fuse
from bridge.visual.validate import MAX_BYTES, WORK_SIZE, decode, layout, read_capped, sniff
from bridge.visual.vision import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import visual_images as vi  # noqa: E402

HOODIE = render_png(ImageSpec("hoodie", (30, 60, 140), 1))
MUG = render_png(ImageSpec("mug", (200, 40, 40), 2))


def test_sniff_reads_magic_numbers_only():
    assert sniff(HOODIE) == "PNG"
    assert sniff(vi.recompressed(HOODIE)) == "JPEG"
    assert sniff(vi.encode(vi.pil(HOODIE), "GIF")) == "GIF"
    assert sniff(vi.encode(vi.pil(HOODIE), "WEBP")) == "WEBP"
    assert sniff(vi.bmp(HOODIE)) is None and sniff(b"") is None
    assert sniff(b"RIFF\x00\x00\x00\x00AVI ") is None


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_layout_finds_where_each_format_ends(fmt):
    data = vi.encode(vi.pil(HOODIE), fmt)
    end = layout(data, fmt).end
    assert end == len(data)
    end = layout(data + b"trailer", fmt).end
    assert end == len(data)


def test_layout_of_a_progressive_jpeg_with_exif_and_restart_markers():
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    data = vi.encode(vi.pil(HOODIE), "JPEG", progressive=True, exif=exif.tobytes(),
                     restart_marker_blocks=2)
    found = layout(data, "JPEG")
    assert found.end == len(data)
    assert any(b"Camera Maker" in data[a:b] for a, b in found.meta)
    assert found.scans == 10  # libjpeg's progressive script for a colour picture
    # Scans are counted in the image, not in an EXIF thumbnail's own JPEG.
    baseline = vi.encode(vi.pil(HOODIE), "JPEG", exif=exif.tobytes())
    thumbnail = vi.encode(vi.pil(HOODIE).resize((32, 32)), "JPEG")
    assert layout(baseline, "JPEG").scans == 1
    exif[0x0201] = 0  # a JPEG thumbnail inside the EXIF block
    inner = vi.encode(vi.pil(HOODIE), "JPEG", exif=exif.tobytes() + thumbnail)
    assert layout(inner, "JPEG").scans == 1


@pytest.mark.parametrize("make, size", [
    (lambda: vi.webp_lossless_flat(123, 45), (123, 45)),
    (lambda: vi.webp_animated_flat(300, 200, 3), (300, 200)),
    (lambda: vi.webp_lossy(77, 66), (77, 66)),
    (lambda: vi.webp_lossy(77, 66, alpha=True), (77, 66)),
], ids=["lossless", "animated", "lossy", "lossy-alpha"])
def test_layout_reads_a_webps_canvas_before_pillow_opens_it(make, size):
    data = make()
    assert layout(data, "WEBP").canvas == size == Image.open(io.BytesIO(data)).size


def test_read_capped_never_reads_past_the_limit():
    class Stream(io.BytesIO):
        asked = []

        def read(self, n=-1):
            self.asked.append(n)
            return super().read(n)

    stream = Stream(bytes(100))
    assert read_capped(stream, 100) == bytes(100)
    with pytest.raises(BridgeError) as caught:
        read_capped(Stream(bytes(101)), 100)
    assert caught.value.status == 413
    assert all(n == 101 for n in Stream.asked)
    assert MAX_BYTES == 5 * 1024 * 1024


def test_decode_gives_a_small_upright_rgb_picture():
    big = vi.resized(HOODIE, 8)  # 2048 px
    picture = decode(big)
    assert picture.image.mode == "RGB" and max(picture.image.size) == WORK_SIZE
    assert (picture.width, picture.height) == (2048, 2048) and picture.format == "PNG"
    upright = np.asarray(decode(vi.recompressed(HOODIE, 92)).image, dtype=float)
    rotated = np.asarray(decode(vi.exif_rotated(HOODIE)).image, dtype=float)
    sideways = np.asarray(vi.pil(vi.exif_rotated(HOODIE)), dtype=float)
    assert np.abs(rotated - upright).mean() < 4  # turned back
    assert np.abs(sideways - upright).mean() > 10  # which it needed


def test_transparent_pixels_become_white_not_black():
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (16, 16, 48, 48))
    picture = decode(vi.encode(image)).image
    assert picture.getpixel((2, 2)) == (255, 255, 255)
    assert picture.getpixel((32, 32)) == (200, 0, 0)


def test_descriptors_are_unit_vectors_close_for_copies_and_far_for_other_things():
    hoodie = features.describe(decode(HOODIE).image)
    assert hoodie.shape == (features.DIM,) and hoodie.dtype == np.float32
    assert np.linalg.norm(hoodie) == pytest.approx(1.0, abs=1e-5)
    copy = features.describe(decode(vi.recompressed(vi.cropped(vi.resized(HOODIE, 1.5)))).image)
    mug = features.describe(decode(MUG).image)
    assert float(hoodie @ copy) > 0.9
    assert float(hoodie @ mug) < float(hoodie @ copy) - 0.2


def test_a_photo_without_a_plain_background_is_taken_whole():
    rng = np.random.default_rng(1)
    noise = Image.fromarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    mask, box = features.object_box(np.asarray(noise, dtype=np.float32))
    assert box == (0, 120, 0, 160) and mask.all()
    assert np.isfinite(features.describe(noise)).all()


def test_a_blank_picture_has_a_finite_descriptor():
    blank = Image.new("RGB", (50, 50), (255, 255, 255))
    assert np.isfinite(features.describe(blank)).all()


def test_fuse_is_reciprocal_rank_fusion():
    assert fuse([[(1, 0.9), (2, 0.8)]]) == [1, 2]
    # 3 is second in both lists, 1 first in one only: 1/61 + 0 < 1/62 + 1/62.
    assert fuse([[(1, 0.9), (3, 0.5)], [(2, 0.9), (3, 0.1)]]) == [3, 1, 2]
    assert fuse([[(5, 1.0)], [(6, 1.0)]]) == [5, 6]  # a tie keeps the first list's order


def test_parse_keeps_only_short_words_from_the_expected_fields():
    text = 'Here you go: {"category": "Hoodies", "colour": "navy blue", "material": 7, ' \
           '"style": "casual; DROP TABLE", "keywords": ["zip", {"x": 1}, "' + "a" * 90 + '"]}'
    description = parse(text)
    assert description["category"] == "Hoodies" and description["colour"] == "navy blue"
    assert description["material"] == "" and description["style"] == "casual"
    assert description["keywords"] == ["zip", "a" * 40]
    assert parse("no json at all") == {"category": "", "colour": "", "material": "",
                                       "style": "", "keywords": []}
    assert parse('["a list"]')["keywords"] == []


def test_the_visual_settings_come_from_the_environment_and_are_checked():
    from bridge.settings import SettingsError, load_settings

    settings = load_settings({"FAHAD_VISUAL_RANKERS": "", "FAHAD_BRIDGE_SECRET": "s",
                              "FAHAD_VISUAL_MAX_PIXELS": "1000000"})
    assert settings.visual_rankers == () and settings.visual_max_pixels == 1_000_000
    defaults = load_settings({"FAHAD_BRIDGE_SECRET": "s"})
    assert defaults.visual_rankers == ("embedding", "vision")
    assert defaults.visual_fallback == "features"
    for bad in ({"FAHAD_VISUAL_MAX_PIXELS": "0"}, {"FAHAD_VISUAL_SYNC_BATCH": "0"},
                {"FAHAD_VISUAL_FETCH_TIMEOUT": "0"}, {"FAHAD_VISUAL_MAX_PIXELS": "many"}):
        with pytest.raises(SettingsError):
            load_settings({"FAHAD_BRIDGE_SECRET": "s", **bad})
