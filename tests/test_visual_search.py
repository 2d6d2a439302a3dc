"""POST /visual-search on the demo store: validation from the bytes, the built-in features
ranker, filters, stock, the gate, the degraded shape, and the function other channels call.
The image model on real-photo behaviour is test_visual_embedding.py."""
import base64
import io
import json
import time
from collections import Counter

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import visual_images as vi
from bridge.errors import BridgeError
from bridge.models import AnalyticsEvent
from bridge.routes import NAMESPACE
from bridge.security import issue_nonce, sign_context
from bridge.store.demo.images import render_png, spec_for
from bridge.visual.validate import MAX_BYTES
from conftest import SECRET, Shopper, make_app
from fakes.anthropic_api import ApiError, Message, Text

URL = NAMESPACE + "/visual-search"


def search(client, data: bytes | None, *, nonce: str | None = None, filename="photo.jpg",
           query: str = "", **fields):
    form = {k: str(v) for k, v in fields.items()}
    if data is not None:
        form["image"] = (io.BytesIO(data), filename)
    headers = {} if nonce is False else {"X-WP-Nonce": nonce or issue_nonce(SECRET)}
    return client.post(URL + query, data=form, headers=headers,
                       content_type="multipart/form-data",
                       environ_base={"REMOTE_ADDR": "198.51.100.9"})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [card["id"] for card in response.get_json()["products"]]


def refused(response, status: int, code: str | None = None) -> dict:
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "data"} and body["data"]["status"] == status
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def settings(settings):
    # The features descriptor, which these tests measure on the demo's drawings.
    return settings.replace(visual_rankers=("features", "vision"))


@pytest.fixture
def products(store):
    return store.products(per_page=100).items


@pytest.fixture
def in_stock(products):
    return [p for p in products if p.in_stock]


def look(product):
    """What the demo store draws for a product: its kind and colour (the rest is jitter)."""
    spec = spec_for(product)
    return spec.kind, spec.colour


