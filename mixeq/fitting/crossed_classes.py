"""The later block's update for a scalar first term, by classes of equal counts.

For a scalar first term (one column; lme4's term with most levels) the level's
factor is S_l = λ²a_l + 1 with a_l = Σ z² over its rows (its count for an
intercept), so G_l = λ²/(λ²a_l + 1) depends on a_l alone. Levels with equal a_l
form a class c with one g_c, and the update of the later terms' block is

    Z_RᵀZ₁ diag(G) Z₁ᵀZ_R = Σ_c g_c M_c,    M_c = Σ_{l in c} A_l A_lᵀ

(A_l: level l's column of A = Z_RᵀZ₁). The C matrices M_c (qR × qR) are formed
once, by dense BLAS ``syrk`` on chunks of the levels of each class (Σ_c n_c qR²
multiply-adds, in float32 when that is exact: integer A and every partial sum
below 2²⁴), and kept as their packed lower triangles. The pair operator of
pairs.py, which needs Σ_l nnz(A_l)² entries (1.8·10⁹ for 100,000 × 2,000 crossed
levels), is never formed.

Per θ the update is one (T × C) mat-vec, T = qR(qR + 1)/2. With many classes
(the counts of a Poisson-like factor: ~120) that is the cost, so the vector g(θ)
is projected on a K-dimensional basis Q (orthonormal columns spanning the
Chebyshev polynomials T_0 … T_{K-1} of the class values): the update is
(S Q)(Qᵀ g), with S Q (T × K) formed once. g_c = 1/(a_c + s), s = 1/λ², is
analytic in a_c away from its pole at −s ≤ 0, so its polynomial projection
converges geometrically; K is the smallest for which the projection's residual
‖g − QQᵀg‖∞/‖g‖∞ stays below ``PROJECTION_TOL`` for every s ≥ 0 (checked on a
grid at s = 0 and across the classes' range; s = 0 is the nearest pole, and
larger s only flatten g). Where no K < C does (counts spread down to 1), the
classes are kept exactly (Q = I). Projected, the class matrices pass a batch at
a time into QᵀS (float64, K × T), so S itself is never held whole.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import dsyrk, ssyrk

MAX_CLASS_BYTES = 1_500_000_000   # the class matrices' packed storage (then freed if projected)
MAX_CHUNK_ENTRIES = 16_000_000     # levels × qR entries of one dense chunk given to syrk
BATCH_BYTES = 128_000_000          # class matrices held at once on their way into QᵀS
PROJECTION_TOL = 1e-14             # relative residual of g's projection allowed at any θ
EXACT_FLOAT32 = 2.0 ** 24          # integers below this are exact in float32
CHUNK_BLOCKS = 2_000_000           # blocks per chunk of the class sums of Z₁ᵀF


@dataclass
class ClassUpdate:
    """Σ_c g_c M_c's packed lower triangle as (Qᵀg)ᵀ B, B = QᵀS (K × T; S: C × T,
    one class's packed M_c per row, lower triangle column by column)."""

    rows: np.ndarray        # (T,) row i of each packed entry (i ≥ j)
    cols: np.ndarray        # (T,) column j
    B: np.ndarray           # (K, T): float64, or float32 when exact and not projected
    Qt: np.ndarray | None   # (K, C); None: B's columns are the classes themselves
    first: np.ndarray       # (C,) one level of each class (where G is read)
    C: np.ndarray           # (C, f·qR): Σ_{l in c} A_l F_lᵀ, for the [X y] rows
                            # (first and C: the interface of later.LevelClasses)

    def weights(self, G: np.ndarray) -> np.ndarray:
        """The K weights of B's columns from the per-level G (n₁,)."""
        g = G[self.first]
        return g if self.Qt is None else self.Qt @ g

    def packed(self, G: np.ndarray) -> np.ndarray:
        """Σ_c g_c M_c at (rows, cols), float64."""
        w = self.weights(G)
        if self.B.dtype == np.float64:
            return w @ self.B
        return _chunked(w, self.B)

    def positions(self, width: int) -> np.ndarray:
        """Flat positions of the packed entries in a C-ordered array ``width`` wide."""
        return self.rows.astype(np.int64) * width + self.cols

    @property
    def nbytes(self) -> int:
        return self.B.nbytes


