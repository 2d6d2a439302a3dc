"""The image model's search space (bridge/visual/space.py): centred on the catalogue's mean,
projected on its principal directions past REDUCE_FROM vectors, the basis kept while the
catalogue keeps its size."""
import numpy as np

from bridge.visual import space


def unit_rows(count, dim=64, seed=0):
    rows = np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)
    rows += 3.0  # a large common direction, as a network's features have
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_small_catalogue_is_centred_only():
    rows = unit_rows(50)
    found = space.fit(rows)
    assert found.basis is None
    moved = found.apply(rows)
    assert moved.shape == rows.shape
    assert np.allclose(np.linalg.norm(moved, axis=1), 1, atol=1e-5)
    # The common direction is gone: rows are far less alike than they were.
    assert (moved @ moved.T).mean() < 0.1 < (rows @ rows.T).mean()


def test_a_big_catalogue_is_projected_on_its_principal_directions(monkeypatch):
    monkeypatch.setattr(space, "REDUCE_FROM", 200)
    monkeypatch.setattr(space, "DIMS", 8)
    rng = np.random.default_rng(1)
    # Rows that vary along 8 directions only, plus a little noise.
    directions = np.linalg.qr(rng.standard_normal((64, 8)))[0].T
    rows = (rng.standard_normal((500, 8)) @ directions + 0.01 * rng.standard_normal((500, 64))
            + 2.0).astype(np.float32)
    found = space.fit(rows)
    assert found.basis.shape == (64, 8) and found.fitted_on == 500
    moved = found.apply(rows)
    assert moved.shape == (500, 8)
    # The projection keeps the cosines of the centred rows (their variation is in 8 dims).
    centred = rows - rows.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    assert np.allclose(moved[:20] @ moved[:20].T, centred[:20] @ centred[:20].T, atol=0.01)
    # The basis is kept for a catalogue of about the same size, refitted past the drift.
    assert space.fit(rows[:450], found).basis is found.basis
    assert space.fit(np.concatenate([rows, rows]), found).basis is not found.basis
