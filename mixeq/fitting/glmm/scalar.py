"""The predictor of a GLMM whose only random-effects term is scalar, ``(1 | g)``
or ``(0 + x | g)`` (cbpp; every nAGQ > 1 fit): the second GLMM predictor kind
beside the blocked one (``WeightedPredictor``), chosen once by
``predictor.make_predictor``.

With one scalar term Λ = λI and ZᵀWZ is diagonal: a_l = Σ_{i∈l} w_i m_i². So L_Z
is diagonal, l_l = √(λ²a_l + 1), log|L_Z|² = Σ log(λ²a_l + 1), and a PIRLS step
is a per-level scalar Newton step (Bates et al. 2015, §3.6 with q₁ scalar
blocks; lme4's ``merPredD`` with a diagonal L). With β solved too (F = [X z]),
the [X z] block's Schur complement F'WF − WF₁WF₁ᵀ, WF₁ = λ (Z'WF) / l, is
(p+1)² and dense. Per step: one bincount, one product Z₁ᵀ(w∘F), a few vector
operations; no sparse matrix, no blocks.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dpotrf, dtrtrs

from mixeq.fitting.glmm.predictor import Solution, scalar_column



NO_BETA, NO_RX = np.zeros(0), np.zeros((0, 0))     # β held fixed: nothing solved for
NO_BETA.flags.writeable = NO_RX.flags.writeable = False


class LevelSums:
    """Σ_{i∈l} G_i for every level l of a code vector and every column of an (n × f)
    G (ZᵀWF of a scalar term, with G = F ∘ w m): one bincount over level·f + column."""

    def __init__(self, codes: np.ndarray, nlevels: int):
        self.codes, self.nl, self._keys = codes, nlevels, {}

    def __call__(self, G: np.ndarray) -> np.ndarray:
        f = G.shape[1]
        if f == 1:
            return np.bincount(self.codes, G[:, 0], self.nl)[:, None]
        keys = self._keys.get(f)
        if keys is None:
            keys = self._keys[f] = (self.codes[:, None] * f + np.arange(f)).ravel()
        return np.bincount(keys, np.ascontiguousarray(G).ravel(), self.nl * f).reshape(self.nl, f)


class ScalarTermPredictor:
    """X, one scalar term's codes and column, and the per-level closed form."""

    name = "glmm-scalar"
    levels = None    # level_steps.algebra_for's (set by make_predictor)

    def __init__(self, X: np.ndarray, terms, layout):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.n, self.p = X.shape
        self.terms, self.layout = list(terms), layout
        term = self.terms[0]
        self.codes, self.nl = np.asarray(term.codes), term.nlevels
        self.m = m = scalar_column(term)
        self.m2 = None if m is None else m * m
        self.sums = LevelSums(self.codes, self.nl)

    def _a(self, w: np.ndarray) -> np.ndarray:
        """a_l = Σ_{i∈l} w_i m_i²."""
        return np.bincount(self.codes, w if self.m2 is None else w * self.m2, self.nl)

    def solve(self, theta: np.ndarray, w: np.ndarray, F: np.ndarray) -> Solution | None:
        """As ``WeightedPredictor.solve``: F = [X z] (β solved for) or [z]."""
        t = float(theta[0])
        l2 = (t * t) * self._a(w) + 1.0
        l1 = np.sqrt(l2)
        ld = float(np.add.reduce(np.log(l2)))
        FW = F * w[:, None]
        B = self.sums(FW if self.m is None else FW * self.m[:, None])   # (levels, f): Z₁ᵀWF
        f = F.shape[1]
        if f == 1:
            u = (t * B[:, 0] / l2)[:, None]
            return Solution([u], NO_BETA, ld, NO_RX, l1.reshape(-1, 1, 1))
        WF1 = B.T * (t / l1)                                 # (f, levels)
        SF = F.T @ FW - WF1 @ WF1.T
        L, info = dpotrf(SF, lower=1, clean=1)
        if info != 0:
            return None
        p = f - 1
        rx = L[:p, :p]
        beta = dtrtrs(rx, L[p, :p], lower=1, trans=1)[0]
        u = ((WF1[p] - WF1[:p].T @ beta) / l1)[:, None]
        return Solution([u], beta, ld, rx, l1.reshape(-1, 1, 1))

    def lambdas(self, theta: np.ndarray) -> list:
        return [np.array([[float(theta[0])]])]

    def zb(self, theta: np.ndarray, u: list) -> np.ndarray:
        """Z Λ u on the n rows."""
        part = (u[0][:, 0] * float(theta[0]))[self.codes]
        return part if self.m is None else part * self.m

    def condvar_u(self, theta, w: np.ndarray) -> list[np.ndarray]:
        """(L Lᵀ)⁻¹'s diagonal: 1/(λ²a_l + 1) per level (as ``WeightedPredictor``)."""
        t = float(theta[0])
        return [(1.0 / ((t * t) * self._a(w) + 1.0)).reshape(-1, 1, 1)]
