"""The factor of a model with one random-effects term of one or two columns
(sleepstudy's ``(Days | Subject)``): per level in closed form (firstterm.py), so a
θ costs one small mat-vec and the (p+1)² [X y] block's pivots. The optimiser's
criterion is a closure with that arithmetic inlined (``criterion``)."""
from __future__ import annotations

from math import log, pi, prod as fprod

import numpy as np
from scipy.linalg.lapack import dpotrf, dtrtrs

from mixeq.errors import FitError
from mixeq.fitting.blocks import chol_stack, inv_lower_stack, level_blocks
from mixeq.fitting.criterion import Factorization, criterion, small_pivots
from mixeq.fitting.firstterm import FirstTerm
from mixeq.fitting.xyblocks import XyBlock


class OneTermFactor:
    name = "blocked"        # the optimiser summary's name, as before the split
    later = None
    dense_size = 0

    def __init__(self, first: FirstTerm, xy: XyBlock, n: int, p: int, layout):
        self.first, self.xy = first, xy
        self.n, self.p, self.layout = n, p, layout
        self.k1, self.n1 = first.k, first.nl
        self.AF1 = first.AF1.transpose(0, 2, 1).copy()    # (n1, f, k1)

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, terms, layout) -> "OneTermFactor | None":
        """The closed-form factor, or None when the model is not one term with k ≤ 2
        or its per-level products are too large to keep (then: BlockedFactor)."""
        if len(terms) != 1 or terms[0].ncols > 2:
            return None
        F = np.column_stack([X, y])
        first = FirstTerm(*level_blocks(terms[0], F))
        if first.BF is None:
            return None
        return cls(first, XyBlock(F.T @ F), X.shape[0], X.shape[1], layout)

    def schur(self, theta: np.ndarray):
        """(log|L_Z|², the [X y] block's Schur complement as a flat list) at θ."""
        t = theta.tolist() if self.k1 == 2 else (float(theta[0]), 0.0, 0.0)
        return self.first.schur(t[0], t[1], t[2], self.xy.AFF_flat)

    def objective(self, theta: np.ndarray, reml: bool, single: bool = False) -> float:
        ld, SF = self.schur(theta)
        piv = small_pivots(SF, self.p + 1)
        if piv is None:
            return np.inf
        p = self.p
        return criterion(ld, sum(map(log, piv[:p])), piv[p], self.n, p, reml)

    def criterion(self, reml: bool):
        """``objective`` as a closure over its arrays: the arithmetic of
        ``FirstTerm.schur``, ``small_pivots`` and ``criterion`` inlined, in the same
        order (same values), without their Python call layers (≈ 5 µs of 25 per
        evaluation)."""
        first, AFF, n, p, f = self.first, self.xy.AFF_flat, self.n, self.p, self.p + 1
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

    def factorization(self, theta: np.ndarray) -> Factorization:
        """The [X y] block from ``FirstTerm.schur``, and per level u_l = S_l⁻¹ λᵀ Z_lᵀ(y − Xβ)
        (L_lᵀ u_l = c_l with c_l = L_l⁻¹ λᵀ Z_lᵀ(y − Xβ)), S_l's 2 × 2 inverse in closed form."""
        p, f = self.p, self.p + 1
        t0, t1, t2 = theta.tolist() if self.k1 == 2 else (float(theta[0]), 0.0, 0.0)
        ld, SF = self.first.schur(t0, t1, t2, self.xy.AFF_flat)
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
            u1 = r * (-t0 / (self.first.A11[:, 0] * (t0 * t0) + 1.0))
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

    def condvar_u(self, theta: np.ndarray) -> list[np.ndarray]:
        """(L_l L_lᵀ)⁻¹ = S_l⁻¹ per level (levels × k × k)."""
        lam = self.layout.lambdas(theta)[0]
        S = np.matmul(lam.T, np.matmul(self.first.A11, lam)) + np.eye(self.k1)
        Li = inv_lower_stack(chol_stack(S))
        return [np.matmul(Li.transpose(0, 2, 1), Li)]
