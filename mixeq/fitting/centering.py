"""Centring y and the columns of X before the cross-products are formed.

The criterion downdates yᵀy and XᵀX (r² = yᵀy − …), so a response or a predictor
far from zero (years, incomes, y + 10⁶) loses digits to cancellation. When X has
an intercept column, y − ȳ and X T (T: subtract each column's mean via the
intercept) give the same likelihood exactly: X T spans the same space with
det T = 1, so the criterion, σ, the modes and their variances are unchanged,
and β and R_X are mapped back with T.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mixeq.fitting.criterion import Factorization


@dataclass
class Centering:
    intercept: int | None          # index of the all-ones column of X
    means: np.ndarray              # column means of X (0 for the intercept)
    y_mean: float

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray) -> "Centering":
        ones = np.flatnonzero(np.all(X == 1.0, axis=0)) if X.size else np.zeros(0, dtype=int)
        if ones.size == 0:
            return cls(None, np.zeros(X.shape[1]), 0.0)
        means = X.mean(axis=0)
        means[ones] = 0.0
        return cls(int(ones[0]), means, float(y.mean()))

    def apply(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.intercept is None:
            return X, y
        return X - self.means, y - self.y_mean

    def restore(self, fz: Factorization) -> Factorization:
        """β and R_X of the original X from those of the centred problem."""
        if self.intercept is None:
            return fz
        i = self.intercept
        # X_c = X T with T = I minus the means in row i; T⁻¹ adds them back
        beta = fz.beta.copy()
        beta[i] += self.y_mean
        beta[i] -= self.means @ beta
        rx = fz.rx.copy()                        # R Rᵀ = T⁻ᵀ R_c R_cᵀ T⁻¹: rx = T⁻ᵀ R_c
        rx += np.outer(self.means, fz.rx[i])     # (T⁻ᵀ = I + means in column i)
        return Factorization(fz.ld_l, fz.ld_x, fz.pwrss, beta, fz.u, rx)
