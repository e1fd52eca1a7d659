"""The predictor of a GLMM whose random-effects terms are all scalar and more than
one, ``(1 | g) + (1 | h) + …`` (grouseticks, VerbAgg): the third GLMM predictor
kind (``predictor.make_predictor`` chooses it once per model).

Term 1 (most levels) has a diagonal block, s_l = λ₁²a_l + 1 with a_l = Σ_{i∈l} w_i m_i²;
the later terms' columns R (at most MAX_REST) take one dense block. With C = Z_RᵀWZ₁,
g_l = λ₁²/s_l and Λ_R = diag(d) (Bates et al. 2015 §3.6; MixedModels.jl's
``updateL!`` for a diagonal first block):

    M   = Λ_R (Z_RᵀWZ_R − C diag(g) Cᵀ) Λ_R + I                   (R's Schur complement)
    K_F = Λ_R (Z_RᵀWF − C diag(g) Z₁ᵀWF),  S_F = FᵀWF − (Z₁ᵀWF)ᵀ diag(g) Z₁ᵀWF

fill one (qR + f)² buffer that one ``dpotrf`` factors (L_RR, L_FR, L_FF at once, as
``BlockedFactor``'s augmented buffer); log|L_Z|² = Σ log s_l + 2 Σ log diag L_RR, and
β, u_R, u₁ follow by back-substitution. C diag(g) Cᵀ is formed one of two ways,
chosen once (``CrossUpdate``): through the pairs of C's non-zeros that share a level
of term 1 (nested or sparse designs: grouseticks' broods sit in one location each),
or as a dense product (fully crossed designs: VerbAgg's subjects meet every item).
"""
from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dpotrf, dtrtrs

from mixeq.fitting.glmm.predictor import Solution, scalar_column
from mixeq.fitting.glmm.scalar import LevelSums

MAX_REST = 1500          # later columns in the dense block (else: the blocked predictor)
MAX_CROSS = 4_000_000    # entries of a dense C = Z_RᵀWZ₁
MAX_PAIRS = 5_000_000    # pairs of C's non-zeros kept for the sparse update


def fits(terms) -> bool:
    """Whether this kind takes the terms: all scalar, at least two, R small enough."""
    if len(terms) < 2 or any(t.ncols != 1 for t in terms):
        return False
    qR = sum(t.q for t in terms[1:])
    return qR <= MAX_REST and qR * terms[0].q <= MAX_CROSS