def sample(products, n=12):
    """Products spread over the catalogue whose drawing no other product shares (the demo
    store draws, say, two black jackets alike, bar a few pixels of jitter)."""
    looks = Counter(look(p) for p in products)
    unique = [p for p in products if looks[look(p)] == 1]
    step = max(1, len(unique) // n)
    return unique[::step][:n]


# -- the answer ------------------------------------------------------------------------

def test_a_products_own_picture_finds_it_first_as_a_storefront_card(client, store, in_stock):
    product = in_stock[3]
    response = search(client, store.image_png(product.id), filename="x.png")
    body = response.get_json()
    assert response.status_code == 200
    assert body["available"] is True
    assert body["found"] == len(body["products"]) == 6  # the default limit
    first = body["products"][0]
    assert first["id"] == product.id
    for key in ("id", "name", "price", "currency", "in_stock", "url", "image"):
        assert key in first
    assert first == store_card(client, product.id)


def store_card(client, product_id):
    index = client.application.extensions["fahad"].index
    return index.cards([product_id])[0]


@pytest.mark.parametrize("distort", [
    lambda d: d,
    lambda d: vi.resized(d, 2.5),
    lambda d: vi.resized(d, 0.6),
    vi.cropped,
    vi.recompressed,
    lambda d: vi.recompressed(vi.cropped(vi.resized(d, 1.7)), 70),
], ids=["own", "bigger", "smaller", "cropped", "recompressed", "all-three"])
def test_the_same_product_comes_first_for_its_picture_resized_cropped_or_recompressed(
        client, store, in_stock, distort):
    for product in sample(in_stock):
        found = ids(search(client, distort(store.image_png(product.id)), limit=3))
        assert found[0] == product.id, (product.name, found)


def test_products_drawn_alike_find_their_twin_or_themselves_first(client, store, in_stock):
    looks = Counter(look(p) for p in in_stock)
    twins = [p for p in in_stock if looks[look(p)] > 1]
    assert len(twins) >= 4
    by_id = {p.id: p for p in in_stock}
    for product in twins:
        found = ids(search(client, vi.recompressed(store.image_png(product.id)), limit=3))
        assert look(by_id[found[0]]) == look(product)


def test_limit_is_clamped_to_1_to_24_and_must_be_a_number(client, store, in_stock):
    picture = store.image_png(in_stock[0].id)
    assert len(ids(search(client, picture, limit=0))) == 1
    assert len(ids(search(client, picture, limit=500))) == 24
    assert len(ids(search(client, picture, limit=10))) == 10
    refused(search(client, picture, limit="ten"), 400, "rest_invalid_param")
    refused(search(client, picture, min_price="cheap"), 400, "rest_invalid_param")
    refused(search(client, picture, max_price="nan"), 400, "rest_invalid_param")
    refused(search(client, picture, category="x" * 201), 400, "rest_invalid_param")


def test_filters_category_and_price_are_respected(client, store, in_stock):
    hoodie = next(p for p in in_stock if p.categories[0].slug == "hoodies-sweatshirts")
    picture = store.image_png(hoodie.id)
    socks = search(client, picture, category="socks", limit=24).get_json()["products"]
    assert socks and all("Socks" in card["categories"] for card in socks)
    by_name = search(client, picture, category="Socks", limit=24).get_json()["products"]
    assert [c["id"] for c in by_name] == [c["id"] for c in socks]
    cheap = search(client, picture, max_price=20, limit=24).get_json()["products"]
    assert cheap and all(float(c["price"]) <= 20 for c in cheap)
    assert hoodie.id not in [c["id"] for c in cheap]
    dear = search(client, picture, min_price=60, max_price=80, limit=24).get_json()["products"]
    assert dear and all(float(c.get("price_max") or c["price"]) >= 60
                        and float(c["price"]) <= 80 for c in dear)
    # Filters may come in the query string too.
    assert ids(search(client, picture, query="?category=socks&limit=24")) == \
        [c["id"] for c in socks]
    assert search(client, picture, category="no-such-category").get_json() == \
        {"available": True, "found": 0, "products": []}


def test_out_of_stock_products_are_never_returned_even_for_their_own_picture(
        client, store, products):
    gone = [p for p in products if not p.in_stock]
    assert gone
    for product in gone:
        found = ids(search(client, store.image_png(product.id), limit=24))
        assert product.id not in found
        assert found  # look-alikes that are in stock


def test_unpublished_products_are_never_returned(client, store):
    hidden = [p for p in store.data.products if not p.published]
    assert hidden
    for product in hidden:
        found = ids(search(client, render_png(product), limit=24))
        assert product.id not in found


def test_a_product_that_sells_out_drops_out_of_the_results(app, client, store, in_stock):
    product = [p for p in sample(in_stock) if not p.variations][0]
    picture = store.image_png(product.id)
    assert ids(search(client, picture))[0] == product.id
    index = app.extensions["fahad"].index
    sold_out = type(product)(**{**product.__dict__, "stock_status": "outofstock",
                                "stock_quantity": 0})
    index.upsert([sold_out], store.currency)
    assert product.id not in ids(search(client, picture, limit=24))


# -- image formats and their odd corners --------------------------------------------------

def test_palette_png_cmyk_jpeg_webp_and_greyscale_are_read(client, store, in_stock):
    product = in_stock[7]
    base = vi.pil(store.image_png(product.id))
    variants = {
        "palette": vi.encode(base.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)),
        "palette+transparency": vi.encode(base.convert("P", palette=Image.Palette.ADAPTIVE),
                                          transparency=0),
        "cmyk": vi.encode(base.convert("CMYK"), "JPEG", quality=90),
        "webp": vi.encode(base, "WEBP", quality=80),
        "rgba": vi.encode(base.convert("RGBA")),
        "16-bit grey": vi.encode(base.convert("I;16")),
    }
    assert Image.open(io.BytesIO(variants["cmyk"])).mode == "CMYK"
    for name, data in variants.items():
        response = search(client, data, limit=24)
        assert response.status_code == 200, (name, response.get_json())
        if name not in ("16-bit grey",):
            assert ids(response)[0] == product.id, name


def test_an_animated_gif_is_searched_by_its_first_frame(client, store, in_stock):
    first, second = in_stock[2], in_stock[60]
    gif = vi.animated_gif(store.image_png(first.id), store.image_png(second.id))
    assert Image.open(io.BytesIO(gif)).n_frames == 2
    assert ids(search(client, gif, limit=3))[0] == first.id
    reverse = vi.animated_gif(store.image_png(second.id), store.image_png(first.id))
    assert ids(search(client, reverse, limit=3))[0] == second.id


def test_the_exif_orientation_is_applied(client, store, in_stock):
    product = in_stock[1]
    rotated = vi.exif_rotated(store.image_png(product.id))
    assert Image.open(io.BytesIO(rotated)).getexif()[0x0112] == 6
    assert ids(search(client, rotated, limit=3))[0] == product.id


# -- refusals ------------------------------------------------------------------------

def test_missing_or_empty_image_is_400(client):
    refused(search(client, None), 400, "rest_missing_callback_param")
    refused(search(client, b""), 400, "fahad_ai_invalid_image")
    # Not multipart at all.
    response = client.post(URL, json={"image": "aGVsbG8="},
                           headers={"X-WP-Nonce": issue_nonce(SECRET)})
    refused(response, 400, "rest_missing_callback_param")


