"""Blocked Cholesky factor for large models (Bates et al. 2015; MixedModels.jl's
``updateL!``), for the augmented matrix of [Z₁ Z_R X y]:

    L = [ L₁₁                 ]   L₁₁: block diagonal, one k₁ × k₁ block per level (FirstTerm)
        [ L_R1   L_RR         ]   L_R1 = Λ_Rᵀ W (CrossBlocks); L_RR: a kind of later.py
        [ L_F1   L_FR   L_FF  ]   F = [X y]: dense, p + 1 rows (xyblocks.py)

Term 1 is the term with most levels (``model.terms`` is in lme4's order). Per θ:
factor L₁₁ (``FirstTerm.gram``), update every later block by the first term's
columns (``rankupdate.rank_update``, one function per pair of block kinds), then
factor L_RR and L_FF — for the pattern and dense kinds in one ``dpotrf`` of a
buffer holding both. The cross-products are formed once in ``__init__`` from the rows,
given by ``from_products`` (a remote source's sums), or replaced by ``reweight`` for
the GLMM's PIRLS; nothing per θ touches the n rows, and nothing loops over levels in
Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpotrf, dtrtrs, spotrf

from mixeq.fitting.blocks import chol_stack, inv_lower_stack, level_blocks, logdet_stack
from mixeq.fitting.criterion import Factorization, criterion
from mixeq.fitting.firstterm import FirstTerm
from mixeq.fitting.later import LaterTerms, PatternBlock, factor_dense, later_block
from mixeq.fitting.pairs import cross_blocks, scalar_products
from mixeq.fitting.rankupdate import cross_times, rank_update
from mixeq.fitting.weighted import RowIndex
from mixeq.fitting.xyblocks import DenseCross, XyBlock, XyCross


MAX_DENSE_CROSS = 4_000_000   # a re-weighted factor keeps Z_RᵀZ₁ dense up to this many entries


@dataclass
class Blocks:
    """Every block of L at one θ (``BlockedFactor.blocks``)."""

    lams: list
    L1: np.ndarray       # (n1, k1, k1) lower factors of S_l = λᵀA_lλ + I
    Li: np.ndarray       # their inverses
    WF1: np.ndarray      # L_F1 (f × q1)
    ld: float            # log|L_Z|²
    W: object = None     # Z_RᵀZ₁ diag(N_l): L_R1 = Λ_Rᵀ W (sparse, or dense for DenseCross)
    rf: object = None    # L_RR (restfactor.DenseRest or BlockRest), None: one term
    LFR: np.ndarray = None
    LFF: np.ndarray = None


class BlockedFactor:
    name = "blocked"

    def __init__(self, X: np.ndarray, y: np.ndarray, terms, layout, reweightable: bool = False):
        """``reweightable``: the GLMM's factor, whose products ``reweight`` replaces at
        every PIRLS step (then no operator derived from their values is kept: a
        dense later block, no level classes)."""
        F = np.column_stack([X, y])
        t1 = terms[0]
        A11, AF1 = level_blocks(t1, F)
        self._start(X.shape[0], terms, layout, FirstTerm(A11, AF1), XyBlock(F.T @ F))
        self.rows = RowIndex(self.terms) if reweightable else None
        if len(self.terms) > 1:
            self._init_later(F, t1)
        if reweightable:
            self.reweight(np.ones(self.n), F)

    @classmethod
    def from_products(cls, pr, terms, layout) -> "BlockedFactor":
        """The factor of a model given by its cross-products (mixeq/fitting/products.py's
        ``Products``: per-level A₁₁ and Z₁ᵀF, FᵀF, and Z_iᵀZ_j between terms) instead
        of its rows — a remote source's crossed factors (mixeq/remote/products.py). The
        blocks ``__init__`` forms from the rows are taken as given; the later-block kind
        and everything per θ are the same."""
        self = cls.__new__(cls)
        self._start(pr.n, terms, layout, FirstTerm(pr.own[0], pr.ZF[0]), XyBlock(pr.FF))
        self.rows = None
        if len(self.terms) > 1:
            f = pr.FF.shape[0]
            rest = range(1, len(self.terms))
            ARR = sp.bmat([[pr.block(i, j) for j in rest] for i in rest], format="csr")
            ARR.eliminate_zeros()
            AFR = np.hstack([pr.ZF[i].reshape(-1, f).T for i in rest])
            self.lt = LaterTerms.of(self.terms[1:], self.layout)
            self._later(ARR, self._given_cross(pr, rest), AFR, f)
        return self

    def _given_cross(self, pr, rest):
        """The cross blocks from the products' Z_RᵀZ₁ (not kept once they are built:
        19,000,000 pairs in the crossed benchmark)."""
        AR1 = pr.block(1, 0).tocsc() if len(rest) == 1 else \
            sp.vstack([pr.block(i, 0) for i in rest], format="csc")
        AR1.sum_duplicates()
        AR1.eliminate_zeros()
        return cross_blocks(AR1, self.n1, self.k1)

    def _start(self, n: int, terms, layout, first: FirstTerm, xy: XyBlock) -> None:
        """The fields every factor has: the first term's blocks and [X y]'s."""
        self.n, self.p = n, xy.AFF.shape[0] - 1
        self.terms, self.layout = list(terms), layout
        t1 = self.terms[0]
        self.k1, self.n1 = t1.ncols, t1.nlevels
        self.first, self.xy = first, xy
        self.later = self.lt = self.cross = self.xy_cross = None
        self.dense_size = 0

    def _init_later(self, F, t1) -> None:
        rest = self.terms[1:]
        if all(t.ncols == 1 for t in self.terms):   # scalar terms: products from the codes
            ZR = None
            ARR, AR1, AFR = scalar_products(rest, t1, F)
        else:
            ZR = sp.hstack([t.Z() for t in rest], format="csc")
            ARR, AR1, AFR = (ZR.T @ ZR).tocsr(), ZR.T @ t1.Z(), np.asarray(ZR.T @ F).T.copy()
        self.lt = LaterTerms.of(rest, self.layout)
        if self.rows is not None and self.rows.qR * t1.q <= MAX_DENSE_CROSS:
            cross = DenseCross(np.zeros((self.rows.qR, t1.q)), self.n1, self.k1)
            self.rows.bind_dense()
        elif self.rows is not None:   # the pattern of every row's pairs; the values: reweight
            cross = cross_blocks(self.rows.cross_structure(), self.n1, self.k1)
            cross.P = None
            self.rows.bind(cross.rows, cross.levels)
        else:
            cross = cross_blocks(AR1, self.n1, self.k1)
        self._later(ARR, cross, AFR, F.shape[1])

    def _later(self, ARR, cross, AFR, f: int) -> None:
        """The later block and the [X y] rows' cross block, from A_RR, the cross blocks
        of Z_RᵀZ₁ and A_FR (from rows or given: ``from_products``)."""
        reweightable = self.rows is not None
        self.cross = cross
        AF1_flat_T = self.first.AF1.reshape(-1, f)      # (q1, f): Z₁ᵀ[X y]
        a1 = self.first.A11[:, 0, 0] if self.k1 == 1 and not reweightable else None
        self.later = later_block(self.lt, ARR, self.cross, f, a1, AF1_flat_T,
                                 dense_only=reweightable)
        self.xy_cross = XyCross(AFR, AF1_flat_T, self.later.classes)
        self.dense_size = self.later.dense_size

    def reweight(self, w: np.ndarray, F: np.ndarray) -> None:
        """Replace the products by those of [Z F] under row weights ``w`` (a GLMM's
        PIRLS step: F = [X z] or [z]; MixedModels.jl's ``reweight!``). Only for a
        factor made with ``reweightable=True``."""
        self.install(self.rows.products(w, F))

    def install(self, pr) -> None:
        """Take the products of [Z F] under the current weights as given (``reweight``'s
        second half; a remote GLMM sums them in a database, mixeq/remote/passes.py)."""
        f = pr.AFF.shape[0]
        self.p = f - 1
        self.first = FirstTerm(pr.A11, pr.AF1, closed_forms=False)
        self.xy = XyBlock(pr.AFF)
        if self.later is not None:
            cb = self.cross
            if isinstance(cb, DenseCross):
                cb.A = pr.cross.reshape(cb.A.shape)
            else:
                cb.values = pr.cross.reshape(-1, self.k1)
                cb.A.data = pr.cross.ravel()[cb.perm]
            self.later.refresh(pr.ARR, f)
            self.xy_cross = XyCross(pr.AFR, pr.AF1.reshape(-1, f), None)

    # -- the criterion ------------------------------------------------------------
    def criterion(self, reml: bool):
        return partial(self.objective, reml=reml)

    def objective(self, theta: np.ndarray, reml: bool, single: bool = False) -> float:
        """The criterion at θ (``single``: the pattern kind's factor in float32, for a
        first rough search only)."""
        lams = self.layout.lambdas(theta)
        ld, G = self.first.gram(lams[0])
        SF = rank_update(self.first, self.xy, G)
        if self.later is None:
            return self._finish(ld, SF, reml)
        G = self.first.full(G)
        if self.later.aug is not None:
            U = self._augmented(theta, lams, G, SF, single)
            if U is None:
                return np.inf
            qR, p = self.lt.qR, self.p
            diag = np.log(U.diagonal().astype(float))
            ld += 2.0 * float(diag[:qR].sum())
            ld_x = 2.0 * float(diag[qR:qR + p].sum())
            return criterion(ld, ld_x, float(U[qR + p, qR + p]) ** 2, self.n, p, reml)
        rf = self.later.factor(rank_update(self.cross, self.later, G, lams, theta))
        if rf is None:
            return np.inf
        C = rank_update(self.cross, self.xy_cross, G)
        LFR = rf.solve(self.lt.lam_cols(C, theta, lams).T).T
        SF -= LFR @ LFR.T
        return self._finish(ld + rf.logdet, SF, reml)

    def _finish(self, ld: float, SF: np.ndarray, reml: bool) -> float:
        """The criterion from log|L_Z|² and the (symmetric) [X y] block."""
        LFF, info = dpotrf(SF, lower=1, clean=0)
        if info != 0:
            return np.inf
        p = self.p
        diag = np.log(LFF.diagonal())
        return criterion(ld, 2.0 * float(diag[:p].sum()), float(LFF[p, p]) ** 2, self.n, p, reml)

    def augmented(self, theta: np.ndarray, single: bool = False):
        """(log|L₁₁|², U) with Uᵀ the Cholesky factor of the whole later block
        [[M, ·], [C Λ_R, S_F]] at θ (None when not positive definite), for a later
        block with an augmented buffer (see profile.py); ``single``: in float32."""
        lams = self.layout.lambdas(theta)
        ld, G = self.first.gram(lams[0])
        SF = rank_update(self.first, self.xy, G)
        U = self._augmented(theta, lams, self.first.full(G), SF, single)
        return None if U is None else (ld, U)

    def _augmented(self, theta, lams, G, SF, single=False):
        single = single and isinstance(self.later, PatternBlock)
        B = self.later.aug.storage(single)
        rank_update(self.cross, self.later, G, lams, theta, single)
        qR = self.lt.qR
        B[qR:, :qR] = self.lt.lam_cols(rank_update(self.cross, self.xy_cross, G), theta, lams)
        B[qR:, qR:] = SF
        U, info = (spotrf if single else dpotrf)(B.T, lower=0, clean=0, overwrite_a=1)
        return U if info == 0 else None

    # -- every block, the solution and the conditional variances -------------------------
    def blocks(self, theta: np.ndarray, lams: list | None = None) -> Blocks | None:
        """Every block of L at θ, in the N = λL⁻ᵀ form the back-substitution needs
        (the later blocks by the same rank updates as ``objective``, G = N Nᵀ); None
        when a diagonal block is not positive definite. ``lams``: θ's λ when at hand."""
        lams = self.layout.lambdas(theta) if lams is None else lams
        lam1, k1, n1, f = lams[0], self.k1, self.n1, self.first.f
        if k1 == 1:   # per level: scalars (vector arithmetic, no stacked products)
            t = lam1[0, 0]
            l1 = np.sqrt(self.first.A11.reshape(-1) * (t * t) + 1.0)
            ld = 2.0 * float(np.log(l1).sum())
            nv = t / l1
            WF1 = self.first.AF1.reshape(n1, f).T * nv
            L1, Li, N = l1.reshape(n1, 1, 1), (1.0 / l1).reshape(n1, 1, 1), nv.reshape(n1, 1, 1)
            G = (nv * nv).reshape(n1, 1, 1)
        else:
            S = np.matmul(lam1.T, np.matmul(self.first.A11, lam1)) + np.eye(k1)
            L1 = chol_stack(S)
            Li = inv_lower_stack(L1)
            N = np.matmul(lam1, Li.transpose(0, 2, 1))
            ld = logdet_stack(L1)
            WF1 = np.matmul(self.first.AF1.transpose(0, 2, 1), N).transpose(1, 0, 2).reshape(f, -1)
            G = np.matmul(N, N.transpose(0, 2, 1))
        SF = self.xy.AFF - WF1 @ WF1.T
        out = Blocks(lams, L1, Li, WF1, ld)
        if self.later is not None:
            M = rank_update(self.cross, self.later, G, lams, theta)
            rf = self.later.factor(M) if self.later.aug is None else factor_dense(M)
            if rf is None:
                return None
            C = rank_update(self.cross, self.xy_cross, G)
            out.LFR = rf.solve(self.lt.lam_cols(C, theta, lams).T).T
            out.rf = rf
            out.ld += rf.logdet
            SF -= out.LFR @ out.LFR.T
            out.W = cross_times(self.cross, N)
        LFF, info = dpotrf(SF, lower=1, clean=1)
        out.LFF = LFF if info == 0 else None
        return out

    def factorization(self, theta: np.ndarray) -> Factorization | None:
        """β, u and the criterion's parts at θ (None: not positive definite)."""
        return self.solution(self.blocks(theta))

    def solution(self, parts: Blocks | None) -> Factorization | None:
        """Back-substitution through the blocks (L_FF's last row gives β, then u_R, u₁)."""
        if parts is None or parts.LFF is None:
            return None
        LFF, p = parts.LFF, self.p
        rx = LFF[:p, :p]
        beta = dtrtrs(rx, LFF[p, :p], lower=1, trans=1)[0] if p else np.zeros(0)
        u = []
        c1 = parts.WF1[p] - parts.WF1[:p].T @ beta          # (q1,)
        if self.later is not None:
            LFR = parts.LFR
            uR = parts.rf.solve_t(LFR[p] - LFR[:p].T @ beta)
            c1 = c1 - parts.W.T @ self.lt.lam_u(uR, parts.lams)
            u = self.lt.split(uR)
        if self.k1 == 1:
            u1 = (parts.Li.reshape(-1) * c1)[:, None]
        else:
            u1 = np.einsum("lba,lb->la", parts.Li, c1.reshape(self.n1, self.k1))   # L_lᵀ u = c
        ld_x = 2.0 * float(np.log(LFF.diagonal()[:p]).sum())
        return Factorization(parts.ld, ld_x, float(LFF[p, p]) ** 2, beta, [u1, *u], rx)

    def condvar_u(self, theta: np.ndarray) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L_Z L_Zᵀ)⁻¹, one array per term."""
        parts = self.blocks(theta)
        k1, n1 = self.k1, self.n1
        inner = np.broadcast_to(np.eye(k1), (n1, k1, k1)).copy()
        out_rest = []
        if self.later is not None:
            rf = parts.rf
            G = rf.solve(self.lt.lam_rows_sparse(parts.W, parts.lams))
            inner += _column_block_grams(G, n1, k1)
            out_rest = rf.inverse_blocks(self.lt.slices)
        Li = parts.Li
        return [np.matmul(Li.transpose(0, 2, 1), np.matmul(inner, Li)), *out_rest]


def _column_block_grams(G, n1: int, k1: int) -> np.ndarray:
    """For each level l of term 1: G[:, l-block]ᵀ G[:, l-block] (levels × k1 × k1)."""
    out = np.empty((n1, k1, k1))
    if sp.issparse(G):
        G = G.tocsc()
        for a in range(k1):
            for b in range(a + 1):
                v = np.asarray(G[:, a::k1].multiply(G[:, b::k1]).sum(axis=0)).ravel()
                out[:, a, b] = v
                out[:, b, a] = v
        return out
    Gr = G.reshape(G.shape[0], n1, k1)
    return np.einsum("ila,ilb->lab", Gr, Gr)
