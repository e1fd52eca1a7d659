"""Blocked Cholesky factor for large models (Bates et al. 2015; MixedModels.jl's
``updateL!``), for the augmented matrix of [Z₁ Z_R X y]:

    L = [ L₁₁                 ]   L₁₁: block diagonal, one k₁ × k₁ block per level
        [ L_R1   L_RR         ]   L_R1 = Λ_Rᵀ W (sparse, pattern of Z_RᵀZ₁); L_RR dense
        [ L_F1   L_FR   L_FF  ]   F = [X y]: dense, p + 1 rows

Term 1 is the term with most levels (``model.terms`` is in lme4's order). With
N_l = λ₁ L_l⁻ᵀ per level, W = (Z_RᵀZ₁)·diag(N_l) and L_F1 = (FᵀZ₁)·diag(N_l).
The cross-products are formed once in ``__init__``; nothing per θ touches the n
rows, and nothing loops over levels in Python.
"""
from __future__ import annotations

from math import log, pi, prod as fprod

import numpy as np
import scipy.sparse as sp
from scipy.linalg.lapack import dpotrf, dtrtrs, spotrf

from mixeq.fitting.blocks import chol_stack, inv_lower_stack, level_blocks, logdet_stack
from mixeq.errors import FitError
from mixeq.fitting.criterion import Factorization, criterion, small_pivots
from mixeq.fitting.firstterm import FirstTerm
from mixeq.fitting.pairs import cross_blocks
from mixeq.fitting.restfactor import BlockRest, DenseRest, nested_layout, stack_blocks
from mixeq.fitting.theta import ThetaLayout


MAX_DENSE_REST = 12_000  # dense later block up to this size (3 copies: ≈ 3.5 GB)


