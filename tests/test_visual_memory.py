"""Decoding an upload holds bounded memory: the worst case of every accepted format and mode
(flat files of a few KB that decode to the most pixels allowed) is measured in a forked
child, and is either decoded inside the budget or refused 413 before it is decoded."""
import math

import pytest
from PIL import Image

import visual_images as vi
from bridge.errors import BridgeError
from bridge.settings import Settings
from bridge.visual.validate import (MAX_DECODE_MIB, MAX_PIXELS, MAX_SCANS, WORK_SIZE, decode,
                                    memory_needed)
from conftest import make_app
from memory import Failure, peak
from test_visual_search import refused, search
from visual_images import FOUR_FOUR_FOUR, WORST, largest

BUDGET = MAX_DECODE_MIB * 1024 * 1024
CAP_SIDE = math.isqrt(MAX_PIXELS)  # the largest square the pixel limit lets in


@pytest.mark.parametrize("name", WORST)
def test_the_worst_image_of_each_format_and_mode_decodes_inside_the_memory_budget(name):
    side = largest(name, BUDGET)
    data = WORST[name](side)
    assert len(data) < 5 * 1024 * 1024
    measured = peak(lambda: decode(data).image.size)
    assert not isinstance(measured.outcome, Failure), measured.outcome
    assert max(measured.outcome) == WORK_SIZE
    print(f"{name}: {side} x {side}, {len(data)} B, {measured.rss / 2**20:.1f} MiB")
    assert measured.rss <= BUDGET, f"{measured.rss / 2**20:.1f} MiB at {side} x {side}"
    assert memory_needed(data) <= BUDGET


@pytest.mark.parametrize("name", WORST)
def test_one_step_past_the_worst_is_refused_413_before_it_is_decoded(name):
    side = largest(name, BUDGET)
    beyond = WORST[name.replace("lossy", "lossless")](side + 1)
    measured = peak(lambda: decode(beyond))
    assert isinstance(measured.outcome, Failure), name
    assert (measured.outcome.status, measured.outcome.code) == (413,
                                                                "fahad_ai_image_too_large")
    assert measured.rss < 8 * 1024 * 1024  # nothing was decoded
    if side < CAP_SIDE:
        assert "MiB" in measured.outcome.message  # the budget refused it, not the pixels


def test_the_probes_16_bit_grey_png_now_decodes_inside_the_budget():
    """The file that cost 1 GB: 78 KB, 6324 x 6324 16-bit grey, under the pixel limit."""
    data = vi.png_flat(6324, 6324, 0, 16)
    assert len(data) < 80_000 and 6324 * 6324 <= MAX_PIXELS
    measured = peak(lambda: decode(data).image.size)
    assert measured.outcome == (WORK_SIZE, WORK_SIZE)
    assert measured.rss <= BUDGET, f"{measured.rss / 2**20:.1f} MiB"
    four = peak(lambda: decode(data).image.size, copies=4)  # 4.5 GB before
    assert four.rss <= 4 * BUDGET, f"{four.rss / 2**20:.1f} MiB"


def test_the_budgets_default_is_the_settings_default():
    assert Settings().visual_max_decode_mib == MAX_DECODE_MIB


def test_a_phone_photo_and_a_5k_screenshot_fit_the_budget():
    assert memory_needed(vi.jpeg_flat(4032, 3024, progressive=True, scans=10)) <= BUDGET
    assert memory_needed(vi.jpeg_flat(4032, 3024, 3, FOUR_FOUR_FOUR, progressive=True)) \
        <= BUDGET
    assert memory_needed(vi.png_flat(5120, 2880, 6, 8)) <= BUDGET
    assert memory_needed(vi.webp_lossless_flat(2000, 2000, alpha=True)) <= BUDGET


def test_a_jpeg_with_more_scans_than_the_limit_is_413():
    assert decode(vi.jpeg_flat(800, 600, progressive=True, scans=MAX_SCANS)).image
    with pytest.raises(BridgeError) as caught:
        decode(vi.jpeg_flat(800, 600, progressive=True, scans=MAX_SCANS + 1))
    assert caught.value.status == 413 and "scans" in caught.value.message


def test_sixteen_bit_samples_are_scaled_alike_in_every_tile():
    """A tile holding only small values must not be read as 8-bit while the rest is 16."""
    image = Image.new("I;16", (2400, 2400), 65535)
    image.paste(Image.new("I;16", (2400, 1200), 200), (0, 0))  # dark: 200 / 65535
    picture = decode(vi.encode(image)).image
    top, bottom = picture.getpixel((10, 10)), picture.getpixel((10, picture.height - 10))
    assert top == (0, 0, 0) and bottom == (255, 255, 255)


def test_a_big_transparent_palette_png_lands_on_white_and_is_reduced():
    image = Image.new("P", (4000, 3000), 0)
    image.putpalette([255, 0, 0, 0, 0, 255])
    image.paste(1, (2000, 0, 4000, 3000))
    picture = decode(vi.encode(image, transparency=0)).image
    assert picture.size == (WORK_SIZE, WORK_SIZE * 3 // 4)
    assert picture.getpixel((10, 10)) == (255, 255, 255)  # transparent: white
    assert picture.getpixel((WORK_SIZE - 10, 10)) == (0, 0, 255)


def test_a_big_jpeg_turned_by_exif_is_reduced_and_turned():
    image = Image.new("RGB", (3000, 1000), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 1500, 1000))  # blue on the left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 clockwise to view: the left comes to the top
    picture = decode(vi.encode(image, "JPEG", quality=90, exif=exif.tobytes())).image
    assert picture.size == (256, WORK_SIZE)
    top, bottom = picture.getpixel((128, 10)), picture.getpixel((128, WORK_SIZE - 10))
    assert top[2] > 150 > top[0] and bottom[0] > 150 > bottom[2]


def test_the_decode_budget_is_a_setting(settings):
    photo = vi.png_flat(3000, 3000, 6, 8)  # 36 MB decoded
    client = make_app(settings.replace(visual_max_decode_mib=40)).test_client()
    body = refused(search(client, photo), 413, "fahad_ai_image_too_large")
    assert "40 MiB" in body["message"]
    roomy = make_app(settings.replace(visual_max_decode_mib=96)).test_client()
    assert search(roomy, photo).status_code == 200
