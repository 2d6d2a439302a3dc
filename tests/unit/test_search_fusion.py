"""How hybrid search weighs similarity against words: by how vague the query is (runs
without the semantic extra: similarities given by hand)."""
from bridge.catalog import rank
from bridge.catalog.index import CatalogIndex

from test_catalog_index import CATALOGUE, HOODIES, product


def test_vagueness_is_the_share_of_words_that_name_no_product(tmp_path):
    index = CatalogIndex(tmp_path / "catalog.sqlite3")
    index.replace_all(CATALOGUE + [product(9, "Trail Hoodie", "50.00", HOODIES,
                                           description="Bright colours for dark evenings.")],
                      "USD")
    index._fresh()  # as search does first
    groups = index._groups(["classic", "hoodie"])[0]
    assert index._vagueness(groups) == 0.0
    # "bright" and "evenings" are only in a description: they describe, they don't name
    assert abs(index._vagueness(index._groups(["hoodie", "bright", "evenings"])[0]) - 2 / 3) < 1e-9
    assert index._vagueness([]) == 0.0


def _pair(first_score: float):
    return (rank.Candidate(1, 1, 1.0, "A", True, "", "", "", score=first_score),
            rank.Candidate(2, 2, 1.0, "B", True, "", "", "", score=1.0))


def test_a_vaguer_query_gives_similarity_more_say():
    similarity = {1: 0.30, 2: 0.60}
    named, vague = _pair(2.2), _pair(2.2)
    rank.fuse(list(named), similarity, 0.0)
    rank.fuse(list(vague), similarity, 1.0)
    assert named[0].score > named[1].score  # words decide a query that names the product
    assert vague[1].score > vague[0].score  # similarity decides one that describes a need


def test_the_nearest_vectors_are_found_in_their_principal_components_then_in_full():
    import sqlite3

    import numpy as np

    from bridge.catalog import semantic, vectors

    rng = np.random.default_rng(7)
    # Sentence vectors have few strong directions: 20 of them, mixed into 384, and noise.
    latent = rng.standard_normal((2_000, 20)) @ rng.standard_normal((20, semantic.DIMENSIONS))
    rows = latent + 0.3 * rng.standard_normal(latent.shape)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    query = rows[5] + 0.5 * rows[17]
    query = (query / np.linalg.norm(query)).astype(np.float32)

    class Fixed:
        name = "fixed"

        def query(self, text):
            return query

    db = sqlite3.connect(":memory:")
    db.executescript(vectors.SCHEMA)
    db.executemany("INSERT INTO vectors VALUES (?, 'd', ?)",
                   zip(range(100, 2_100), semantic.to_blob(rows)))
    found = vectors.Vectors(Fixed()).nearest(db, "q", 10, "v1")
    stored = semantic.from_blobs(semantic.to_blob(rows))
    assert found == [int(p) + 100 for p in np.argsort(-(stored @ query))[:10]]
    assert found[0] == 105
