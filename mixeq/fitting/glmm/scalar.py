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

from typing import NamedTuple

import numpy as np
from scipy.linalg.lapack import dpotrf, dtrtrs

from mixeq.fitting.glmm.predictor import Solution



_NO_BETA, _NO_RX = np.zeros(0), np.zeros((0, 0))     # β held fixed: nothing solved for
_NO_BETA.flags.writeable = _NO_RX.flags.writeable = False


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

    def __init__(self, X: np.ndarray, terms, layout):
        self.X = np.ascontiguousarray(X, dtype=float)
        self.n, self.p = X.shape
        self.terms, self.layout = list(terms), layout
        term = self.terms[0]
        self.codes, self.nl = np.asarray(term.codes), term.nlevels
        m = np.asarray(term.matrix[:, 0], dtype=float)
        self.m = None if bool(np.all(m == 1.0)) else m
        self.m2 = None if self.m is None else m * m
        self.sums = LevelSums(self.codes, self.nl)
        self.start_sums = None    # LevelSteps' sums at the last η₀ (StartSums)
        self._many_keys = None    # level_sums_many's bincount keys

    def _a(self, w: np.ndarray) -> np.ndarray:
        """a_l = Σ_{i∈l} w_i m_i²."""
        return np.bincount(self.codes, w if self.m2 is None else w * self.m2, self.nl)

    def solve(self, theta: np.ndarray, w: np.ndarray, F: np.ndarray) -> Solution | None:
        """As ``WeightedPredictor.solve``: F = [X z] (β solved for) or [z]."""
        t = float(theta[0])
        l2 = (t * t) * self._a(w) + 1.0
        l1 = np.sqrt(l2)
        ld = float(np.log(l2).sum())
        wm = w if self.m is None else w * self.m
        B = self.sums(F * wm[:, None])                       # (levels, f): Z₁ᵀWF
        f = F.shape[1]
        if f == 1:
            u = (t * B[:, 0] / l2)[:, None]
            return Solution([u], _NO_BETA, ld, _NO_RX, l1.reshape(-1, 1, 1))
        WF1 = B.T * (t / l1)                                 # (f, levels)
        SF = F.T @ (F * w[:, None]) - WF1 @ WF1.T
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
        return self.zb_levels(float(theta[0]), u[0][:, 0])

    def zb_levels(self, t: float, u: np.ndarray) -> np.ndarray:
        """λ m∘u[codes]: Z Λ u from the levels' vector u."""
        part = (u * t)[self.codes]
        return part if self.m is None else part * self.m

    def zb_levels_many(self, t: np.ndarray, u: np.ndarray) -> np.ndarray:
        """``zb_levels`` for several points: λ (points × 1) and u (points × levels) give
        points × n."""
        part = (u * t)[:, self.codes]
        return part if self.m is None else part * self.m

    def level_sums_many(self, G: np.ndarray) -> np.ndarray:
        """Σ_{i∈l} G_bi for each row b of a (points × n) G: points × levels."""
        B = G.shape[0]
        keys = self._many_keys
        if keys is None or keys.size < G.size:
            keys = self._many_keys = (np.arange(B)[:, None] * self.nl + self.codes).ravel()
        return np.bincount(keys[:G.size], G.ravel(), B * self.nl).reshape(B, self.nl)

    def condvar_u(self, theta, w: np.ndarray) -> list[np.ndarray]:
        """(L Lᵀ)⁻¹'s diagonal: 1/(λ²a_l + 1) per level (as ``WeightedPredictor``)."""
        t = float(theta[0])
        return [(1.0 / ((t * t) * self._a(w) + 1.0)).reshape(-1, 1, 1)]


class LevelSteps:
    """PIRLS steps (pirls.py's ``iterate``) of one scalar term with β held — stage 2
    of every fit with one scalar term, and each AGQ evaluation — in the levels'
    space rather than the rows'.

    After a step η = fixed + λ m∘u[codes] (fixed = offset + Xβ), so the next step's
    Z'Wz, z = η − fixed + (y − μ)/μ'(η), is λ a∘u + Z'(W zres) with a_l = Σ_{i∈l} w_i m_i²,
    and the solve is u_l = λ (Z'Wz)_l / (λ²a_l + 1): two bincounts over the rows, no
    working-response column. The first step, from η₀, has
    Z'Wz = Z'W₀(η₀ − offset + zres₀) − (Z'W₀X) β, whose two parts depend on η₀ only
    and are kept (``StartSums``) for every evaluation from the same η₀."""

    def __init__(self, pred: ScalarTermPredictor, resp, theta, eta0, beta):
        self.pred, self.resp, self.beta = pred, resp, beta
        self.t = float(theta[0])
        self.fixed = resp.offset + pred.X @ beta
        self.start = StartSums.of(pred, resp, eta0)
        self.weights = None

    def solve(self, state) -> "LevelStep":
        """The step's u under the weights at ``state``; log|L|² and L's diagonal are
        formed once, for the step PIRLS ends with (``mode``)."""
        pred, t = self.pred, self.t
        if state is None:
            st = self.start
            w, a, zw = st.w, st.a, st.c - st.A @ self.beta
        else:
            eta, mu, u = state
            w, zres = self.resp.working(eta, mu)
            a = pred._a(w)
            wz = w * zres if pred.m is None else w * pred.m * zres
            zw = (t * a) * u + np.bincount(pred.codes, wz, pred.nl)
        self.weights = w
        l2 = self.l2 = (t * t) * a + 1.0
        return LevelStep([(t * zw / l2)[:, None]], _NO_BETA)

    def evaluate(self, point):
        u = point[0][0][:, 0]
        eta = self.fixed + self.pred.zb_levels(self.t, u)
        mu, dev = self.resp.mu_deviance(eta)
        return (eta, mu, u), dev + float(u @ u)

    def mode(self, r):
        from mixeq.fitting.glmm.pirls import Mode

        eta, mu, _ = r.state
        l2 = self.l2
        sol = Solution(r.sol.u, _NO_BETA, float(np.log(l2).sum()), _NO_RX,
                       np.sqrt(l2).reshape(-1, 1, 1))
        return Mode(eta, mu, r.point[0], np.asarray(r.point[1]), sol, self.weights, r.pdev,
                    r.iterations)


class LevelStep(NamedTuple):
    """What ``iterate`` takes from a step: u (one term: levels × 1) and β (held)."""

    u: list
    beta: np.ndarray


class StartSums:
    """What ``LevelSteps``' first step needs from η₀ alone: W₀, a = Z'W₀m, c =
    Z'W₀(η₀ − offset + zres₀) and A = Z'W₀X (levels × p), made once per η₀ (every
    evaluation of stage 2 starts PIRLS from stage 1's η)."""

    def __init__(self, eta0, w, a, c, A):
        self.eta0, self.w, self.a, self.c, self.A = eta0, w, a, c, A

    @classmethod
    def of(cls, pred: ScalarTermPredictor, resp, eta0) -> "StartSums":
        kept = pred.start_sums
        if kept is not None and kept.eta0 is eta0 and kept.resp is resp:
            return kept
        _, w, zres = resp.start(eta0)
        wm = w if pred.m is None else w * pred.m
        c = np.bincount(pred.codes, wm * (eta0 - resp.offset + zres), pred.nl)
        A = pred.sums(pred.X * wm[:, None])
        new = cls(eta0, w, pred._a(w), c, A)
        new.resp = resp
        pred.start_sums = new
        return new
