"""The profiled deviance (ML) and the REML criterion from a factor's three numbers
(Bates, Mächler, Bolker & Walker 2015, JSS 67(1), eqs. 34 and 41)."""
from __future__ import annotations

from dataclasses import dataclass
from math import log, pi

import numpy as np


@dataclass
class Factorization:
    """What a factor of [ΛᵀZᵀZΛ + I, …; XᵀX, …; yᵀy] gives at one θ.

    ``ld_l`` = log|L_Z|², ``ld_x`` = log|R_X|², ``pwrss`` the penalised residual
    sum of squares r²; ``beta`` and ``u`` (list of (levels × k) arrays, one per
    term: spherical random effects) are the conditional estimates; ``rx`` is R_X
    (p × p, lower triangular: vcov(β) = σ² (R_X R_Xᵀ)⁻¹).
    """

    ld_l: float
    ld_x: float
    pwrss: float
    beta: np.ndarray
    u: list
    rx: np.ndarray


def criterion(ld_l: float, ld_x: float, pwrss: float, n: int, p: int, reml: bool) -> float:
    """−2 log-likelihood profiled over β and σ (ML), or the REML criterion."""
    if not pwrss > 0.0:
        return np.inf
    if reml:
        nmp = n - p
        return ld_l + ld_x + nmp * (1.0 + log(2.0 * pi * pwrss / nmp))
    return ld_l + n * (1.0 + log(2.0 * pi * pwrss / n))


def sigma_hat(pwrss: float, n: int, p: int, reml: bool) -> float:
    return float(np.sqrt(pwrss / (n - p if reml else n)))


def small_pivots(a: list, f: int) -> list | None:
    """Pivots (squared diagonal of the Cholesky factor) of the symmetric f × f
    matrix ``a`` (a flat list, row by row), by LDLᵀ in plain Python: for the few
    rows of [X y] this costs less than a LAPACK call through its wrapper. The
    first p give log|R_X|², the last is r². None when not positive definite."""
    if f == 3:  # intercept and one slope: unrolled
        d0 = a[0]
        if not d0 > 0.0:
            return None
        l1, l2 = a[3] / d0, a[6] / d0
        d1 = a[4] - l1 * a[3]
        if not d1 > 0.0:
            return None
        e = a[7] - l2 * a[3]
        d2 = a[8] - l2 * a[6] - e * e / d1
        return [d0, d1, d2] if d2 > 0.0 else None
    L = [0.0] * (f * f)   # unit lower triangular factor, row by row
    d = []
    for j in range(f):
        rj = j * f
        s = a[rj + j]
        for k in range(j):
            s -= L[rj + k] * L[rj + k] * d[k]
        if not s > 0.0:
            return None
        d.append(s)
        for i in range(j + 1, f):
            ri = i * f
            v = a[ri + j]
            for k in range(j):
                v -= L[ri + k] * L[rj + k] * d[k]
            L[ri + j] = v / s
    return d
