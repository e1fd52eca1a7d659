"""Pseudo-rows reproduce each cell's Gram matrix exactly (to rounding), with no
more rows than the cell's rank; the rank-deficient and one-row cells included."""
from __future__ import annotations

import numpy as np

from mixeq.remote.pseudo import pseudo_rows


def test_cross_products_of_the_pseudo_rows_are_the_cells():
    rng = np.random.default_rng(13)
    sizes = [1, 2, 3, 5, 40, 1, 7]
    d = 4
    blocks = [rng.normal(size=(n, d)) * [1, 10, 1e-3, 1e4] for n in sizes]
    blocks[3][:, 2] = 2.0 * blocks[3][:, 1]            # a rank-deficient cell
    G = np.stack([b.T @ b for b in blocks])
    P, owner = pseudo_rows(G, chunk=3)                 # several chunks
    for c, b in enumerate(blocks):
        rows = P[owner == c]
        assert len(rows) == min(len(b), np.linalg.matrix_rank(b))
        np.testing.assert_allclose(rows.T @ rows, G[c], rtol=1e-12, atol=1e-10 * np.abs(G[c]).max())


def test_a_planted_wrong_square_root_is_caught():
    """The check above fails for rows that are not a square root (the test can fail)."""
    rng = np.random.default_rng(1)
    b = rng.normal(size=(6, 3))
    G = (b.T @ b)[None]
    P, _ = pseudo_rows(G)
    broken = P.copy()
    broken[0, 0] *= 1.001
    assert not np.allclose(broken.T @ broken, G[0], rtol=1e-12)
    assert np.allclose(P.T @ P, G[0], rtol=1e-12)
