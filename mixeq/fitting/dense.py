"""Dense factorisation for small models (q + p + 1 up to a few hundred).

For sleepstudy-sized problems the cost of a fit is the per-θ overhead, not the
flops: one dense (q+p+1)² matrix, Λ̃ᵀAΛ̃ + I, one LAPACK ``dpotrf``. The blocked
factor (``blocked.py``) takes over for larger q.
"""
from __future__ import annotations

from functools import partial

import numpy as np
from scipy.linalg import solve_triangular
from scipy.linalg.lapack import dpotrf

from mixeq.fitting.criterion import Factorization, criterion
from mixeq.fitting.theta import ThetaLayout


class DenseFactor:
    name = "dense"
    later = None   # no blocked later terms

    def __init__(self, X: np.ndarray, y: np.ndarray, terms, layout: ThetaLayout):
        q = sum(t.q for t in terms)
        F = np.column_stack([X, y])
        dim = q + F.shape[1]
        A = np.empty((dim, dim))
        A[:q, :q] = _ztz(terms, q)
        A[q:, :q] = _ztf(terms, F, q).T
        A[:q, q:] = A[q:, :q].T
        A[q:, q:] = F.T @ F
        self._bind(A, X.shape[0], X.shape[1], terms, layout)

    @classmethod
    def of_gram(cls, A: np.ndarray, n: int, p: int, terms, layout: ThetaLayout) -> "DenseFactor":
        """The factor of the given [Z X y]ᵀ[Z X y] (``A``, dim × dim) of ``n`` rows,
        when the products come without the rows (mixeq/fitting/products.py)."""
        self = cls.__new__(cls)
        self._bind(A, n, p, terms, layout)
        return self

    def _bind(self, A: np.ndarray, n: int, p: int, terms, layout: ThetaLayout) -> None:
        self.n, self.p = n, p
        self.terms = terms
        self.layout = layout
        self.q = q = sum(t.q for t in terms)
        self.A = A
        self.dim = dim = A.shape[0]
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
        self._d = np.ones(dim)

    def _factor(self, theta: np.ndarray):
        """Lower Cholesky factor of Λ̃ᵀAΛ̃ + diag(I_q, 0) (upper triangle: junk)."""
        if self.scalar:
            d = self._d
            d[:self.q] = theta[self.col_theta]
            M = self.A * d[:, None]
            M *= d
        else:
            lam = self.lam0.copy()
            lam.reshape(-1)[self.flat] = theta[self.which]
            M = lam.T @ self.A @ lam
        M.reshape(-1)[self.diag_q] += 1.0
        # M is symmetric and C-ordered: its transpose is the same matrix in Fortran order
        U, info = dpotrf(M.T, lower=0, clean=0, overwrite_a=1)
        return U.T, info

    def objective(self, theta: np.ndarray, reml: bool) -> float:
        L, info = self._factor(theta)
        if info != 0:
            return np.inf
        d = np.log(L.diagonal())
        q, p = self.q, self.p
        return criterion(2.0 * d[:q].sum(), 2.0 * d[q:q + p].sum(),
                         float(L[-1, -1]) ** 2, self.n, p, reml)

    def criterion(self, reml: bool):
        return partial(self.objective, reml=reml)

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


def _ztz(terms, q: int) -> np.ndarray:
    """ZᵀZ without forming Z: one bincount per pair of term columns."""
    out = np.zeros((q, q))
    starts = np.cumsum([0] + [t.q for t in terms])
    for i, s in enumerate(terms):
        for j, t in enumerate(terms[:i + 1]):
            block = np.zeros(s.q * t.q)
            for a in range(s.ncols):
                rows = s.codes * s.ncols + a
                for b in range(t.ncols):
                    idx = rows * t.q + t.codes * t.ncols + b
                    block += np.bincount(idx, weights=s.matrix[:, a] * t.matrix[:, b],
                                         minlength=s.q * t.q)
            block = block.reshape(s.q, t.q)
            out[starts[i]:starts[i + 1], starts[j]:starts[j + 1]] = block
            out[starts[j]:starts[j + 1], starts[i]:starts[i + 1]] = block.T
    return out


def _ztf(terms, F: np.ndarray, q: int) -> np.ndarray:
    """Zᵀ[X y] (q × f) without forming Z."""
    out = np.empty((q, F.shape[1]))
    start = 0
    for t in terms:
        for a in range(t.ncols):
            for j in range(F.shape[1]):
                out[start + a:start + t.q:t.ncols, j] = np.bincount(
                    t.codes, weights=t.matrix[:, a] * F[:, j], minlength=t.nlevels)
        start += t.q
    return out
