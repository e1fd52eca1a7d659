"""The cross-products of [Z F] under row weights W, for a factor that is
re-weighted at every PIRLS step (MixedModels.jl's ``reweight!``; lme4's
``merPredD::updateXwts``).

Every entry of ZᵀWZ is a sum over the rows of w_i × (a product of two columns
of Z), into a position that does not depend on the weights: so all of them are
one sparse mat-vec S·w with S fixed per model (``RowIndex``), and ZᵀWF is one
sparse product Zᵀ(w ∘ F). A PIRLS step's products cost two sparse calls.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Products:
    """Zᵀ W Z and Zᵀ W F by blocks: the values ``BlockedFactor`` keeps."""

    A11: np.ndarray            # (n1, k1, k1): Σ w m mᵀ per level of term 1
    AF1: np.ndarray            # (n1, k1, f): Σ w m Fᵀ
    AFF: np.ndarray            # (f, f)
    cross: np.ndarray | None   # Z_RᵀWZ₁: (blocks, k1) in CrossBlocks' order, or (qR, q1) dense
    ARR: np.ndarray | None     # (qR, qR) dense, symmetric
    AFR: np.ndarray | None     # (f, qR)


class RowIndex:
    """Where each row's column products land: the first term's blocks, the later
    block (lower triangle) and the cross blocks (``bind`` or ``bind_dense``)."""

    def __init__(self, terms):
        t1 = terms[0]
        self.k1, self.n1 = k1, n1 = t1.ncols, t1.nlevels
        self.n = t1.codes.size
        M1 = t1.matrix
        a, b = np.divmod(np.arange(k1 * k1), k1)
        self.parts = [((t1.codes[:, None] * (k1 * k1) + np.arange(k1 * k1)), M1[:, a] * M1[:, b])]
        self.size11 = n1 * k1 * k1
        rest = terms[1:]
        self.qR = sum(t.q for t in rest)
        self.ZT = sp.hstack([t.Z() for t in terms], format="csc").T.tocsr()    # (q, n)
        self.q1 = t1.q
        if not rest:
            self._build(0)
            return
        cols, vals, start = [], [], 0
        for t in rest:
            for c in range(t.ncols):
                cols.append(start + t.codes * t.ncols + c)
                vals.append(t.matrix[:, c])
            start += t.q
        colR, valR = np.column_stack(cols), np.column_stack(vals)   # (n, rR)
        qR, rR = self.qR, colR.shape[1]
        pa, pb = np.tril_indices(rR)          # later columns ≥ earlier ones: lower triangle
        self.parts.append((colR[:, pa] * qR + colR[:, pb], valR[:, pa] * valR[:, pb]))
        self.key = t1.codes[:, None].astype(np.int64) * qR + colR       # (n, rR): level·qR + row
        self.valR, self.M1 = valR, M1

    def cross_structure(self) -> sp.csr_matrix:
        """Z_RᵀZ₁'s pattern with every row's pair present (a weighted product may
        vanish where the unweighted one does not, and the reverse): ones."""
        lev, row = np.divmod(self.key.ravel(), self.qR)
        cols = (lev[:, None] * self.k1 + np.arange(self.k1)).ravel()
        rows = np.repeat(row, self.k1)
        A = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(self.qR, self.n1 * self.k1))
        A.data[:] = 1.0
        return A

    def bind(self, rows: np.ndarray, levels: np.ndarray) -> None:
        """Z_RᵀZ₁ by CrossBlocks' blocks, from the blocks' (sorted) rows and levels."""
        ukey = levels.astype(np.int64) * self.qR + rows
        block = np.searchsorted(ukey, self.key)
        self._bind_cross(block[:, :, None] * self.k1 + np.arange(self.k1), ukey.size * self.k1)

    def bind_dense(self) -> None:
        """Z_RᵀZ₁ kept dense (qR × q₁)."""
        lev, row = np.divmod(self.key, self.qR)                          # (n, rR)
        idx = (row * self.q1 + lev * self.k1)[:, :, None] + np.arange(self.k1)
        self._bind_cross(idx, self.qR * self.q1)

    def _bind_cross(self, idx: np.ndarray, size: int) -> None:
        self.parts.append((idx, self.valR[:, :, None] * self.M1[:, None, :]))
        self._build(size)

    def _build(self, cross_size: int) -> None:
        """S: one row per output entry (A₁₁, then A_RR, then Z_RᵀZ₁), one column per row."""
        sizes = [self.size11, self.qR * self.qR, cross_size][:len(self.parts)]
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        rows, cols, data = [], [], []
        for (idx, prod), off in zip(self.parts, offsets):
            idx = idx.reshape(self.n, -1)
            rows.append((idx + off).ravel())
            cols.append(np.repeat(np.arange(self.n), idx.shape[1]))
            data.append(prod.reshape(self.n, -1).ravel())
        self.S = sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(int(offsets[-1]), self.n))
        self.offsets = offsets
        del self.parts

    def products(self, w: np.ndarray, F: np.ndarray) -> Products:
        k1, n1, qR, f = self.k1, self.n1, self.qR, F.shape[1]
        v = self.S @ w
        wF = F * w[:, None]
        ZF = self.ZT @ wF                                                 # (q, f)
        AFF = F.T @ wF
        A11 = v[:self.size11].reshape(n1, k1, k1)
        AF1 = ZF[:self.q1].reshape(n1, k1, f)
        if not qR:
            return Products(A11, AF1, AFF, None, None, None)
        o = self.offsets
        ARR = v[o[1]:o[2]].reshape(qR, qR)
        ARR += np.tril(ARR, -1).T
        return Products(A11, AF1, AFF, v[o[2]:o[3]], ARR, np.ascontiguousarray(ZF[self.q1:].T))
