"""The factor L_RR of the block of the later terms, in two shapes.

``DenseRest``: crossed factors fill the block in, so it is one dense Cholesky
factor (LAPACK). ``BlockRest``: when the later terms are a single term whose
every level sits inside one level of the first term's neighbours only (nested
designs such as ``(1 | school/class)``), the block stays block-diagonal, k × k per
level, and is factored level by level at once. Both offer the same operations.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dtrtrs

from mixeq.fitting.blocks import chol_stack, inv_lower_stack, logdet_stack


class DenseRest:
    def __init__(self, U: np.ndarray):
        self.U = U  # upper factor in Fortran order: L_RR = Uᵀ
        self.logdet = 2.0 * float(np.log(U.diagonal()).sum())

    def solve(self, B):
        """L_RR⁻¹ B (LAPACK's dtrtrs on U = L_RRᵀ: no wrapper checks)."""
        B = B.toarray() if sp.issparse(B) else B
        return dtrtrs(self.U, B, lower=0, trans=1)[0]

    def solve_t(self, b: np.ndarray) -> np.ndarray:
        """L_RR⁻ᵀ b."""
        return dtrtrs(self.U, b, lower=0, trans=0)[0]

    def inverse_blocks(self, slices) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L_RR L_RRᵀ)⁻¹ for each term slice."""
        Rinv = self.solve(np.eye(self.U.shape[0]))
        out = []
        for sl, nl, k, _ in slices:
            cols = Rinv[:, sl].reshape(-1, nl, k)
            out.append(np.einsum("ila,ilb->lab", cols, cols))
        return out


class BlockRest:
    def __init__(self, MB: np.ndarray):
        LB = chol_stack(MB)
        self.logdet = logdet_stack(LB)
        self.Li = inv_lower_stack(LB)  # (levels, k, k)
        self.nl, self.k, _ = MB.shape

    def solve(self, B):
        """L_RR⁻¹ B (B dense, or sparse: then the result is sparse too)."""
        if sp.issparse(B):
            return sp.block_diag(list(self.Li), format="csr") @ B
        m = B.shape[1] if B.ndim == 2 else 1
        out = np.matmul(self.Li, B.reshape(self.nl, self.k, m))
        return out.reshape(B.shape)

    def solve_t(self, b: np.ndarray) -> np.ndarray:
        out = np.matmul(self.Li.transpose(0, 2, 1), b.reshape(self.nl, self.k, -1))
        return out.reshape(b.shape)

    def inverse_blocks(self, slices) -> list[np.ndarray]:
        return [np.matmul(self.Li.transpose(0, 2, 1), self.Li)]


def nested_layout(targets: np.ndarray, qR: int, k: int):
    """If every target (r, s) of the pair operator lies in a k × k diagonal block,
    the positions of each target (and its mirror) in a (levels, k, k) stack."""
    r, s = np.divmod(targets, qR)
    if not np.array_equal(r // k, s // k):
        return None
    lev, i, j = r // k, r % k, s % k
    pos = lev * k * k + i * k + j
    mirror = lev * k * k + j * k + i
    off = i != j
    return pos, mirror, off


def stack_blocks(A: sp.spmatrix, nl: int, k: int) -> np.ndarray:
    """The k × k diagonal blocks of a block-diagonal sparse matrix, as a stack."""
    coo = A.tocoo()
    out = np.zeros((nl, k, k))
    keep = coo.row // k == coo.col // k
    np.add.at(out, (coo.row[keep] // k, coo.row[keep] % k, coo.col[keep] % k), coo.data[keep])
    return out