class PairUpdate:
    """C kept as its non-zeros (r, l, value); C diag(g) Cᵀ's lower triangle as one
    bincount over the pairs of non-zeros in each column l."""

    def __init__(self, nz_r, nz_l, pairs, qR, q1):
        self.nz_r, self.nz_l, self.qR, self.q1 = nz_r, nz_l, qR, q1
        self.r, self.c, self.left, self.right = pairs

    @classmethod
    def of(cls, keys: np.ndarray, qR: int, q1: int):
        """From C's non-zero keys r·q₁ + l (sorted); None when the pairs are not much
        fewer than the dense product's multiplications, or too many."""
        nz_r, nz_l = np.divmod(keys, q1)
        order = np.argsort(nz_l, kind="stable")
        counts = np.bincount(nz_l, minlength=q1).astype(np.int64)
        sq = counts * counts
        npairs = int(sq.sum())
        if npairs * 4 > qR * qR * q1 or npairs > MAX_PAIRS:
            return None
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        col = np.repeat(np.arange(q1), sq)
        k = np.arange(npairs) - np.repeat(np.cumsum(sq) - sq, sq)
        cnt = np.maximum(counts[col], 1)
        i, j = order[starts[col] + k // cnt], order[starts[col] + k % cnt]
        keep = nz_r[i] >= nz_r[j]                    # the lower triangle of M
        i, j = i[keep], j[keep]
        return cls(nz_r, nz_l, (nz_r[i], nz_r[j], i, j), qR, q1)

    def values(self, cv):
        return cv

    def scaled(self, cv, g):
        """C diag(g) in C's kind."""
        return cv * g[self.nz_l]

    def schur_terms(self, cv, cg):
        """−C diag(g) Cᵀ at M's lower-triangle positions (self.r, self.c)."""
        return -(cg[self.left] * cv[self.right])

    def times(self, cg, B1):
        """C diag(g) B₁ (qR × f) from cg = C diag(g)."""
        f = B1.shape[1]
        if f == 1:
            return np.bincount(self.nz_r, cg * B1[self.nz_l, 0], self.qR)[:, None]
        keys = (self.nz_r[:, None] * f + np.arange(f)).ravel()
        return np.bincount(keys, (cg[:, None] * B1[self.nz_l]).ravel(), self.qR * f).reshape(-1, f)

    def t_times(self, cv, v):
        """Cᵀ v (q₁)."""
        return np.bincount(self.nz_l, cv * v[self.nz_r], self.q1)


class DenseUpdate:
    """C dense (qR × q₁); C diag(g) Cᵀ by one matrix product."""

    def __init__(self, nz_r, nz_l, qR, q1):
        self.flat = nz_r * q1 + nz_l
        self.qR, self.q1 = qR, q1
        self.r, self.c = np.tril_indices(qR)

    def values(self, cv):
        C = np.zeros(self.qR * self.q1)
        C[self.flat] = cv
        return C.reshape(self.qR, self.q1)

    def scaled(self, C, g):
        return C * g

    def schur_terms(self, C, cg):
        return -(cg @ C.T)[self.r, self.c]

    def times(self, cg, B1):
        return cg @ B1

    def t_times(self, C, v):
        return C.T @ v


class ScalarTermsPredictor:
    """X, the scalar terms' codes and columns, and the fixed keys of the products."""

    name = "glmm-scalar-terms"
    levels = None    # level_steps.algebra_for's (set by make_predictor)

    def __init__(self, X: np.ndarray, terms, layout):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.n, self.p = X.shape
        self.terms, self.layout = list(terms), layout
        t1, rest = self.terms[0], self.terms[1:]
        self.q1, self.qR = q1, qR = t1.q, sum(t.q for t in rest)
        self.codes = [np.asarray(t.codes) for t in self.terms]
        self.cols = [scalar_column(t) for t in self.terms]
        self.theta_index = [layout.offsets[i] for i in range(len(self.terms))]
        self.m1sq = None if self.cols[0] is None else self.cols[0] ** 2
        starts = np.cumsum([0] + [t.q for t in rest])[:-1]
        rows = [c + s for c, s in zip(self.codes[1:], starts)]       # each row's R column per term
        one = np.ones(self.n)
        vals = [one if m is None else m for m in self.cols[1:]]
        m1 = one if self.cols[0] is None else self.cols[0]
        # Z_RᵀWZ_R's lower triangle: (position in M, value / w, pair of terms) per row and pair
        rr_pos, rr_val, rr_pair = [], [], []
        for a in range(len(rest)):
            for b in range(a + 1):
                rr_pos.append(np.maximum(rows[a], rows[b]) * qR + np.minimum(rows[a], rows[b]))
                rr_val.append(vals[a] * vals[b])
                rr_pair.append((a, b))
        self.rr_pos, self.rr_val = np.concatenate(rr_pos), np.concatenate(rr_val)
        self.rr_pair = np.array(rr_pair)
        # C = Z_RᵀWZ₁ by its non-zeros: each row and later term adds w m_R m₁ to one of them
        keys = np.concatenate([r * q1 + self.codes[0] for r in rows])
        nz, self.c_index = np.unique(keys, return_inverse=True)
        self.c_val = np.concatenate([v * m1 for v in vals])
        self.nnz = nz.size
        nz_r, nz_l = np.divmod(nz, q1)
        self.cross = PairUpdate.of(nz, qR, q1) or DenseUpdate(nz_r, nz_l, qR, q1)
        self.col_term = np.repeat(np.arange(len(rest)), [t.q for t in rest])
        self.splits = np.cumsum([t.q for t in rest])[:-1]          # u_R into the later terms
        self.col_theta = np.asarray(self.theta_index[1:])[self.col_term]
        self.sums = [LevelSums(c, t.q) for c, t in zip(self.codes, self.terms)]
        self.cell_order = _rows_in_cell_order(self)
        self._at = {}
        self._ones = np.ones(qR)

    def _positions(self, f: int):
        """M's positions (r·qR + c) moved into the (qR + f)² buffer, and its diagonal."""
        if f not in self._at:
            D, qR = self.qR + f, self.qR
            r, c = np.divmod(self.rr_pos, qR)
            rr = r * D + c
            self._at[f] = np.concatenate([rr, self.cross.r * D + self.cross.c,
                                          np.arange(qR) * (D + 1)]), D
        return self._at[f]

    def products(self, w: np.ndarray, F: np.ndarray):
        """a (q₁), Z_RᵀWZ_R's lower-triangle values (per row and pair), C's values
        (non-zeros, or dense), ZᵀWF per term (levels × f) and FᵀWF. With the rows
        in cell order (``cell_order``) C is W itself and every sum a margin of it or
        of WF."""
        if self.cell_order:
            wF = F * w[:, None]
            C = w.reshape(self.qR, self.q1)
            G = wF.reshape(self.qR, self.q1, -1)
            BR = np.ones(self.q1) @ G                 # (numpy's sum over axis 1 is 7× slower)
            return C.sum(axis=0), w, C, [G.sum(axis=0), BR], F.T @ wF
        a = np.bincount(self.codes[0], w if self.m1sq is None else w * self.m1sq, self.q1)
        reps = self.rr_val.size // self.n
        wrr = (np.tile(w, reps) if reps > 1 else w) * self.rr_val
        nrest = len(self.terms) - 1
        cv = np.bincount(self.c_index, (np.tile(w, nrest) if nrest > 1 else w) * self.c_val,
                         self.nnz)
        wF = F * w[:, None]
        B = [sums(wF if m is None else wF * m[:, None]) for sums, m in zip(self.sums, self.cols)]
        return a, wrr, self.cross.values(cv), B, F.T @ wF

    def _schur(self, theta, w, F):
        """(s, d, C, Z₁ᵀWF, the filled (qR + f)² buffer's lower triangle)."""
        a, wrr, C, B, FF = self.products(w, F)
        q1, qR, f = self.q1, self.qR, F.shape[1]
        t1 = float(theta[self.theta_index[0]])
        s1 = (t1 * t1) * a + 1.0
        g = (t1 * t1) / s1
        d = theta[self.col_theta]
        lamR = theta[self.theta_index[1:]]
        at, D = self._positions(f)
        cg = self.cross.scaled(C, g)
        upd = self.cross.schur_terms(C, cg)
        if self.rr_pair.shape[0] == 1:               # one later term: Λ_R = λ I
            lam2 = lamR[0] * lamR[0]
            rr_vals, upd = wrr * lam2, upd * lam2
        else:
            scale = lamR[self.rr_pair[:, 0]] * lamR[self.rr_pair[:, 1]]
            rr_vals = wrr * np.repeat(scale, self.n)
            upd = upd * (d[self.cross.r] * d[self.cross.c])
        K = np.bincount(at, np.concatenate([rr_vals, upd, self._ones]), D * D).reshape(D, D)
        B1 = B[0]
        BR = B[1] if len(B) == 2 else np.concatenate(B[1:])
        K[qR:, :qR] = ((BR - self.cross.times(cg, B1)) * d[:, None]).T
        K[qR:, qR:] = FF - B1.T @ (g[:, None] * B1)
        return s1, d, C, B1, K

    def solve(self, theta: np.ndarray, w: np.ndarray, F: np.ndarray) -> Solution | None:
        """As ``WeightedPredictor.solve``: F = [X z] (β solved for) or [z]."""
        s1, d, C, B1, K = self._schur(theta, w, F)
        qR, f = self.qR, F.shape[1]
        U, info = dpotrf(K.T, lower=0, clean=0, overwrite_a=1)    # Fortran order: Uᵀ = L
        if info != 0:
            return None
        L = U.T
        ld = float(np.log(s1).sum()) + 2.0 * float(np.log(L.diagonal()[:qR]).sum())
        p = f - 1
        t1 = float(theta[self.theta_index[0]])
        if p:
            rx = np.tril(L[qR:qR + p, qR:qR + p])
            beta = dtrtrs(rx, L[qR + p, qR:qR + p], lower=1, trans=1)[0]
            cR = L[qR + p, :qR] - L[qR:qR + p, :qR].T @ beta
            c1 = (B1[:, p] - B1[:, :p] @ beta) * t1
        else:
            rx, beta = np.zeros((0, 0)), np.zeros(0)
            cR, c1 = L[qR, :qR], B1[:, 0] * t1
        uR = dtrtrs(U[:qR, :qR], cR, lower=0, trans=0)[0]         # L_RRᵀ u_R = c_R
        u1 = (c1 - t1 * self.cross.t_times(C, d * uR)) / s1       # L₁₁ u₁ = c₁ − L_R1ᵀ u_R
        return Solution([u1[:, None], *self._split(uR)], beta, ld, rx,
                        np.sqrt(s1).reshape(-1, 1, 1))

    def _split(self, uR: np.ndarray) -> list:
        return np.split(uR[:, None], self.splits) if self.splits.size else [uR[:, None]]

    def lambdas(self, theta: np.ndarray) -> list:
        return [np.array([[float(theta[i])]]) for i in self.theta_index]

    def zb(self, theta: np.ndarray, u: list) -> np.ndarray:
        """Z Λ u on the n rows."""
        out = None
        for codes, m, ut, i in zip(self.codes, self.cols, u, self.theta_index):
            part = (ut[:, 0] * float(theta[i]))[codes]
            if m is not None:
                part *= m
            out = part if out is None else out + part
        return out

    def condvar_u(self, theta, w: np.ndarray) -> list[np.ndarray]:
        """Diagonal of (L Lᵀ)⁻¹ per term: M⁻¹'s for the later terms, and for term 1
        1/s_l + ‖L_RR⁻¹ Λ_R C_l λ₁/s_l‖² (the block inverse of [[D₁, ·], [Λ_R C λ₁, ·]])."""
        qR = self.qR
        s1, d, C, _, K = self._schur(theta, w, np.zeros((self.n, 1)))
        M = np.tril(K[:qR, :qR])
        LRR = np.linalg.cholesky(M + np.tril(M, -1).T)
        t1 = float(theta[self.theta_index[0]])
        dense = _dense(self.cross, C, qR, self.q1)
        G = dtrtrs(LRR, dense * (d[:, None] * t1 / s1), lower=1)[0]
        Rinv = dtrtrs(LRR, np.eye(qR), lower=1)[0]
        out = [(1.0 / s1 + np.einsum("ij,ij->j", G, G)).reshape(-1, 1, 1)]
        inv_diag = np.einsum("ij,ij->j", Rinv, Rinv)
        start = 0
        for t in self.terms[1:]:
            out.append(inv_diag[start:start + t.q].reshape(-1, 1, 1))
            start += t.q
        return out


class NestedTermPredictor(ScalarTermsPredictor):
    """Two scalar terms, each level of the first inside one level of the second
    (``(1 | class) + (1 | school)``; grouseticks' broods in locations): every column
    of C has one non-zero, so M is diagonal, m_r = λ_R²(a_R,r − Σ_{l∈r} g_l c_l²) + 1,
    L_RR = diag(√m) and L_FR = K_F/√m; only F's f × f block is factored (the
    blocked factor's nested kind, ``NestedBlock``, for a scalar pair)."""

    name = "glmm-nested-terms"

    @staticmethod
    def takes(pred: ScalarTermsPredictor) -> bool:
        cross = pred.cross
        return (len(pred.terms) == 2 and isinstance(cross, PairUpdate)
                and cross.r.size == pred.nnz and bool(np.all(cross.r == cross.c)))

    @classmethod
    def of(cls, pred: ScalarTermsPredictor) -> "NestedTermPredictor":
        out = cls.__new__(cls)
        out.__dict__.update(pred.__dict__)
        out.rsums = LevelSums(pred.cross.nz_r, pred.qR)     # second-term sums of first-term rows
        return out

    def _sums(self, w: np.ndarray, F: np.ndarray):
        """(a, C's values, a_R, Z₁ᵀWF, Z_RᵀWF, FᵀWF). Two intercept terms: every level of
        the first has one non-zero in C, its a_l, so C = a gathered and the second
        term's sums are sums of the first's (over q₁, not n)."""
        if self.cols[0] is not None or self.cols[1] is not None:
            a, wrr, cv, (B1, BR), FF = self.products(w, F)
            return a, cv, np.bincount(self.codes[1], wrr, self.qR), B1, BR, FF
        cross, qR = self.cross, self.qR
        a = np.bincount(self.codes[0], w, self.q1)
        cv = a[cross.nz_l]
        wF = F * w[:, None]
        B1 = self.sums[0](wF)
        G = B1[cross.nz_l]
        if G.shape[1] == 1:
            BR = np.bincount(cross.nz_r, G[:, 0], qR)[:, None]
        else:
            BR = self.rsums(G)
        return a, cv, np.bincount(cross.nz_r, cv, qR), B1, BR, F.T @ wF

    def solve(self, theta: np.ndarray, w: np.ndarray, F: np.ndarray) -> Solution | None:
        a, cv, aR, B1, BR, FF = self._sums(w, F)
        qR, f = self.qR, F.shape[1]
        t1, t2 = float(theta[self.theta_index[0]]), float(theta[self.theta_index[1]])
        s1 = (t1 * t1) * a + 1.0
        g = (t1 * t1) / s1
        cross = self.cross
        cg = cross.scaled(cv, g)
        m = (t2 * t2) * (aR - np.bincount(cross.nz_r, cg * cv, qR)) + 1.0
        if not m.min() > 0.0:
            return None
        lr = np.sqrt(m)
        LFR = (BR - cross.times(cg, B1)) * (t2 / lr)[:, None]      # (qR × f): L_FRᵀ
        SF = FF - B1.T @ (g[:, None] * B1) - LFR.T @ LFR
        LFF, info = dpotrf(SF, lower=1, clean=1)
        if info != 0:
            return None
        ld = float(np.log(s1).sum()) + float(np.log(m).sum())
        p = f - 1
        if p:
            rx = LFF[:p, :p]
            beta = dtrtrs(rx, LFF[p, :p], lower=1, trans=1)[0]
            cR = LFR[:, p] - LFR[:, :p] @ beta
            c1 = (B1[:, p] - B1[:, :p] @ beta) * t1
        else:
            rx, beta = np.zeros((0, 0)), np.zeros(0)
            cR, c1 = LFR[:, 0], B1[:, 0] * t1
        uR = cR / lr
        u1 = (c1 - t1 * cross.t_times(cv, t2 * uR)) / s1
        return Solution([u1[:, None], uR[:, None]], beta, ld, rx, np.sqrt(s1).reshape(-1, 1, 1))


def _rows_in_cell_order(pred) -> bool:
    """Two crossed intercept terms (the dense update) with one row in each cell
    g × h, in the cells' order: row r·q₁ + l is the cell of level l of the first term
    and r of the second (a fully crossed design as R lays it out: VerbAgg's subjects
    × items)."""
    if len(pred.terms) != 2 or any(c is not None for c in pred.cols) \
            or not isinstance(pred.cross, DenseUpdate):
        return False
    return in_cell_order(cell_of(*pred.codes, pred.q1), pred.q1 * pred.qR)


def cell_of(c0: np.ndarray, c1: np.ndarray, q1: int) -> np.ndarray:
    """The cell g × h of each row of two crossed terms: r·q₁ + l, for level l of the
    first term (codes ``c0``, q₁ levels) and r of the second (``c1``)."""
    return c1 * q1 + c0


def in_cell_order(cell: np.ndarray, cells: int) -> bool:
    """One row in each of the ``cells`` cells, in their order (row i is cell i: the
    rows need no sum and no reordering to be read as the cells' qR × q₁ array)."""
    return cell.size == cells and bool(np.array_equal(cell, np.arange(cells)))


def make(X: np.ndarray, terms, layout) -> ScalarTermsPredictor:
    """This module's kind for the terms (``fits`` them): nested or crossed."""
    pred = ScalarTermsPredictor(X, terms, layout)
    return NestedTermPredictor.of(pred) if NestedTermPredictor.takes(pred) else pred


def _dense(cross, C, qR: int, q1: int) -> np.ndarray:
    """C as a dense (qR × q₁) matrix from either kind's values."""
    if isinstance(cross, DenseUpdate):
        return C
    out = np.zeros((qR, q1))
    np.add.at(out, (cross.nz_r, cross.nz_l), C)
    return out
