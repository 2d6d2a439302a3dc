"""The image model (the [visual] extra): its weights read without torch or running their
pickle, the graph checked against what ImageNet taught it, shopper-photo views, the ranker
through the route, and the service without the extra (features stand in, /healthz says so).
Real-photo quality is measured by bench/visual_photos.py."""
import io
import os
import pickle
import sys
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageDraw

import visual_images as vi
from bridge.settings import SettingsError
from bridge.store.demo.images import ImageSpec, render_png, spec_for
from bridge.visual import embedding, network, weights
from conftest import make_app
from test_visual_search import ids, search

pytest.importorskip("onnxruntime", reason="the [visual] extra is not installed")

MUG, CUP, JERSEY = 504, 968, 610  # ImageNet classes: coffee mug, cup, jersey/T-shirt
KINDS = ("hoodie", "tee", "trousers", "shoe", "boot", "cap", "mug", "bottle", "backpack",
         "glasses", "sock", "belt")
COLOURS = ((200, 30, 30), (30, 60, 140), (40, 120, 60))


def drawing(kind: str, colour=(200, 30, 30), seed=3) -> Image.Image:
    return Image.open(io.BytesIO(render_png(ImageSpec(kind, colour, seed)))).convert("RGB")


@pytest.fixture(scope="module")
def embedder():
    return embedding.Embedder()


# -- the weights -------------------------------------------------------------------------

def checkpoint() -> str:
    package, holder, _ = embedding.MODELS[embedding.MODEL]
    return getattr(__import__(package), holder).get_model_file_path()


def test_the_shipped_checkpoint_is_read_without_torch_with_its_strides():
    state = weights.load_state_dict(checkpoint())
    assert "torch" not in sys.modules
    assert len(state) == 296 and state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    # Stored transposed (TensorFlow's layout): read through its strides, the stem's first
    # filter is not the same numbers as the storage's first 27.
    assert state["_conv_stem.weight"].flags["C_CONTIGUOUS"]
    blocks = network.blocks(state)
    assert len(blocks) == 16 and [b["stride"] for b in blocks].count(2) == 4


class Payload:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


@pytest.mark.parametrize("wrap", ["legacy", "bare"])
def test_a_checkpoint_that_asks_to_run_code_is_refused_unrun(tmp_path, wrap):
    marker = tmp_path / "ran"
    body = pickle.dumps(Payload(marker), protocol=2)
    if wrap == "legacy":  # the legacy header, then the payload where the state dict goes
        body = b"".join(pickle.dumps(x, protocol=2) for x in
                        (weights.LEGACY_MAGIC, 1001, {"little_endian": True})) + body
    path = tmp_path / "evil.pth"
    path.write_bytes(body)
    with pytest.raises(weights.WeightsError):
        weights.load_state_dict(path)
    assert not marker.exists()


def test_a_file_that_is_no_checkpoint_is_refused(tmp_path):
    path = tmp_path / "x.pth"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(weights.WeightsError):
        weights.load_state_dict(path)
    with zipfile.ZipFile(path, "w") as archive:  # newer torch's layout: not read here
        archive.writestr("archive/data.pkl", pickle.dumps({}))
    with pytest.raises(weights.WeightsError, match="zip"):
        weights.load_state_dict(path)


# -- the graph sees what ImageNet taught it ----------------------------------------------------

def test_the_network_names_a_mug_and_a_tee_as_imagenet_does(embedder):
    assert set(np.argsort(-embedder.logits(drawing("mug")))[:2]) & {MUG, CUP}
    assert np.argmax(embedder.logits(drawing("tee"))) == JERSEY


def test_the_same_kind_in_another_colour_is_nearer_than_another_kind_in_the_same(embedder):
    keys = [(kind, colour) for kind in KINDS for colour in COLOURS]
    vectors = embedder.embed([drawing(*key) for key in keys])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    near = vectors @ vectors.T
    for i, (kind, colour) in enumerate(keys):
        same_kind = [near[i, j] for j, (k, c) in enumerate(keys) if k == kind and c != colour]
        same_colour = [near[i, j] for j, (k, c) in enumerate(keys) if k != kind and c == colour]
        assert min(same_kind) > max(same_colour), (kind, colour)


def test_batches_give_the_vectors_of_one_at_a_time(embedder):
    pictures = [drawing(kind) for kind in KINDS[:embedding.BATCH + 2]]  # two model calls
    together = embedder.embed(pictures)
    alone = np.concatenate([embedder.embed([p]) for p in pictures[-3:]])
    assert np.allclose(together[-3:], alone, atol=1e-4)


# -- shopper photos ----------------------------------------------------------------------

