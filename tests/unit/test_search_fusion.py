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