class BlockedFactor:
    name = "blocked"

    def __init__(self, X: np.ndarray, y: np.ndarray, terms, layout: ThetaLayout):
        self.n, self.p = X.shape
        self.terms, self.layout = terms, layout
        F = np.column_stack([X, y])
        t1 = terms[0]
        self.k1, self.n1 = t1.ncols, t1.nlevels
        A11, AF1 = level_blocks(t1, F)
        self.A11 = A11                              # (n1, k1, k1)
        self.AF1 = AF1.transpose(0, 2, 1).copy()    # (n1, f, k1)
        self.first = FirstTerm(A11, AF1)
        self.AF1_flat_T = AF1.reshape(-1, F.shape[1])  # (q1, f): Z₁ᵀ[X y]
        self.AFF = F.T @ F
        self.AFF_flat = self.AFF.ravel().copy()
        self.rest = terms[1:]
        self.has_rest = bool(self.rest)
        self.dense_size = sum(t.q for t in self.rest)
        if self.has_rest:
            self._init_rest(F, t1)
        self.fast = self.k1 <= 2 and not self.has_rest and self.first.BF is not None

    def _init_rest(self, F, t1) -> None:
        ZR = sp.hstack([t.Z() for t in self.rest], format="csc")
        self.qR = ZR.shape[1]
        ARR = (ZR.T @ ZR).tocsr()
        self.AFR = np.asarray(ZR.T @ F).T.copy()
        self.cross = cross_blocks((ZR.T @ t1.Z()).tocsr(), self.n1, self.k1)
        self.rest_scalar = all(t.ncols == 1 for t in self.rest)
        col_theta, slices, start = [], [], 0
        for i, t in enumerate(self.rest, start=1):
            col_theta.append(np.full(t.q, self.layout.offsets[i]))
            slices.append((slice(start, start + t.q), t.nlevels, t.ncols, i))
            start += t.q
        self.col_theta = np.concatenate(col_theta)
        self.slices = slices
        self.nested = None
        if len(self.rest) == 1 and self.cross.P is not None:
            self.nested = nested_layout(self.cross.targets, self.qR, self.rest[0].ncols)
        if self.nested is not None:  # block-diagonal: never form the dense qR × qR block
            self.ARRB = stack_blocks(ARR, self.rest[0].nlevels, self.rest[0].ncols)
            self.dense_size = 0
            return
        if self.qR > MAX_DENSE_REST:
            names = ", ".join(f"'{t.group}' ({t.q})" for t in self.rest)
            raise FitError(
                f"the random effects after the first term ({names}: {self.qR} in all) cross the "
                f"first term's levels and would need a dense {self.qR} × {self.qR} matrix "
                f"({3 * self.qR ** 2 * 8 / 1e9:.1f} GB); mixeq factors at most "
                f"{MAX_DENSE_REST} of them densely. Simplify the crossed terms or group more coarsely")
        self.ARR = ARR.toarray()
        # one buffer holds the (R, R) block and, below it, the [X y] rows, so that a
        # single dpotrf per θ gives L_RR, L_FR and L_FF (MixedModels.jl keeps them in L too)
        qR, D = self.qR, self.qR + F.shape[1]
        self._buffer = np.zeros((D, D))
        self.diag_R = np.arange(qR) * (D + 1)
        # which pair of R terms each target (r, s) of P lies in, as an index into λλᵀ
        term_of = np.repeat(np.arange(len(self.rest)), [t.q for t in self.rest])
        tr, tc = np.divmod(self.cross.targets, qR)
        self.target_pair = term_of[tr] * len(self.rest) + term_of[tc]
        self.targets_aug = tr * D + tc
        self.pattern = self.level_class = None
        if self.rest_scalar and self.cross.P is not None:
            self._init_pattern(ARR, term_of, D)

    def _init_pattern(self, ARR, term_of, D) -> None:
        """The (R, R) block's non-zeros (lower triangle): A_RR's and P's targets, with
        P's rows renumbered to them, so that a θ writes only these (scalar terms)."""
        qR, cb = self.qR, self.cross
        low = sp.tril(ARR).tocoo()
        arr_pos = low.row.astype(np.int64) * qR + low.col
        at = np.searchsorted(cb.targets, arr_pos)
        if np.array_equal(cb.targets[np.minimum(at, len(cb.targets) - 1)], arr_pos):
            # A_RR's non-zeros are all targets of P already (crossed designs): no renumbering
            pattern, self.P_pattern = cb.targets, cb.P
            base = np.zeros(len(pattern))
            base[at] = low.data
        else:
            mark = np.zeros(qR * qR, dtype=bool)   # qR ≤ MAX_DENSE_REST: at most 144 MB
            mark[cb.targets] = True
            mark[arr_pos] = True
            pattern = np.flatnonzero(mark)
            rank = np.cumsum(mark, dtype=np.intp)
            rank -= 1
            del mark
            base = np.zeros(len(pattern))
            base[rank[arr_pos]] = low.data
            rows = rank[cb.targets][cb.P.indices]
            del rank
            self.P_pattern = sp.csc_matrix((cb.P.data, rows, cb.P.indptr),
                                           shape=(len(pattern), cb.P.shape[1]))
        pr, pc = np.divmod(pattern, qR)
        self.pattern = pr * D + pc
        self.pattern_base = base
        self.pattern_pair = term_of[pr] * len(self.rest) + term_of[pc]
        self._init_classes()

    def _init_classes(self) -> None:
        """For a scalar first term G_l = λ²/(λ²A_l + 1) depends on A_l alone: levels
        with equal A_l (InstEval: 2,972 students, 86 distinct counts) share one
        column of P, which then has 40 % fewer entries."""
        self.level_class = None
        if self.k1 != 1:
            return
        a = self.A11[:, 0, 0]
        values, first, inv = np.unique(a, return_index=True, return_inverse=True)
        if values.size * 2 > a.size:
            return
        E = sp.csr_matrix((np.ones(a.size), (np.arange(a.size), inv)), shape=(a.size, values.size))
        self.P_class = (self.P_pattern @ E).tocsc()
        self.level_class = first
        # likewise Z_RᵀZ₁ diag(G) Z₁ᵀF = Σ_class g_c · (Z_RᵀZ₁ E_c Z₁ᵀF): one (classes × f·qR) matrix
        f = self.AF1_flat_T.shape[1]
        self.C_class = np.concatenate(
            [(self.cross.A @ E.multiply(self.AF1_flat_T[:, [j]]).tocsc()).T.toarray()
             for j in range(f)], axis=1)                   # (classes, f·qR)

    # -- Λ_R applied to the dense blocks ------------------------------------
    def _lam_rows(self, M: np.ndarray, lams, transpose: bool) -> np.ndarray:
        """Λ_Rᵀ M (transpose=True) or Λ_R M, term by term on M's rows."""
        out = np.empty_like(M)
        for sl, nl, k, i in self.slices:
            lam = lams[i].T if transpose else lams[i]
            block = M[sl].reshape(nl, k, -1)
            out[sl] = np.matmul(lam, block).reshape(nl * k, -1)
        return out

    # -- the factor ------------------------------------------------------------
    def _factor(self, theta: np.ndarray):
        """Every block of L at θ; None when a diagonal block is not positive definite."""
        lams = self.layout.lambdas(theta)
        lam1 = lams[0]
        if self.k1 == 1:
            t = lam1[0, 0]
            L1 = np.sqrt(self.A11 * (t * t) + 1.0)
            N = t / L1
            ld = 2.0 * float(np.log(L1).sum())
            WF1 = self.AF1 * N
        else:
            S = np.matmul(lam1.T, np.matmul(self.A11, lam1)) + np.eye(self.k1)
            L1 = chol_stack(S)
            ld = logdet_stack(L1)
            Li = inv_lower_stack(L1)
            N = np.matmul(lam1, Li.transpose(0, 2, 1))
            WF1 = np.matmul(self.AF1, N)
        f = self.AF1.shape[1]
        WF1 = WF1.transpose(1, 0, 2).reshape(f, -1)      # (f, q1)
        SF = self.AFF - WF1 @ WF1.T
        parts = {"lams": lams, "L1": L1, "N": N, "WF1": WF1,
                 "Li": 1.0 / L1 if self.k1 == 1 else Li}
        if self.has_rest:
            LRR, LFR, ldR = self._rest(theta, lams, N, WF1)
            if LRR is None:
                return None
            ld += ldR
            SF -= LFR @ LFR.T
            parts.update(LRR=LRR, LFR=LFR)
        LFF, info = dpotrf(SF, lower=1, clean=1)
        if info != 0:
            return None
        parts.update(LFF=LFF, ld=ld)
        return parts

    def _rest(self, theta, lams, N, WF1):
        cb, k1 = self.cross, self.k1
        if k1 == 1:
            Wv = cb.values * N[cb.levels, 0]
            NN = (N * N)[:, 0, 0]
        else:
            Wv = np.einsum("ba,bac->bc", cb.values, N[cb.levels])
            NN = np.matmul(N, N.transpose(0, 2, 1))
        rf = self._rest_factor(theta, lams, NN, None)
        if rf is None:
            return None, None, 0.0
        W = cb.W
        W.data = Wv.ravel()[cb.perm]
        C = self.AFR - (W @ WF1.T).T                     # (f, qR)
        LFR = rf.solve(self._lam_cols(C, theta, lams).T).T
        return rf, LFR, rf.logdet

    def _lam_cols(self, C, theta, lams):
        """C Λ_R for a (f × qR) C."""
        if self.rest_scalar:
            return C * theta[self.col_theta]
        return self._lam_rows(C.T, lams, True).T

    def _rest_factor(self, theta, lams, G, Wv):
        """Factor of Λ_Rᵀ(A_RR − Z_RᵀZ₁ diag(G_l) Z₁ᵀZ_R)Λ_R + I (None: not pos. def.)."""
        if self.nested is not None:
            return self._nested_factor(lams, G)
        M = self._rest_matrix(theta, lams, G, Wv)
        # M's lower triangle is valid; in Fortran order (M.T) that is the upper one
        U, info = dpotrf(np.asfortranarray(M.T), lower=0, clean=0, overwrite_a=1)
        return DenseRest(U) if info == 0 else None

    def _nested_factor(self, lams, G):
        pos, mirror, off = self.nested
        vals = self.cross.P @ G.ravel()
        MB = self.ARRB.copy()
        flat = MB.reshape(-1)
        flat[pos] -= vals
        flat[mirror[off]] -= vals[off]
        lam = lams[self.slices[0][3]]
        MB = np.matmul(lam.T, np.matmul(MB, lam))
        MB += np.eye(lam.shape[0])
        if not np.all(np.isfinite(MB)):
            return None
        rf = BlockRest(MB)
        return rf if np.isfinite(rf.logdet) else None

    # -- what the optimiser and the result need ------------------------------
    def objective(self, theta: np.ndarray, reml: bool, single: bool = False) -> float:
        """The criterion at θ. Uses G_l = N_l N_lᵀ = λ S_l⁻¹ λᵀ throughout, so
        that W·W_F1ᵀ = Z_RᵀZ₁ diag(G_l) Z₁ᵀF needs no per-level factor."""
        if self.fast:  # the common one-term case, k ≤ 2: no λ matrices, one mat-vec
            t = theta.tolist() if self.k1 == 2 else (float(theta[0]), 0.0, 0.0)
            ld, SF = self.first.schur(t[0], t[1], t[2], self.AFF_flat)
            piv = small_pivots(SF, self.p + 1)
            if piv is None:
                return np.inf
            p = self.p
            return criterion(ld, sum(map(log, piv[:p])), piv[p], self.n, p, reml)
        lams = self.layout.lambdas(theta)
        ld, G = self.first.gram(lams[0])
        SF = self.AFF - self.first.f_update(G)
        if self.has_rest and self.nested is None:
            return self._augmented_objective(theta, lams, self.first.full(G), ld, SF, reml, single)
        if self.has_rest:
            rest = self._rest_objective(theta, lams, self.first.full(G))
            if rest is None:
                return np.inf
            ldR, LFR = rest
            ld += ldR
            SF -= LFR @ LFR.T
        return self._finish(ld, SF, reml)

    def fast_objective(self, reml: bool):
        """``objective`` of the fast case (``self.fast``) as a closure over its arrays:
        the arithmetic of ``FirstTerm.schur``, ``small_pivots`` and ``criterion``
        inlined, in the same order (same values), without their Python call layers
        (≈ 5 µs of 25 per evaluation)."""
        first, AFF, n, p, f = self.first, self.AFF_flat, self.n, self.p, self.p + 1
        nmp = n - p if reml else n
        two = first.k == 2
        D5, B4 = (first.D5, first.B4) if two else (None, None)
        a1, BF = (None, first.BF) if two else (first.a, first.BF)
        small = first.nl <= 64
        reciprocal, inf = np.reciprocal, np.inf
        v5, c4 = np.ones(5), np.empty(4)   # this closure's own: filled per θ (cheaper than np.array)

        def objective(theta):
            if two:
                t0, t1, t2 = theta.tolist()
                pp, r, s, d = t0 * t0, t0 * t1, t1 * t1 + t2 * t2, (t0 * t2) ** 2
                v5[1] = c4[0] = pp
                v5[2] = 2.0 * r
                c4[1] = r
                v5[3] = c4[2] = s
                v5[4] = c4[3] = d
                det = D5 @ v5
                upd = c4 @ (reciprocal(det) @ B4).reshape(4, -1)
            else:
                t0 = float(theta[0])
                tt = t0 * t0
                det = a1 * tt + 1.0
                upd = (tt / det) @ BF
            a = (AFF - upd).tolist()
            ld = None
            if small:
                prod = fprod(det.tolist())
                if prod < 1e300:
                    ld = log(prod)
            if ld is None:
                ld = float(np.log(det).sum())
            piv = small_pivots(a, f)
            if piv is None:
                return inf
            pwrss = piv[p]
            if reml:
                return ld + sum(map(log, piv[:p])) + nmp * (1.0 + log(2.0 * pi * pwrss / nmp))
            return ld + nmp * (1.0 + log(2.0 * pi * pwrss / nmp))

        return objective

    def _finish(self, ld: float, SF: np.ndarray, reml: bool) -> float:
        """The criterion from log|L_Z|² and the (symmetric) [X y] block."""
        LFF, info = dpotrf(SF, lower=1, clean=0)
        if info != 0:
            return np.inf
        p = self.p
        diag = LFF.diagonal().tolist()
        ld_x = 2.0 * sum(map(log, diag[:p]))
        return criterion(ld, ld_x, diag[p] ** 2, self.n, p, reml)

    def _rest_objective(self, theta, lams, G):
        cb = self.cross
        if self.k1 == 1:
            Wv = cb.values * G[cb.levels, 0]
            G = G[:, 0, 0]
        else:
            Wv = np.einsum("ba,bac->bc", cb.values, G[cb.levels])
        rf = self._rest_factor(theta, lams, G, Wv)
        if rf is None:
            return None
        W = cb.W
        W.data = Wv.ravel()[cb.perm]
        C = self.AFR - (W @ self.AF1_flat_T).T             # (f, qR)
        LFR = rf.solve(self._lam_cols(C, theta, lams).T).T
        return rf.logdet, LFR

    def _augmented_objective(self, theta, lams, G, ld, SF, reml, single=False):
        """One dpotrf of [[M, ·], [C Λ_R, S_F]]: its diagonal gives log|L_RR|², log|R_X|², r."""
        U = self._augmented_factor(theta, lams, G, SF, single)
        if U is None:
            return np.inf
        qR, p = self.qR, self.p
        diag = np.log(U.diagonal().astype(float))
        ld += 2.0 * float(diag[:qR].sum())
        ld_x = 2.0 * float(diag[qR:qR + p].sum())
        return criterion(ld, ld_x, float(U[qR + p, qR + p]) ** 2, self.n, p, reml)

    def augmented(self, theta: np.ndarray, single: bool = False):
        """(log|L₁₁|², U) with Uᵀ the Cholesky factor of the whole later block
        [[M, ·], [C Λ_R, S_F]] at θ (None when not positive definite); for
        models whose later block is dense (see profile.py). ``single``: in float32
        (``spotrf``, half the time of ``dpotrf``; for a first, rough search only)."""
        lams = self.layout.lambdas(theta)
        ld, G = self.first.gram(lams[0])
        SF = self.AFF - self.first.f_update(G)
        U = self._augmented_factor(theta, lams, self.first.full(G), SF, single)
        return None if U is None else (ld, U)

    def _augmented_factor(self, theta, lams, G, SF, single=False):
        cb, qR = self.cross, self.qR
        single = single and self.pattern is not None
        if self.k1 == 1:
            Wv = None if self.level_class is not None else cb.values * G[cb.levels, 0]
            G = G[:, 0, 0]
        else:
            Wv = np.einsum("ba,bac->bc", cb.values, G[cb.levels])
        B = self._single_buffer() if single else self._buffer
        self._rest_matrix(theta, lams, G, Wv, B)
        if self.level_class is not None:
            C = self.AFR - (G.ravel()[self.level_class] @ self.C_class).reshape(self.AFR.shape)
        else:
            W = cb.W
            W.data = Wv.ravel()[cb.perm]
            C = self.AFR - (W @ self.AF1_flat_T).T             # (f, qR)
        B[qR:, :qR] = self._lam_cols(C, theta, lams)
        B[qR:, qR:] = SF
        U, info = (spotrf if single else dpotrf)(B.T, lower=0, clean=0, overwrite_a=1)
        return U if info == 0 else None

    def _g_values(self, G):
        """Blocks of Z_RᵀZ₁ diag(G_l): each block's k₁-vector times its level's G_l."""
        cb = self.cross
        if G.ndim == 1:
            return cb.values * G[cb.levels][:, None]
        return np.einsum("ba,bac->bc", cb.values, G[cb.levels])

    def _single_buffer(self) -> np.ndarray:
        if getattr(self, "_buffer32", None) is None:
            self._buffer32 = np.zeros(self._buffer.shape, dtype=np.float32)
        return self._buffer32

    def _rest_matrix(self, theta, lams, G, Wv, B=None):
        """Λ_Rᵀ(A_RR − Z_RᵀZ₁ diag(G_l) Z₁ᵀZ_R)Λ_R + I, lower triangle valid
        (written into ``B``, the float64 buffer unless given: pattern path only)."""
        cb = self.cross
        if self.pattern is not None:
            # write only the non-zeros: (A_RR − P·vec G) λ_iλ_j at the stored pattern
            lam = np.array([lams[i][0, 0] for _, _, _, i in self.slices])
            B = self._buffer if B is None else B
            B[:self.qR, :self.qR] = 0.0
            if self.level_class is not None:  # G_l depends on the level's A_l only
                vals = self.pattern_base - self.P_class @ G.ravel()[self.level_class]
            else:
                vals = self.pattern_base - self.P_pattern @ G.ravel()
            vals *= np.outer(lam, lam).ravel()[self.pattern_pair]
            flat = B.reshape(-1)
            flat[self.pattern] = vals
            flat[self.diag_R] += 1.0
            return B[:self.qR, :self.qR]
        if self.rest_scalar:
            # Λ_R is λ_t on term t's rows: scale each pair of term blocks once
            lam = np.array([lams[i][0, 0] for _, _, _, i in self.slices])
            M = self._buffer[:self.qR, :self.qR]
            for a, (sa, _, _, _) in enumerate(self.slices):
                for b, (sb, _, _, _) in enumerate(self.slices[:a + 1]):
                    np.multiply(self.ARR[sa, sb], lam[a] * lam[b], out=M[sa, sb])
            if cb.P is not None:
                self._buffer.reshape(-1)[self.targets_aug] -= \
                    (cb.P @ G.ravel()) * np.outer(lam, lam).ravel()[self.target_pair]
            else:
                W = cb.W
                W.data = self._g_values(G).ravel()[cb.perm]
                d = theta[self.col_theta]
                M -= (W @ cb.A.T).toarray() * np.outer(d, d)
        else:
            M = self.ARR.copy()
            if cb.P is not None:
                M.reshape(-1)[cb.targets] -= cb.P @ G.ravel()
            else:
                W = cb.W
                W.data = self._g_values(G).ravel()[cb.perm]
                M -= (W @ cb.A.T).toarray()
            M = np.tril(M) + np.tril(M, -1).T
            self._buffer[:self.qR, :self.qR] = self._lam_rows(self._lam_rows(M, lams, True).T, lams, True)
            M = self._buffer[:self.qR, :self.qR]
        self._buffer.reshape(-1)[self.diag_R] += 1.0
        return M

    def factorization(self, theta: np.ndarray) -> Factorization:
        if self.fast:
            return self._fast_factorization(theta)
        parts = self._factor(theta)
        LFF, p = parts["LFF"], self.p
        rx = LFF[:p, :p]
        beta = dtrtrs(rx, LFF[p, :p], lower=1, trans=1)[0] if p else np.zeros(0)
        u = []
        c1 = parts["WF1"][p] - parts["WF1"][:p].T @ beta          # (q1,)
        if self.has_rest:
            LFR = parts["LFR"]
            cR = LFR[p] - LFR[:p].T @ beta
            uR = parts["LRR"].solve_t(cR)
            lam_uR = self._lam_u(uR, parts["lams"])
            c1 = c1 - self.cross.W.T @ lam_uR
            for sl, nl, k, _ in self.slices:
                u.append(uR[sl].reshape(nl, k))
        c1 = c1.reshape(self.n1, self.k1)
        Li = parts["Li"]
        u1 = np.einsum("lba,lb->la", Li, c1)                      # L_lᵀ u = c
        ld_x = 2.0 * float(np.log(LFF.diagonal()[:p]).sum())
        return Factorization(parts["ld"], ld_x, float(LFF[p, p]) ** 2, beta, [u1, *u], rx)

    def _fast_factorization(self, theta: np.ndarray) -> Factorization:
        """``factorization`` for the one-term closed-form case (k ≤ 2): the [X y]
        block from ``FirstTerm.schur``, and per level u_l = S_l⁻¹ λᵀ Z_lᵀ(y − Xβ)
        (L_lᵀ u_l = c_l with c_l = L_l⁻¹ λᵀ Z_lᵀ(y − Xβ)), S_l's 2 × 2 inverse in closed form."""
        p, f = self.p, self.p + 1
        t0, t1, t2 = theta.tolist() if self.k1 == 2 else (float(theta[0]), 0.0, 0.0)
        ld, SF = self.first.schur(t0, t1, t2, self.AFF_flat)
        LFF, info = dpotrf(np.array(SF).reshape(f, f), lower=1, clean=1)
        if info != 0:
            raise FitError("the fixed-effects block is not positive definite at the optimum")
        rx = LFF[:p, :p]
        beta = dtrtrs(rx, LFF[p, :p], lower=1, trans=1)[0] if p else np.zeros(0)
        w = np.empty(f)
        w[:p] = beta
        w[p] = -1.0
        r = w @ self.AF1                                            # −Z_lᵀ(y − Xβ): (levels, k)
        if self.k1 == 1:
            u1 = r * (-t0 / (self.A11[:, 0] * (t0 * t0) + 1.0))
        else:
            a, b, c = self.first.abc1[:3]
            s00 = (t0 * t0) * a + (2.0 * t0 * t1) * b + (t1 * t1) * c + 1.0
            s10 = (t0 * t2) * b + (t1 * t2) * c
            s11 = (t2 * t2) * c + 1.0
            r0, r1 = r.T
            v0 = t0 * r0 + t1 * r1                                   # −λᵀ Z_lᵀ(y − Xβ)
            v1 = t2 * r1
            det = s00 * s11 - s10 * s10
            u1 = np.empty((self.n1, 2))
            np.divide(s10 * v1 - s11 * v0, det, out=u1[:, 0])
            np.divide(s10 * v0 - s00 * v1, det, out=u1[:, 1])
        ld_x = 2.0 * sum(map(log, LFF.diagonal()[:p].tolist()))
        return Factorization(ld, ld_x, float(LFF[p, p]) ** 2, beta, [u1], rx)

    def _lam_rows_sparse(self, W, lams):
        """Λ_Rᵀ W for the sparse W (sparse result when Λ_R is diagonal)."""
        if self.rest_scalar:
            return sp.diags(np.concatenate([np.full(t.q, lams[i][0, 0]) for t, (_, _, _, i)
                                            in zip(self.rest, self.slices)])) @ W
        return self._lam_rows(W.toarray(), lams, True)

    def _lam_u(self, uR, lams):
        """Λ_R u_R (the rows of L_R1 are Λ_Rᵀ W, so L_R1ᵀ u = Wᵀ Λ_R u)."""
        return self._lam_rows(uR[:, None], lams, False)[:, 0]

    def condvar_u(self, theta: np.ndarray) -> list[np.ndarray]:
        """Diagonal blocks (levels × k × k) of (L_Z L_Zᵀ)⁻¹, one array per term."""
        parts = self._factor(theta)
        k1, n1 = self.k1, self.n1
        Li = 1.0 / parts["L1"] if k1 == 1 else inv_lower_stack(parts["L1"])
        inner = np.broadcast_to(np.eye(k1), (n1, k1, k1)).copy()
        out_rest = []
        if self.has_rest:
            rf = parts["LRR"]
            LR1 = self._lam_rows_sparse(self.cross.W, parts["lams"])
            G = rf.solve(LR1)
            inner += _column_block_grams(G, n1, k1)
            out_rest = rf.inverse_blocks(self.slices)
        first = np.matmul(Li.transpose(0, 2, 1), np.matmul(inner, Li))
        return [first, *out_rest]


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
