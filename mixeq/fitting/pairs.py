"""Sparse structure of Z_Rᵀ Z_1 (later terms against the first term) and the
fixed sparse operator that forms W Wᵀ from the per-level k × k products NNᵀ.

Z_Rᵀ Z_1 is stored by blocks: one row of Z_Rᵀ against one level of term 1 holds
a k₁-vector. Right-multiplying by the block-diagonal Λ₁ L₁₁⁻ᵀ acts level by
level, so the block pattern never changes with θ. Then
(W Wᵀ)[r, s] = Σ_l A[r, l] N_l N_lᵀ A[s, l]ᵀ is linear in the entries of the
N_l N_lᵀ: a sparse matrix P (targets × levels·k₁²) built once turns one θ's
update of the dense (2,2) block into a single sparse mat-vec.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

MAX_PAIR_ENTRIES = 40_000_000


@dataclass
class CrossBlocks:
    """Z_Rᵀ Z_1 by blocks, with W's sparse pattern and the pair operator.

    For a scalar first term the pattern arrays (``W``, ``perm``, ``A``: 0.9 GB for the
    19,000,000 pairs of 100,000 × 2,000 crossed levels) are built when first read
    (for the level-class kind, by ``blocks`` after the search: crossed_classes.py
    reads only rows, levels and values), so the class matrices are formed beside
    the blocks alone."""

    rows: np.ndarray       # (nb,) row of Z_Rᵀ of each block
    levels: np.ndarray     # (nb,) level of term 1 of each block
    values: np.ndarray     # (nb, k1)
    P: sp.csr_matrix | None  # pair operator (None: too many pairs, use W Wᵀ)
    targets: np.ndarray    # flat positions (r·qR + s, r ≥ s) that P's rows fill
    shape: tuple = (0, 0)  # (qR, q1)
    _W: sp.csr_matrix | None = None   # qR × q1 pattern of W; data refreshed per θ
    _perm: np.ndarray | None = None   # W.data = (block values).ravel()[perm]
    _A: sp.csr_matrix | None = None   # Z_Rᵀ Z_1 itself, in W's pattern

    @property
    def W(self) -> sp.csr_matrix:
        if self._W is None:
            self._scalar_pattern()
        return self._W

    @property
    def perm(self) -> np.ndarray:
        if self._perm is None:
            self._scalar_pattern()
        return self._perm

    @property
    def A(self) -> sp.csr_matrix:
        if self._A is None:
            W = self.W
            self._A = sp.csr_matrix((self.values.ravel()[self.perm], W.indices, W.indptr),
                                    shape=W.shape)
        return self._A

    def _scalar_pattern(self) -> None:
        """W's CSR pattern for blocks in canonical CSC order (by level, then row): the
        transpose's order, in linear time (no sort of 19M keys)."""
        qR, n1 = self.shape
        nb = self.rows.size
        small = np.int32 if max(nb, n1, qR) < 2 ** 31 else np.intp
        indptr = np.concatenate([[0], np.cumsum(np.bincount(self.levels, minlength=n1))])
        W = sp.csc_matrix((np.arange(nb, dtype=small), self.rows, indptr),   # block numbers
                          shape=(qR, n1)).tocsr()                           # in CSR order
        self._perm = W.data
        W.data = np.zeros(nb)
        self._W = W