def class_update(values: np.ndarray, rows: np.ndarray, levels: np.ndarray, a: np.ndarray,
                 qR: int, AF1: np.ndarray) -> ClassUpdate | None:
    """The class matrices of A = Z_RᵀZ₁ (scalar first term) given by its blocks
    (``values``, ``rows``, ``levels``: pairs.CrossBlocks with k₁ = 1), a_l per level
    (``a``) and Z₁ᵀF (``AF1``, n₁ × f). None when the classes would need more than
    ``MAX_CLASS_BYTES`` (then the caller keeps its general path)."""
    n1 = a.size
    classes, first, inv = np.unique(a, return_index=True, return_inverse=True)
    C = classes.size
    T = qR * (qR + 1) // 2
    v = values.ravel()
    exact = bool(np.all(v == np.rint(v))) and \
        float(np.bincount(rows, weights=v * v, minlength=qR).max(initial=0.0)) < EXACT_FLOAT32
    dtype = np.float32 if exact else np.float64
    Qt = _projection(classes)
    K = C if Qt is None else Qt.shape[0]
    # projected: the classes go through a batch of rows (≤ BATCH_BYTES) into B = QᵀS
    batch = C if Qt is None else max(1, min(C, BATCH_BYTES // (T * np.dtype(dtype).itemsize)))
    need = K * T * (8 if Qt is not None else np.dtype(dtype).itemsize) + \
        (batch * T * np.dtype(dtype).itemsize if Qt is not None else 0)
    if need > MAX_CLASS_BYTES:
        return None
    At = _by_class(v.astype(dtype), rows, levels, inv, n1, qR)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(inv, minlength=C))])
    cj, ri = np.triu_indices(qR)             # lower (i ≥ j), column by column
    src = cj.astype(np.int64) * qR + ri      # where (i, j) is in a Fortran-ordered result
    S = np.empty((batch, T), dtype=dtype)
    B = S if Qt is None else np.zeros((K, T))
    syrk = ssyrk if exact else dsyrk
    step = max(1, MAX_CHUNK_ENTRIES // qR)
    for c in range(C):
        M = None
        for s in range(bounds[c], bounds[c + 1], step):
            D = At[s:min(s + step, bounds[c + 1])].toarray()          # (levels, qR), C order
            M = syrk(1.0, D.T, trans=0, lower=1) if M is None else \
                syrk(1.0, D.T, beta=1.0, c=M, trans=0, lower=1, overwrite_c=1)
        S[c % batch] = M.T.reshape(-1)[src]
        if Qt is not None and (c % batch == batch - 1 or c == C - 1):
            done = c % batch + 1
            _chunked(Qt[:, c + 1 - done:c + 1], S[:done], out=B)
    del At, S
    C_class = _class_f_products(values.ravel(), rows, levels, inv, C, qR, AF1)
    return ClassUpdate(ri.astype(np.int32), cj.astype(np.int32), B, Qt, first, C_class)


def _chunked(W: np.ndarray, S: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """W @ S in float64 for a float32 S, a block of S's columns at a time (added
    to ``out`` when given)."""
    add = out is not None
    if out is None:
        out = np.empty(W.shape[:-1] + (S.shape[1],))
    step = max(1, 4_000_000 // S.shape[0])
    for s in range(0, S.shape[1], step):
        part = W @ S[:, s:s + step].astype(np.float64)
        if add:
            out[..., s:s + step] += part
        else:
            out[..., s:s + step] = part
    return out


def _by_class(v, rows, levels, inv, n1: int, qR: int) -> sp.csr_matrix:
    """A's transpose (levels × qR) with its levels ordered by class: each level's
    row placed at its class-ordered position as the matrix is built (one CSR of the
    19M blocks, not a CSR and its row-permuted copy)."""
    small = np.int32 if max(n1, qR) < 2 ** 31 else np.intp
    position = np.empty(n1, dtype=small)
    position[np.argsort(inv, kind="stable")] = np.arange(n1, dtype=small)
    return sp.csr_matrix((v, (position[levels], rows)), shape=(n1, qR))


def _class_f_products(v, rows, levels, inv, C: int, qR: int, AF1: np.ndarray) -> np.ndarray:
    """(C, f·qR): for each class, Σ_{l in c} A_l (Z₁ᵀF)_l, in A_FR's (f, qR) order,
    summed a chunk of ``CHUNK_BLOCKS`` blocks at a time (few temporaries of nb)."""
    f = AF1.shape[1]
    out = np.zeros((f, C * qR))
    for s in range(0, v.size, CHUNK_BLOCKS):
        lv = levels[s:s + CHUNK_BLOCKS]
        key = inv[lv].astype(np.int64) * qR + rows[s:s + CHUNK_BLOCKS]
        vv = v[s:s + CHUNK_BLOCKS]
        for j in range(f):
            out[j] += np.bincount(key, weights=vv * AF1[lv, j], minlength=C * qR)
    return out.reshape(f, C, qR).transpose(1, 0, 2).reshape(C, f * qR)


def _projection(classes: np.ndarray) -> np.ndarray | None:
    """Qᵀ (K × C) with orthonormal Q spanning Chebyshev polynomials of the class
    values, K the smallest that reproduces g(s) = 1/(a + s) for all s ≥ 0 to
    ``PROJECTION_TOL``; None if only K = C would (keep the classes exactly)."""
    C = classes.size
    lo, hi = float(classes[0]), float(classes[-1])
    if C < 8 or lo <= 0.0:
        return None
    x = (2.0 * classes - (lo + hi)) / (hi - lo)
    grid = np.concatenate([[0.0], lo * np.logspace(-4, 4, 81)])
    Gs = 1.0 / (classes[:, None] + grid[None, :])                  # (C, grid)
    for K in range(4, C // 2 + 1):
        V = np.polynomial.chebyshev.chebvander(x, K - 1)
        Q, _ = np.linalg.qr(V)
        R = Gs - Q @ (Q.T @ Gs)
        if np.max(np.abs(R) / np.max(np.abs(Gs), axis=0)) <= PROJECTION_TOL:
            return np.ascontiguousarray(Q.T)
    return None
