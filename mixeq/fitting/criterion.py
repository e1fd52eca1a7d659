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
