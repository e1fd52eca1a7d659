"""Exact pseudo-rows: a few rows per cell whose cross-products are the cell's.

Every cross-product the fitter forms — Σ m mᵀ per level of the first term, the
per-pair sums of Z_RᵀZ₁ and Z_RᵀZ_R, Z'[X y] and [X y]'[X y] — is a sum over rows
of products of columns, and every row of a cell (one combination of the levels of
all grouping factors) has the same Z pattern. So the sum splits over cells, and
within a cell only the Gram matrix G_c = B_cᵀB_c of the basis columns B matters
(every model column is a linear map of B). Any P_c with P_cᵀP_c = G_c is a
stand-in for the cell's rows: from the eigendecomposition G_c = V diag(λ) Vᵀ,
P_c = diag(√λ) Vᵀ, keeping the λ above rounding (rank(G_c) ≤ min(n_c, d) rows).
The decomposition is of the scaled D⁻¹G_cD⁻¹ (D = √diag G_c) and P_c = diag(√λ)VᵀD,
so that a column far smaller than the others (a shifted predictor next to a large
response) keeps its own relative precision: dropping an eigenvalue below 1e-13 of
the largest then costs each entry G_ij at most ~1e-13 √(G_ii G_jj), not 1e-13 ‖G‖.
The fitter run on the stacked P_c forms exactly the data's cross-products (to
rounding), so it reaches the same criterion, estimates and modes; only the number
of observations n must be the data's (see adapter.py), never the pseudo-rows'.
"""
from __future__ import annotations

import numpy as np

RANK_TOL = 1e-13   # eigenvalues below this share of the cell's largest are rounding


def pseudo_rows(G: np.ndarray, chunk: int = 1_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Rows (r × d) and their cell index (r,) from a (cells × d × d) Gram stack."""
    rows, owner = [], []
    for start in range(0, G.shape[0], chunk):
        block = G[start:start + chunk]
        d = np.sqrt(np.diagonal(block, axis1=1, axis2=2)).copy()
        d[d == 0] = 1.0
        scaled = block / d[:, :, None] / d[:, None, :]
        lam, vec = np.linalg.eigh(scaled)                       # ascending eigenvalues
        keep = lam > RANK_TOL * np.maximum(lam[:, -1:], 1e-300)
        cell, which = np.nonzero(keep)
        scale = np.sqrt(lam[cell, which])
        rows.append(vec[cell, :, which] * scale[:, None] * d[cell])   # row = √λ vᵀ D
        owner.append(cell + start)
    if not rows:
        return np.zeros((0, G.shape[-1])), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(owner).astype(np.int64)