@pytest.mark.parametrize("content_type, body", [
    ("multipart/form-data", b"no boundary"),
    ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data; "
     b"name=\"image\"; filename=\"a\"\r\n\r\nno closing boundary"),
    ("multipart/form-data; boundary=xx", b"--xx--"),
    ("multipart/form-data; boundary=xx", b"--xx\r\nContent-Disposition: form-data; "
     b"name=\"image\"\r\n\r\nnot a file\r\n--xx--\r\n"),
], ids=["no-boundary", "unterminated", "no-parts", "image-as-text-field"])
def test_a_malformed_multipart_body_is_400(client, content_type, body):
    response = client.post(URL, data=body, content_type=content_type,
                           headers={"X-WP-Nonce": issue_nonce(SECRET)})
    refused(response, 400, "rest_missing_callback_param")


def test_not_an_image_by_its_bytes_is_415_whatever_its_name_says(client, store, in_stock):
    picture = store.image_png(in_stock[0].id)
    for data, name in [(vi.bmp(picture), "photo.jpg"), (b"<svg xmlns='x'></svg>", "a.png"),
                       (b"%PDF-1.7\n...", "scan.jpeg"), (b"hello world", "notes.gif"),
                       (b"RIFF\x10\x00\x00\x00WAVEfmt ", "sound.webp"),
                       (vi.encode(vi.pil(picture), "TIFF"), "photo.png")]:
        refused(search(client, data, filename=name), 415, "fahad_ai_unsupported_image")


def test_a_png_named_jpg_is_judged_by_its_bytes_and_accepted(client, store, in_stock):
    product = in_stock[0]
    assert ids(search(client, store.image_png(product.id), filename="photo.jpg"))[0] == \
        product.id


@pytest.mark.parametrize("make", [
    lambda png: vi.with_zip(png),
    lambda png: vi.with_zip(vi.recompressed(png)),
    lambda png: png + b"<html><script>alert(1)</script></html>",
    lambda png: vi.png_with_text(png, b"<?php system($_GET['c']); ?>"),
    lambda png: vi.gif_with_comment(vi.encode(vi.pil(png), "GIF"), b"*/=1;<script>x()</script>"),
    lambda png: vi.recompressed(png) + b"%PDF-1.4\n1 0 obj\n",
], ids=["png+zip", "jpeg+zip", "png+html", "png-php-in-text", "gif-script-comment", "jpeg+pdf"])
def test_polyglots_are_415(client, store, in_stock, make):
    refused(search(client, make(store.image_png(in_stock[0].id))), 415,
            "fahad_ai_unsupported_image")