def cross_blocks(AR1: sp.spmatrix, n1: int, k1: int) -> CrossBlocks:
    qR = AR1.shape[0]
    if k1 == 1:
        return _scalar_cross_blocks(AR1, n1, qR)
    AR1 = AR1.tocsr()
    AR1.sum_duplicates()          # no-op for a product's result (already canonical)
    coo = AR1.tocoo()
    lev = coo.col // k1
    key = lev.astype(np.int64) * qR + coo.row
    ukey, inv = np.unique(key, return_inverse=True)
    nb = len(ukey)
    levels = (ukey // qR).astype(np.intp)
    rows = (ukey % qR).astype(np.intp)
    values = np.zeros((nb, k1))
    values[inv, coo.col % k1] = coo.data

    er = np.repeat(rows, k1)
    ec = (levels[:, None] * k1 + np.arange(k1)).ravel()
    order = np.arange(1, nb * k1 + 1, dtype=float)
    W = sp.csr_matrix((order, (er, ec)), shape=(qR, n1 * k1))
    perm = W.data.astype(np.intp) - 1
    W.data = np.zeros_like(W.data)
    A = W.copy()
    A.data = values.ravel()[perm]

    P, targets = _pair_operator(rows, levels, values, n1, k1, qR)
    return CrossBlocks(rows, levels, values, P, targets, (qR, n1 * k1), W, perm, A)


def _scalar_cross_blocks(AR1: sp.spmatrix, n1: int, qR: int) -> CrossBlocks:
    """``cross_blocks`` for a scalar first term: a block is one entry, and the blocks
    in their order (by level, then row) are the entries of Z_RᵀZ₁ in canonical CSC
    order. ``values`` is the CSC's data itself when it is float64 (no copy), and W's
    pattern is built when first read (CrossBlocks)."""
    csc = AR1.tocsc()
    csc.sum_duplicates()          # sorted, summed (no-op for a product or scalar_products)
    nb = csc.nnz
    small = np.int32 if max(nb, n1, qR) < 2 ** 31 else np.intp    # 19M blocks: 4 bytes each
    rows = csc.indices.astype(small, copy=False)
    levels = np.repeat(np.arange(n1, dtype=small), np.diff(csc.indptr))
    values = np.asarray(csc.data, dtype=float).reshape(-1, 1)
    P, targets = _pair_operator(rows, levels, values, n1, 1, qR)
    return CrossBlocks(rows, levels, values, P, targets, (qR, n1))


def scalar_products(rest, t1, F: np.ndarray):
    """For scalar terms (one column each, ``t.ncols == 1``): (A_RR as CSR, Z_RᵀZ₁ as
    canonical CSC, A_FR = FᵀZ_R (f × qR)), each a sum over rows of products of the
    terms' columns by their codes — what the Z products form, without building Z
    (20,000,000 rows of two crossed factors: a few seconds instead of ~50)."""
    offs = np.cumsum([0] + [t.q for t in rest])
    qR, f = int(offs[-1]), F.shape[1]
    cols = [t.matrix[:, 0] for t in rest]
    AFR = np.empty((f, qR))
    for t, m, o in zip(rest, cols, offs):
        for j in range(f):
            AFR[j, o:o + t.q] = np.bincount(t.codes, weights=m * F[:, j], minlength=t.q)
    # A_RR: a scalar term's own block is diagonal; two terms meet at their pairs of codes
    diag = np.concatenate([np.bincount(t.codes, weights=m * m, minlength=t.q)
                           for t, m in zip(rest, cols)])
    ARR = sp.diags(diag, format="csr")
    for i, (ti, mi, oi) in enumerate(zip(rest, cols, offs)):
        for tj, mj, oj in zip(rest[:i], cols[:i], offs[:i]):
            off = sp.coo_matrix((mi * mj, (ti.codes + oi, tj.codes + oj)), shape=(qR, qR)).tocsr()
            ARR = ARR + off + off.T
    ARR.eliminate_zeros()
    m1 = t1.matrix[:, 0]
    AR1 = sp.coo_matrix((np.concatenate([m * m1 for m in cols]),
                         (np.concatenate([t.codes + o for t, o in zip(rest, offs)]),
                          np.tile(t1.codes, len(rest)))), shape=(qR, t1.q)).tocsc()
    AR1.sum_duplicates()
    AR1.eliminate_zeros()
    return ARR, AR1, AFR


def _pair_operator(rows, levels, values, n1, k1, qR):
    nb = len(rows)
    counts = np.bincount(levels, minlength=n1)
    # block b pairs with the blocks of its level up to and including itself
    # (blocks are sorted by level, then row, so those have row ≤ its row):
    # c(c + 1)/2 pairs for a level of c blocks, counted before any array of nb
    total = int((counts.astype(np.int64) * (counts + 1) // 2).sum())
    if total * k1 * k1 > MAX_PAIR_ENTRIES:
        return None, np.zeros(0, dtype=np.intp)
    first = np.cumsum(counts) - counts
    npairs = np.arange(nb) - first[levels] + 1
    start = np.cumsum(npairs) - npairs
    lev = np.repeat(levels, npairs)
    b2 = np.arange(total) - np.repeat(start - first[levels], npairs)
    flat = np.repeat(rows.astype(np.int64) * qR, npairs) + rows[b2]
    targets, tinv = _unique_positions(flat, qR * qR)
    del flat
    # columns of P are (level, a, c); pairs come grouped by level, so P is built
    # in CSC order directly: column (l, a, c) holds the pairs of level l
    kk = k1 * k1
    pair_counts = np.bincount(lev, minlength=n1)
    if k1 == 1:
        data = np.repeat(values[:, 0], npairs) * values[b2, 0]
        indices = tinv
    else:
        pair_first = np.cumsum(pair_counts) - pair_counts
        within = np.arange(total) - pair_first[lev]
        data = np.empty(total * kk)
        indices = np.empty(total * kk, dtype=np.intp)
        for a in range(k1):
            v1 = np.repeat(values[:, a], npairs)
            for c in range(k1):
                pos = pair_first[lev] * kk + (a * k1 + c) * pair_counts[lev] + within
                data[pos] = v1 * values[b2, c]
                indices[pos] = tinv
    indptr = np.concatenate([[0], np.cumsum(np.repeat(pair_counts, kk))])
    P = sp.csc_matrix((data, indices, indptr), shape=(len(targets), n1 * kk))
    return P, targets


def _unique_positions(flat: np.ndarray, size: int):
    """Sorted distinct values of ``flat`` (all below ``size``) and each one's rank."""
    if size <= 50_000_000:
        mark = np.zeros(size, dtype=bool)
        mark[flat] = True
        targets = np.flatnonzero(mark)
        rank = np.cumsum(mark, dtype=np.intp) - 1
        return targets, rank[flat]
    targets, inv = np.unique(flat, return_inverse=True)
    return targets, inv