def test_a_photo_is_looked_at_whole_centred_and_in_parts_in_one_pass(embedder):
    photo = drawing("tee")
    vectors, weights_ = embedder.query(photo)
    assert vectors.shape == (4, embedding.DIM) and list(weights_) == list(embedding.VIEWS.values())
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    # The whole view is the catalogue's vector of the same picture.
    assert np.allclose(vectors[0], embedder.embed([photo])[0], atol=1e-4)
    # The parts are regions of the map: the upper of a uniform map is the whole.
    flat = np.ones((embedding.DIM, 7, 7), np.float32)
    assert np.allclose(embedding.pooled(flat, ["upper"]), embedding.pooled(flat, ["whole"]))
    ramp = np.broadcast_to(np.arange(7, dtype=np.float32)[:, None], (7, 7)) + 1
    lower, upper = embedding.pooled(np.stack([ramp, np.ones((7, 7))]), ["lower", "upper"])
    assert lower[0] > upper[0]  # lower rows carry more of the first channel


def test_a_wide_picture_is_padded_square_not_cut(embedder):
    wide = Image.new("RGB", (400, 100), (250, 250, 250))
    ImageDraw.Draw(wide).rectangle((0, 30, 20, 70), fill=(255, 0, 0))  # at the very edge
    square = embedding.square(wide, 224)
    assert square.size == (224, 224)
    assert np.asarray(square)[:, :8, 1].min() < 100  # the red edge is still there


# -- through the route, on the demo store ---------------------------------------------------

@pytest.fixture
def model_app(settings):
    return make_app(settings.replace(visual_rankers=("embedding",)))


@pytest.fixture
def shown(store):
    return [p for p in store.products(per_page=100).items if p.in_stock]


def test_a_shoppers_photo_of_a_product_finds_it(model_app, store, shown):
    client = model_app.test_client()
    for product in shown[::9]:
        photo = vi.recompressed(vi.resized(store.image_png(product.id), 2.0), 70)
        found = ids(search(client, photo, limit=5))
        assert product.id in found, (product.name, found)


def test_an_exif_turned_photo_is_searched_upright(model_app, store, shown):
    client = model_app.test_client()
    product = shown[5]
    assert ids(search(client, vi.exif_rotated(store.image_png(product.id)), limit=3))[0] == \
        product.id


def test_the_category_hint_filters(model_app, store, shown):
    client = model_app.test_client()
    tee = next(p for p in shown if spec_for(p).kind == "tee")
    found = ids(search(client, store.image_png(tee.id), category="pants", limit=8))
    assert found and tee.id not in found
    kinds = {p.id: [c.slug for c in p.categories] for p in shown}
    assert all("pants" in kinds[pid] for pid in found)


def test_two_items_in_one_photo_find_both_kinds(model_app, store, shown):
    top, bottom = drawing("tee", (200, 30, 30)), drawing("trousers", (30, 60, 140))
    outfit = Image.new("RGB", (256, 512), (245, 245, 245))
    outfit.paste(top, (0, 0))
    outfit.paste(bottom, (0, 256))
    buffer = io.BytesIO()
    outfit.save(buffer, "JPEG", quality=85)
    found = ids(search(model_app.test_client(), buffer.getvalue(), limit=6))
    kinds = {p.id: spec_for(p).kind for p in shown}
    assert {"tee", "trousers"} <= {kinds[pid] for pid in found}, [kinds[p] for p in found]


def test_warming_up_loads_the_model_and_makes_the_demo_shops_vectors(model_app):
    visual = model_app.extensions["fahad"].visual
    (ranker,) = visual.rankers
    assert ranker.vectors.pending()
    visual.warm()
    assert not ranker.vectors.pending() and ranker.vectors.count() > 50
    assert embedding.MODEL in embedding._SESSIONS


def test_healthz_lists_the_rankers_on(model_app, settings):
    body = model_app.test_client().get("/healthz").get_json()
    assert body["visual"] == {"rankers": ["embedding"], "off": {}}
    app = make_app(settings)  # the default: the model, then Claude (not configured here)
    visual = app.test_client().get("/healthz").get_json()["visual"]
    assert visual["rankers"] == ["embedding"] and set(visual["off"]) == {"vision"}


# -- without the extra ----------------------------------------------------------------------

@pytest.fixture
def no_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed


def test_without_the_extra_features_stand_in_and_healthz_says_why(no_extra, settings, store,
                                                                  shown):
    app = make_app(settings)
    visual = app.test_client().get("/healthz").get_json()["visual"]
    assert visual["rankers"] == ["features"]
    assert "onnxruntime" in visual["off"]["embedding"] and "[visual]" in visual["off"]["embedding"]
    body = search(app.test_client(), store.image_png(shown[2].id)).get_json()
    assert body["available"] is True and body["products"][0]["id"] == shown[2].id


def test_without_the_extra_and_no_fallback_search_says_unavailable(no_extra, settings,
                                                                   store, shown):
    app = make_app(settings.replace(visual_fallback=""))
    body = search(app.test_client(), store.image_png(shown[0].id)).get_json()
    assert body["available"] is False and body["products"] == []
    assert app.test_client().get("/healthz").get_json()["visual"]["rankers"] == []


def test_an_unknown_fallback_is_a_settings_error(settings):
    with pytest.raises(SettingsError, match="FAHAD_VISUAL_FALLBACK"):
        make_app(settings.replace(visual_fallback="telepathy"))
