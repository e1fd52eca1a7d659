"""PIRLS steps with β held for two crossed intercept terms ``(1 | g) + (1 | h)``
(VerbAgg's subjects × items): the levels' algebra (level_steps.py's ``Algebra``)
of crossed.py's ``ScalarTermsPredictor`` when its later term is one and the cells
g × h are few (at most CELLS_PER_ROW per row: a dense C).

With f = 1 (only the working response z) crossed.py's system is small: C = Z_RᵀWZ₁
(qR × q₁, the weights summed per cell), a = Cᵀ1, a_R = C1, s = λ₁²a + 1,
g = λ₁²/s, and with B = Z₁ᵀWz, B_R = Z_RᵀWz (Bates et al. 2015 §3.6, the Schur
complement of the diagonal first block)

    M   = λ₂² (diag(a_R) − C diag(g) Cᵀ) + I,     M u_R = λ₂ (B_R − C diag(g) B)
    u₁  = λ₁ (B − Cᵀ(λ₂u_R)) / s,                 log|L|² = Σ log s + Σ log diag(L_M)²

(L_M = chol M). Every sum over the rows is one bincount over the cells (margins
give a, a_R, B, B_R). After a step η − Xβ − offset = ZΛu, λ₂u_R[r] + λ₁u₁[l] in
cell (r, l), so the next step's z = ZΛu + zres needs no column kept: Z'Wz is the
margins of the cells' sums of W z. Everything takes a leading axis of points
(batch.py): M as a stack, factored by one ``numpy.linalg.cholesky``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.linalg.lapack import dpotrf, dpotrs

from mixeq.fitting.glmm.crossed import cell_of, in_cell_order
from mixeq.fitting.glmm.level_steps import Algebra, Binner

CELLS_PER_ROW = 4        # cells g × h per row at most (a dense C per point)


class CellSums:
    """Σ over the rows of each cell (r, l) — r the second term's level, l the
    first's — as a (…, qR, q₁) array (``cells``), or its margins [Z₁ᵀG, Z_RᵀG]
    concatenated (…, q₁ + qR) (``__call__``, level_steps' ``first``). One row per
    cell (a fully crossed design, VerbAgg's) needs no sum: G itself, reshaped in the
    rows' order (``order`` None) or taken in the cells' (the sums are the same
    numbers: a bincount adds each to 0)."""

    def __init__(self, c0: np.ndarray, c1: np.ndarray, q1: int, qR: int):
        self.q1, self.qR = q1, qR
        self.cell = cell_of(c0, c1, q1)                  # the cell of each row
        self.bins = self.order = None
        one_each = self.cell.size == q1 * qR and np.bincount(self.cell).max() == 1
        if not one_each:
            self.bins = Binner(self.cell, q1 * qR)
        elif not in_cell_order(self.cell, q1 * qR):
            self.order = np.argsort(self.cell)             # the row of each cell

    def cells(self, G: np.ndarray) -> np.ndarray:
        if self.bins is not None:
            G = self.bins(G)
        elif self.order is not None:
            G = G.take(self.order, axis=-1)
        return G.reshape(G.shape[:-1] + (self.qR, self.q1))

    def rows(self, cells: np.ndarray) -> np.ndarray:
        """A value per cell (…, qR·q₁) back on the rows (…, n)."""
        if self.bins is None and self.order is None:
            return cells
        return cells.take(self.cell, axis=-1)

    def __call__(self, G: np.ndarray) -> np.ndarray:
        C = self.cells(G)
        return np.concatenate([C.sum(axis=-2), C.sum(axis=-1)], axis=-1)


class CrossedPair(Algebra):
    """Two crossed intercept terms (the module): ``a`` is C and its margins
    (``Cells``), the sums ``zw`` are [Z₁ᵀWz, Z_RᵀWz]."""

    def __init__(self, pred):
        c0, c1 = pred.codes
        self.cellsums = CellSums(c0, c1, pred.q1, pred.qR)
        super().__init__(pred, self.cellsums, None, pred.theta_index)
        self.q1 = pred.q1
        self.diag = np.arange(pred.qR)

    @staticmethod
    def takes(pred) -> bool:
        """Two intercept terms, not nested (``NestedPair``), few cells."""
        return (len(pred.terms) == 2 and all(c is None for c in pred.cols)
                and pred.q1 * pred.qR <= CELLS_PER_ROW * pred.n)

    def a(self, w: np.ndarray) -> Cells:
        """C (the weights summed per cell) and its margins a, a_R."""
        C = self.cellsums.cells(w)
        return Cells(C, C.sum(axis=-2), C.sum(axis=-1))

    def step(self, lams, cells, B):
        t1, t2 = lams
        C, a, aR = cells
        q1, d = self.q1, self.diag
        B1, BR = B[..., :q1], B[..., q1:]
        t1s, t2s = t1 * t1, t2 * t2
        s = t1s * a + 1.0
        Cg = C * (t1s / s)[..., None, :]
        M = Cg @ np.swapaxes(C, -1, -2)                  # C diag(g) Cᵀ
        M *= -np.asarray(t2s)[..., None]
        M[..., d, d] += t2s * aR + 1.0
        rhs = t2 * (BR - (Cg @ B1[..., None])[..., 0])
        ldiag, uR = _solve(M, rhs)
        u1 = t1 * (B1 - (np.swapaxes(C, -1, -2) @ (t2 * uR)[..., None])[..., 0]) / s
        return [u1, uR], (s, ldiag * ldiag)

    @staticmethod
    def positive(diag) -> bool:
        return bool(diag[1].min() > 0.0)

    def _zlam(self, lams, u) -> np.ndarray:
        """ZΛu on the rows (…, n), from its value per cell λ₂u_R[r] + λ₁u₁[l]."""
        t1, t2 = lams
        v1, vR = t1 * u[0], t2 * u[1]
        cells = vR[..., :, None] + v1[..., None, :]
        return self.cellsums.rows(cells.reshape(cells.shape[:-2] + (-1,)))

    def eta(self, fixed, lams, u):
        return fixed + self._zlam(lams, u)

    def next(self, resp, lams, eta, mu, u):
        """W, C and Z'Wz for z = ZΛu + zres (η − Xβ − offset = ZΛu after a step)."""
        w, zres = resp.working(eta, mu)
        return w, self.a(w), self.first(w * (self._zlam(lams, u) + zres))


class Cells(NamedTuple):
    """``CrossedPair``'s sums of the weights: per cell (…, qR, q₁) and its margins."""

    C: np.ndarray
    a: np.ndarray
    aR: np.ndarray


def _solve(M: np.ndarray, rhs: np.ndarray):
    """(diag L, M⁻¹ rhs) for M = L Lᵀ: by LAPACK for one M, for a stack by numpy's
    Cholesky and solve; a matrix that is not positive definite gets a NaN diagonal
    (``positive`` then fails: PirlsFailed, or the point leaves the batch)."""
    if M.ndim == 2:
        L, info = dpotrf(M, lower=1, clean=0)
        if info != 0:
            return np.full(M.shape[0], np.nan), np.full_like(rhs, np.nan)
        return L.diagonal().copy(), dpotrs(L, rhs, lower=1)[0]
    try:
        L = np.linalg.cholesky(M)
    except np.linalg.LinAlgError:
        L = np.full_like(M, np.nan)
        for i, m in enumerate(M):
            try:
                L[i] = np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                M[i] = np.eye(M.shape[-1])              # solvable; its point leaves
    d = np.arange(M.shape[-1])
    return L[..., d, d], np.linalg.solve(M, rhs[..., None])[..., 0]
