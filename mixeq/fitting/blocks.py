"""Small vectorised kernels on stacks of k × k blocks (one block per level)."""
from __future__ import annotations

import numpy as np


def chol_stack(S: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of every k × k block of an (m, k, k) stack."""
    k = S.shape[-1]
    if k == 1:
        return np.sqrt(S)
    if k == 2:
        L = np.zeros_like(S)
        l11 = np.sqrt(S[:, 0, 0])
        l21 = S[:, 1, 0] / l11
        L[:, 0, 0] = l11
        L[:, 1, 0] = l21
        L[:, 1, 1] = np.sqrt(S[:, 1, 1] - l21 * l21)
        return L
    return np.linalg.cholesky(S)


def inv_lower_stack(L: np.ndarray) -> np.ndarray:
    """Inverse of every lower-triangular block of an (m, k, k) stack."""
    k = L.shape[-1]
    if k == 1:
        return 1.0 / L
    if k == 2:
        out = np.zeros_like(L)
        a, b, c = L[:, 0, 0], L[:, 1, 0], L[:, 1, 1]
        out[:, 0, 0] = 1.0 / a
        out[:, 1, 1] = 1.0 / c
        out[:, 1, 0] = -b / (a * c)
        return out
    eye = np.broadcast_to(np.eye(k), L.shape)
    return np.linalg.solve(L, eye)


def logdet_stack(L: np.ndarray) -> float:
    """log |L L'| summed over a stack of lower-triangular factors."""
    return 2.0 * float(np.log(np.diagonal(L, axis1=1, axis2=2)).sum())


def level_blocks(term, F: np.ndarray | None = None):
    """Per level of ``term``: Σ m mᵀ (levels × k × k) and, if F is given, Σ m Fᵀ
    (levels × k × f), without a Python loop over levels."""
    k, nl = term.ncols, term.nlevels
    M, codes = term.matrix, term.codes
    A = np.empty((nl, k, k))
    for a in range(k):
        for b in range(a + 1):
            v = np.bincount(codes, weights=M[:, a] * M[:, b], minlength=nl)
            A[:, a, b] = v
            A[:, b, a] = v
    if F is None:
        return A, None
    B = np.empty((nl, k, F.shape[1]))
    for a in range(k):
        for f in range(F.shape[1]):
            B[:, a, f] = np.bincount(codes, weights=M[:, a] * F[:, f], minlength=nl)
    return A, B
