"""Dense factorisation for small models (q + p + 1 up to a few hundred).

For sleepstudy-sized problems the cost of a fit is the per-θ overhead, not the
flops: one dense (q+p+1)² matrix, Λ̃ᵀAΛ̃ + I, one LAPACK ``dpotrf``. The blocked
factor (``blocked.py``) takes over for larger q.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.linalg import solve_triangular
from scipy.linalg.lapack import dpotrf

from mixeq.fit.criterion import Factorization, criterion
from mixeq.fit.theta import ThetaLayout


class DenseFactor:
    name = "dense"

    def __init__(self, X: np.ndarray, y: np.ndarray, terms, layout: ThetaLayout):
        self.n, self.p = X.shape
        self.terms = terms
        self.layout = layout
        self.q = q = sum(t.q for t in terms)
        F = np.column_stack([X, y])
        Z = sp.hstack([t.Z() for t in terms], format="csc") if terms else sp.csc_matrix((self.n, 0))
        dim = q + F.shape[1]
        A = np.empty((dim, dim))
        A[:q, :q] = (Z.T @ Z).toarray()
        A[q:, :q] = (Z.T @ F).T
        A[:q, q:] = A[q:, :q].T
        A[q:, q:] = F.T @ F
        self.A = A
        self.dim = dim
        self.dense_size = dim
        self.scalar = all(k == 1 for k in layout.sizes)
        self._index(q, dim)

    def _index(self, q: int, dim: int) -> None:
        """Flat positions of every θ element in Λ̃ = diag(Λ, I), and its θ index."""
        flat, which, col_theta = [], [], np.zeros(q, dtype=np.intp)
        start = 0
        for t, term in enumerate(self.terms):
            k, off = term.ncols, self.layout.offsets[t]
            base = start + np.arange(term.nlevels) * k
            for m in range(k * (k + 1) // 2):
                i, j = self.layout.rows[off + m], self.layout.cols[off + m]
                flat.append((base + i) * dim + base + j)
                which.append(np.full(term.nlevels, off + m))
                if i == j:
                    col_theta[base + i] = off + m
            start += term.q
        self.flat = np.concatenate(flat) if flat else np.zeros(0, dtype=np.intp)
        self.which = np.concatenate(which) if which else np.zeros(0, dtype=np.intp)
        self.col_theta = col_theta
        self.lam0 = np.zeros((dim, dim))
        self.lam0[np.arange(q, dim), np.arange(q, dim)] = 1.0
        self.diag_q = np.arange(q) * (dim + 1)

    def _factor(self, theta: np.ndarray):
        q = self.q
        if self.scalar:
            d = np.ones(self.dim)
            d[:q] = theta[self.col_theta]
            M = self.A * np.outer(d, d)
        else:
            lam = self.lam0.copy()
            lam.flat[self.flat] = theta[self.which]
            M = lam.T @ self.A @ lam
        M.flat[self.diag_q] += 1.0
        L, info = dpotrf(M, lower=1, clean=0, overwrite_a=1)
        return L, info

    def objective(self, theta: np.ndarray, reml: bool) -> float:
        L, info = self._factor(theta)
        if info != 0:
            return np.inf
        d = np.log(L.diagonal())
        q, p = self.q, self.p
        return criterion(2.0 * d[:q].sum(), 2.0 * d[q:q + p].sum(),
                         float(L[-1, -1]) ** 2, self.n, p, reml)

    def factorization(self, theta: np.ndarray) -> Factorization:
        L, info = self._factor(theta)
        L = np.tril(L)
        q, p = self.q, self.p
        d = np.log(L.diagonal())
        rx = L[q:q + p, q:q + p]
        beta = solve_triangular(rx, L[-1, q:q + p], lower=True, trans="T")
        rhs = L[-1, :q] - L[q:q + p, :q].T @ beta
        u = solve_triangular(L[:q, :q], rhs, lower=True, trans="T") if q else rhs
        return Factorization(2.0 * d[:q].sum(), 2.0 * d[q:q + p].sum(),
                             float(L[-1, -1]) ** 2, beta, self._split(u), rx)

    def _split(self, u: np.ndarray) -> list[np.ndarray]:
        out, start = [], 0
        for term in self.terms:
            out.append(u[start:start + term.q].reshape(term.nlevels, term.ncols))
            start += term.q
        return out

    def condvar_u(self, theta: np.ndarray) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L_Z L_Zᵀ)⁻¹, one array per term."""
        L, _ = self._factor(theta)
        q = self.q
        Linv = solve_triangular(np.tril(L[:q, :q]), np.eye(q), lower=True)
        out, start = [], 0
        for term in self.terms:
            k, nl = term.ncols, term.nlevels
            cols = Linv[:, start:start + term.q].reshape(q, nl, k)
            out.append(np.einsum("ila,ilb->lab", cols, cols))
            start += term.q
        return out
