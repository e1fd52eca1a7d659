"""The predictor part of a GLMM (lme4's merPredD): X, Z, Λθ and the blocked
Cholesky factor of the weighted system, rebuilt at every PIRLS step by
``reweight``.

For weights W (the GLM working weights) and columns F (the working response,
and X when β is solved for too) the penalised least-squares system is the
augmented matrix of [ZΛ F] with I added to the ZΛ block (Bates et al. 2015,
JSS 67(1), §3.6; MixedModels.jl's ``reweight!`` and ``updateL!``):

    L = [ L₁₁               ]   L₁₁: one k₁ × k₁ block per level of the first term
        [ L_R1   L_RR       ]   L_R1 = Λ_RᵀZ_RᵀWZ₁Λ₁ L₁₁⁻ᵀ (dense qR × q₁), L_RR dense
        [ c₁ᵀ    c_Rᵀ  L_FF ]   F's rows: L_FF is R_X (and r) when β is solved for

The first term (most levels, lme4's order) stays block-diagonal; the later
terms form one dense block (crossed designs fill it in). Every cross-product
is one ``np.bincount`` over the n rows with index arrays fixed per model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.linalg.lapack import dpotrf

from mixeq.errors import FitError
from mixeq.fitting.blocks import chol_stack, inv_lower_stack

MAX_REST = 4000          # dense block of the later terms up to this size
MAX_CROSS = 30_000_000   # entries of the dense L_R1


@dataclass
class WeightedProducts:
    """The cross-products of [Z F] under weights W (``reweight``'s output)."""

    A11: np.ndarray          # (n1, k1, k1): Σ w m mᵀ per level of term 1
    A1F: np.ndarray          # (n1, k1, f): Σ w m Fᵀ
    ARR: np.ndarray | None   # (qR, qR): Z_RᵀWZ_R
    AR1: np.ndarray | None   # (qR, q1): Z_RᵀWZ₁
    ARF: np.ndarray | None   # (qR, f)
    AFF: np.ndarray          # (f, f)


@dataclass
class Solution:
    """A factor at (θ, W) and what it solves: u (spherical modes, per term
    levels × k), β (when F held X), log|L_Z|², and R_X."""

    u: list
    beta: np.ndarray
    ld_l: float
    rx: np.ndarray
    L1: np.ndarray


class WeightedPredictor:
    """X, the terms' matrices and codes, and the weighted blocked factor."""

    def __init__(self, X: np.ndarray, terms, layout):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.n, self.p = X.shape
        self.terms, self.layout = list(terms), layout
        if not self.terms:
            raise FitError("a GLMM needs at least one random-effects term '(1 | g)'; "
                           "for a GLM without random effects use statsmodels' GLM")
        t1 = self.terms[0]
        self.k1, self.n1 = t1.ncols, t1.nlevels
        self.q1 = t1.q
        k1 = self.k1
        M1 = t1.matrix
        a, b = np.divmod(np.arange(k1 * k1), k1)
        self.codes1 = t1.codes
        self.idx11 = (t1.codes[:, None] * (k1 * k1) + np.arange(k1 * k1)).ravel()
        self.prod11 = M1[:, 0] * M1[:, 0] if k1 == 1 else M1[:, a] * M1[:, b]
        self.Z1T = t1.Z().T.tocsr()
        self.col1 = t1.codes[:, None] * k1 + np.arange(k1)     # (n, k1) columns of Z₁
        self.M1 = M1
        self.rest = self.terms[1:]
        self.qR = sum(t.q for t in self.rest)
        if self.qR > MAX_REST or self.qR * self.q1 > MAX_CROSS:
            raise FitError(f"the random effects after the first term ({self.qR}) are too many for "
                           f"the GLMM factor (at most {MAX_REST}, and {MAX_CROSS:,} crossings with "
                           "the first term); simplify the crossed terms")
        if self.rest:
            self._init_rest()
        self.slices = []
        start = 0
        for i, t in enumerate(self.rest, start=1):
            self.slices.append((slice(start, start + t.q), t.nlevels, t.ncols, i))
            start += t.q
        self.rest_scalar = all(t.ncols == 1 for t in self.rest)
        self.rest_q = [t.q for t in self.rest]
        self.intercept_only = [t.ncols == 1 and bool(np.all(t.matrix == 1.0)) for t in self.terms]

    def _init_rest(self) -> None:
        cols, vals, start = [], [], 0
        for t in self.rest:
            for a in range(t.ncols):
                cols.append(start + t.codes * t.ncols + a)
                vals.append(t.matrix[:, a])
            start += t.q
        colR = np.column_stack(cols)            # (n, rR): each row's columns of Z_R
        valR = np.column_stack(vals)
        qR, rR = self.qR, colR.shape[1]
        pa, pb = np.tril_indices(rR)            # later columns ≥ earlier: lower triangle
        self.idxRR = (colR[:, pa] * qR + colR[:, pb]).ravel()
        self.prodRR = valR[:, pa] * valR[:, pb]
        ra, c1 = np.divmod(np.arange(rR * self.k1), self.k1)
        self.idxR1 = (colR[:, ra] * self.q1 + self.col1[:, c1]).ravel()
        self.prodR1 = valR[:, ra] * self.M1[:, c1]
        self.ZRT = sp.hstack([t.Z() for t in self.rest], format="csc").T.tocsr()

    # -- reweight: the cross-products under W ----------------------------------
    def reweight(self, w: np.ndarray, F: np.ndarray) -> WeightedProducts:
        """Cross-products of [Z F] weighted by ``w``: Zᵀ W Z by one bincount per
        block (index arrays fixed per model), Zᵀ W F by a sparse product."""
        k1, n1 = self.k1, self.n1
        f = F.shape[1]
        if k1 == 1:
            A11 = np.bincount(self.codes1, w * self.prod11, minlength=n1).reshape(n1, 1, 1)
        else:
            A11 = np.bincount(self.idx11, (w[:, None] * self.prod11).ravel(),
                              minlength=n1 * k1 * k1).reshape(n1, k1, k1)
        wF = F * w[:, None]
        A1F = np.asarray(self.Z1T @ wF).reshape(n1, k1, f)
        AFF = F.T @ wF
        ARR = AR1 = ARF = None
        if self.rest:
            qR = self.qR
            ARR = np.bincount(self.idxRR, (w[:, None] * self.prodRR).ravel(),
                              minlength=qR * qR).reshape(qR, qR)
            ARR = ARR + np.tril(ARR, -1).T
            AR1 = np.bincount(self.idxR1, (w[:, None] * self.prodR1).ravel(),
                              minlength=qR * self.q1).reshape(qR, self.q1)
            ARF = np.asarray(self.ZRT @ wF)
        return WeightedProducts(A11, A1F, ARR, AR1, ARF, AFF)

    # -- Λ on the later block ------------------------------------------------------
    def _lam_rows(self, M: np.ndarray, lams, transpose: bool, d=None) -> np.ndarray:
        """Λ_Rᵀ M (transpose) or Λ_R M, term by term on M's rows (``d``: Λ_R's
        diagonal when every later term is scalar)."""
        if self.rest_scalar:
            if d is None:
                d = self._rest_diag(lams)
            return M * d[:, None]
        out = np.empty_like(M)
        for sl, nl, k, i in self.slices:
            lam = lams[i].T if transpose else lams[i]
            out[sl] = np.matmul(lam, M[sl].reshape(nl, k, -1)).reshape(nl * k, -1)
        return out

    def _rest_diag(self, lams) -> np.ndarray:
        return np.repeat([lams[i][0, 0] for _, _, _, i in self.slices], self.rest_q)

    # -- the factor and its solution -------------------------------------------------
    def solve(self, theta: np.ndarray, prods: WeightedProducts, p: int) -> Solution | None:
        """Factor at θ and solve: F's first ``p`` columns are X (β solved for),
        its last the working response. None when a block is not positive definite."""
        lams = self.layout.lambdas(theta)
        lam1, k1, n1 = lams[0], self.k1, self.n1
        if k1 == 1:
            t = lam1[0, 0]
            L1 = np.sqrt(prods.A11 * (t * t) + 1.0)             # (n1, 1, 1)
            Li = 1.0 / L1
            N = t * Li                                          # λ L⁻ᵀ
            c1 = prods.A1F * N                                  # L⁻¹ λᵀ Z₁ᵀWF
        else:
            S = np.matmul(lam1.T, np.matmul(prods.A11, lam1)) + np.eye(k1)
            L1 = chol_stack(S)
            Li = inv_lower_stack(L1)
            N = np.matmul(lam1, Li.transpose(0, 2, 1))
            c1 = np.matmul(Li, np.matmul(lam1.T, prods.A1F))
        ld = 2.0 * float(np.log(np.diagonal(L1, axis1=1, axis2=2)).sum())
        f = prods.AFF.shape[0]
        c1f = c1.reshape(-1, f)                                 # (q1, f)
        SF = prods.AFF - c1f.T @ c1f
        LRR = V = cR = None
        if self.rest:
            if self.rest_scalar:
                d = self._rest_diag(lams)
                B = prods.AR1 * d[:, None]                      # Λ_Rᵀ Z_RᵀWZ₁ (qR, q1)
                M = prods.ARR * np.outer(d, d)
                rhsR = prods.ARF * d[:, None]
            else:
                B = self._lam_rows(prods.AR1, lams, True)
                M = self._lam_rows(self._lam_rows(prods.ARR, lams, True).T, lams, True)
                rhsR = self._lam_rows(prods.ARF, lams, True)
            V = np.einsum("rla,lab->rlb", B.reshape(self.qR, n1, k1), N).reshape(self.qR, -1) \
                if k1 > 1 else B * N[:, 0, 0]
            M -= V @ V.T
            M[np.diag_indices_from(M)] += 1.0
            LRR, info = dpotrf(M, lower=1, clean=1)
            if info != 0:
                return None
            ld += 2.0 * float(np.log(LRR.diagonal()).sum())
            rhs = rhsR - V @ c1f
            cR = solve_triangular(LRR, rhs, lower=True, check_finite=False)
            SF -= cR.T @ cR
        LFF, info = dpotrf(SF, lower=1, clean=1)
        if info != 0 and p:
            return None
        rx = LFF[:p, :p]
        if p:
            beta = solve_triangular(rx, LFF[p, :p], lower=True, trans="T", check_finite=False)
            w = np.append(-beta, 1.0)
        else:
            beta, w = np.zeros(0), np.ones(1)
        # back-substitution: u_R = L_RRᵀ⁻¹ c_R w, u₁ = L₁ᵀ⁻¹ (c₁ w − L_R1ᵀ u_R)
        r1 = c1 @ w                                             # (n1, k1)
        u = []
        if self.rest:
            uR = solve_triangular(LRR, cR @ w, lower=True, trans="T", check_finite=False)
            r1 = r1 - (V.T @ uR).reshape(n1, k1)
            for sl, nl, k, _ in self.slices:
                u.append(uR[sl].reshape(nl, k))
        u1 = np.einsum("lba,lb->la", Li, r1)
        return Solution([u1, *u], beta, ld, rx, L1)

    # -- linear predictor ------------------------------------------------------------
    def zb(self, theta: np.ndarray, u: list) -> np.ndarray:
        """Z Λ u on the n rows."""
        out = None
        for term, ut, lam, icpt in zip(self.terms, u, self.layout.lambdas(theta),
                                       self.intercept_only):
            if term.ncols == 1:
                part = (ut[:, 0] * lam[0, 0])[term.codes]
                if not icpt:
                    part *= term.matrix[:, 0]
            else:
                part = np.einsum("ik,ik->i", term.matrix, (ut @ lam.T)[term.codes])
            out = part if out is None else out + part
        return out

    def condvar_u(self, theta, prods: WeightedProducts) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L Lᵀ)⁻¹ for each term (lme4's condVar
        of the spherical effects): formed densely (q × q)."""
        q = self.q1 + self.qR
        if q > 6000:
            raise FitError(f"conditional variances need a dense {q} × {q} inverse; too large")
        lams = self.layout.lambdas(theta)
        # the whole Z-block matrix Λᵀ ZᵀWZ Λ + I, densely
        A = np.zeros((q, q))
        k1, n1 = self.k1, self.n1
        lam1 = lams[0]
        blocks = np.matmul(lam1.T, np.matmul(prods.A11, lam1))
        for l in range(n1):
            A[l * k1:(l + 1) * k1, l * k1:(l + 1) * k1] = blocks[l]
        if self.rest:
            B = self._lam_rows(prods.AR1, lams, True)
            B = (B.reshape(self.qR, n1, k1) @ lam1).reshape(self.qR, -1)
            A[self.q1:, :self.q1] = B
            A[:self.q1, self.q1:] = B.T
            A[self.q1:, self.q1:] = self._lam_rows(self._lam_rows(prods.ARR, lams, True).T, lams, True)
        A[np.diag_indices(q)] += 1.0
        inv = np.linalg.inv(A)
        out = [np.stack([inv[l * k1:(l + 1) * k1, l * k1:(l + 1) * k1] for l in range(n1)])]
        for sl, nl, k, _ in self.slices:
            s0 = self.q1 + sl.start
            out.append(np.stack([inv[s0 + l * k:s0 + (l + 1) * k, s0 + l * k:s0 + (l + 1) * k]
                                 for l in range(nl)]))
        return out