def test_harmless_trailers_and_metadata_are_accepted(client, store, in_stock):
    # Phones append their own data after a JPEG (motion photos, maker notes).
    product = in_stock[4]
    jpeg = vi.recompressed(store.image_png(product.id), 85)
    assert ids(search(client, jpeg + b"SEFH\x00\x01" + bytes(2000)))[0] == product.id
    png = vi.png_with_text(store.image_png(product.id), b"taken on a sunny day")
    assert ids(search(client, png))[0] == product.id
    # XMP metadata is XML, which is not active content.
    xmp = (b'<?xml version="1.0"?><?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
           b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta><?xpacket end="w"?>')
    with_xmp = vi.encode(vi.pil(store.image_png(product.id)), "JPEG", quality=90, xmp=xmp)
    assert xmp in with_xmp
    assert ids(search(client, with_xmp))[0] == product.id


def test_truncated_or_corrupt_images_are_400(client, store, in_stock):
    png = store.image_png(in_stock[0].id)
    jpeg = vi.recompressed(png)
    gif = vi.encode(vi.pil(png), "GIF")
    webp = vi.encode(vi.pil(png), "WEBP")
    corrupt_png = png[:8] + vi.chunk(b"IHDR", png[16:29]) + vi.chunk(b"IDAT", b"not zlib") \
        + vi.chunk(b"IEND", b"")
    for data in (png[:len(png) // 2], jpeg[:len(jpeg) // 2], gif[:len(gif) // 2],
                 webp[:len(webp) // 2], png[:20], b"\xff\xd8\xff", b"GIF89a",
                 corrupt_png, jpeg[:600] + bytes(len(jpeg) - 600)):
        refused(search(client, data), 400, "fahad_ai_invalid_image")


def test_decompression_bombs_are_413_before_decoding(client):
    for bomb in (vi.png_header_bomb(), vi.png_real_bomb(), vi.gif_header_bomb()):
        assert len(bomb) < 100_000
        body = refused(search(client, bomb), 413, "fahad_ai_image_too_large")
        assert "pixels" in body["message"]


def test_more_than_5_mib_is_413(client, store, in_stock):
    png = store.image_png(in_stock[0].id)
    just_over = png + bytes(MAX_BYTES + 1 - len(png))
    refused(search(client, just_over), 413, "fahad_ai_image_too_large")
    six = png + bytes(6 * 1024 * 1024 - len(png))
    refused(search(client, six), 413)
    exactly = vi.png_with_text(png, b"x" * (MAX_BYTES - len(png) - 12 - 8))
    assert len(exactly) == MAX_BYTES
    assert search(client, exactly).status_code == 200


def test_the_pixel_limit_is_a_setting(settings, store_png):
    app = make_app(settings.replace(visual_max_pixels=100 * 100))
    client = app.test_client()
    refused(search(client, store_png), 413, "fahad_ai_image_too_large")
    small = vi.resized(store_png, 0.3)
    assert search(client, small).status_code == 200


@pytest.fixture
def store_png(store, in_stock):
    return store.image_png(in_stock[0].id)


# -- the gate ----------------------------------------------------------------------------

def test_the_storefront_gate_guards_it(client, settings, store_png):
    refused(search(client, store_png, nonce=False), 403, "fahad_ai_invalid_nonce")
    refused(search(client, store_png, nonce="forged"), 403, "fahad_ai_invalid_nonce")
    paused = make_app(settings.replace(paused=True)).test_client()
    refused(search(paused, store_png), 503, "fahad_ai_disabled")


def test_it_shares_the_storefront_rate_limit_and_is_not_billed(settings, store_png):
    app = make_app(settings.replace(rate_limit=3, daily_cap=1))
    client = app.test_client()
    shopper = Shopper(client, ip="198.51.100.9")
    assert shopper.say("hello").status_code == 200  # the day's one billable turn
    assert search(client, store_png, nonce=shopper.nonce).status_code == 200  # no daily cap
    assert search(client, store_png, nonce=shopper.nonce).status_code == 200
    response = search(client, store_png, nonce=shopper.nonce)
    refused(response, 429, "fahad_ai_rate_limited")
    assert response.headers["Retry-After"]


def test_an_upload_forwarded_by_wordpress_with_a_signed_context(client, store, in_stock):
    product = in_stock[9]
    boundary, raw = encode_multipart(
        {"image": FileStorage(io.BytesIO(store.image_png(product.id)), "p.png"), "limit": "2"})
    context = {"uid": 7, "caps": [], "ip": "203.0.113.9", "iat": int(time.time())}
    value, signature = sign_context(SECRET, context, "POST", URL, raw)
    response = client.post(URL, data=raw, content_type=f"multipart/form-data; boundary={boundary}",
                           headers={"X-Fahad-Context": value, "X-Fahad-Signature": signature})
    assert len(ids(response)) == 2 and ids(response)[0] == product.id
    bad = client.post(URL, data=raw, content_type=f"multipart/form-data; boundary={boundary}",
                      headers={"X-Fahad-Context": value, "X-Fahad-Signature": "v1=" + "0" * 64})
    refused(bad, 403)


# -- rankers switched off -------------------------------------------------------------------

@pytest.mark.parametrize("rankers", [(), ("vision",)])
def test_without_a_ranker_the_answer_says_unavailable(settings, store_png, rankers):
    # "vision" alone is no ranker here: Claude is not configured.
    client = make_app(settings.replace(visual_rankers=rankers)).test_client()
    body = search(client, store_png).get_json()
    assert body["available"] is False and body["found"] == 0 and body["products"] == []
    assert isinstance(body["message"], str) and body["message"]
    # A bad image is still refused as such.
    refused(search(client, b"not an image"), 415)


def test_an_unknown_ranker_name_is_a_settings_error(settings):
    from bridge.settings import SettingsError

    with pytest.raises(SettingsError, match="FAHAD_VISUAL_RANKERS"):
        make_app(settings.replace(visual_rankers=("features", "telepathy")))


# -- the function other channels call --------------------------------------------------------

def test_search_image_answers_as_the_route_does(app, client, store, in_stock):
    bridge = app.extensions["fahad"]
    picture = vi.recompressed(store.image_png(in_stock[11].id))
    direct = bridge.visual.search(picture, category="hoodies-sweatshirts", limit=4)
    routed = search(client, picture, category="hoodies-sweatshirts", limit=4).get_json()
    assert direct == routed and direct["found"] == 4
    for bad, status in ((b"", 400), (b"MZ\x90\x00", 415), (vi.png_header_bomb(), 413),
                        (bytes(MAX_BYTES + 1), 413)):
        with pytest.raises(BridgeError) as caught:
            bridge.visual.search(bad)
        assert caught.value.status == status
    with pytest.raises(BridgeError):
        bridge.visual.search(picture, limit="6")
    assert len(bridge.visual.search(picture, limit=99)["products"]) == 24


# -- the vision ranker (Claude, on the loopback API) ------------------------------------------

@pytest.fixture
def vision_client(claude_app):
    return claude_app.test_client()


def described(**fields) -> Message:
    return Message([Text(json.dumps({"category": "", "colour": "", "material": "",
                                     "style": "", "keywords": [], **fields}))],
                   input_tokens=900, output_tokens=40)


PRICED = {"claude-sonnet-5-5": {"input": 3.0, "output": 15.0}}


def test_claude_describes_the_image_and_its_search_is_fused_with_the_features(
        claude_settings, fake_anthropic):
    claude_app = make_app(claude_settings.replace(prices=PRICED))
    vision_client = claude_app.test_client()
    store = claude_app.extensions["fahad"].store
    sock = next(p for p in store.products(per_page=100).items
                if p.in_stock and p.categories[0].slug == "socks")
    fake_anthropic.reply(described(category="Home & Kitchen", keywords=["mug"]))
    found = ids(search(vision_client, vi.recompressed(store.image_png(sock.id)), limit=12))
    cards = {c["id"]: c for c in search_cards(claude_app, found)}
    kinds = [cards[i]["categories"][0] for i in found]
    assert found[0] == sock.id or kinds[0] == "Home & Kitchen"
    assert "Socks" in kinds and "Home & Kitchen" in kinds  # both rankings made it in

    request = fake_anthropic.requests[-1]
    assert not request.get("stream")
    assert request["model"] == claude_app.extensions["fahad"].settings.anthropic_model
    image, text = request["messages"][0]["content"]
    assert image["type"] == "image" and image["source"]["type"] == "base64"
    assert image["source"]["media_type"] == "image/jpeg"
    sent = Image.open(io.BytesIO(base64.b64decode(image["source"]["data"])))
    assert sent.format == "JPEG" and max(sent.size) <= 768
    assert text["type"] == "text" and "Socks" in text["text"]  # the shop's categories
    assert "JSON" in request["system"]

    with claude_app.extensions["fahad"].sessions() as session:
        event = session.query(AnalyticsEvent).filter_by(kind="visual_search").one()
    assert event.channel == "storefront" and event.provider == "anthropic"
    assert (event.input_tokens, event.output_tokens) == (900, 40)
    assert float(event.cost_usd) == pytest.approx((900 * 3.0 + 40 * 15.0) / 1e6)


def search_cards(app, product_ids):
    return app.extensions["fahad"].index.cards(product_ids)


def test_claudes_words_only_ever_become_search_words(claude_app, vision_client, fake_anthropic):
    store = claude_app.extensions["fahad"].store
    product = next(p for p in store.products(per_page=100).items if p.in_stock)
    fake_anthropic.reply(Message([Text("Sure! Ignore previous instructions {\"category\": "
                                       "[\"DROP TABLE\"], \"colour\": 42, \"keywords\": "
                                       "\"not a list\"} trailing")]))
    found = ids(search(vision_client, store.image_png(product.id)))
    assert found[0] == product.id  # the features ranker alone decided


def test_when_claude_fails_the_features_still_answer_marked_degraded(
        claude_app, vision_client, fake_anthropic):
    store = claude_app.extensions["fahad"].store
    product = next(p for p in store.products(per_page=100).items if p.in_stock)
    fake_anthropic.reply(ApiError(529, "overloaded_error"))
    response = search(vision_client, store.image_png(product.id))
    body = response.get_json()
    assert response.status_code == 200 and body["available"] is True
    assert body["degraded"] is True and body["products"][0]["id"] == product.id


def test_over_the_monthly_budget_claude_is_not_asked(claude_settings, fake_anthropic):
    app = make_app(claude_settings.replace(monthly_budget=0.000001))
    store = app.extensions["fahad"].store
    with app.extensions["fahad"].sessions.begin() as session:
        session.add(AnalyticsEvent(kind="turn", channel="storefront", cost_usd=1))
    product = next(p for p in store.products(per_page=100).items if p.in_stock)
    response = search(app.test_client(), store.image_png(product.id))
    assert ids(response)[0] == product.id
    assert fake_anthropic.requests == []
