"""PIRLS steps in the levels' space with β held — stage 2 of a GLMM fit and each
AGQ evaluation — where the penalised system's first block is diagonal and no later
block is dense: one scalar term ``(1 | g)`` or ``(0 + x | g)`` (``OneTerm``), and
two intercept terms whose first nests in the second (``NestedPair``: grouseticks'
broods in locations). For mode.py's loop (``LevelSteps``) and, with a leading axis
of points, for batch.py's.

The first term's system is diagonal (scalar.py, crossed.py): with a_l =
Σ_{i∈l} w_i m_i² and s_l = λ²a_l + 1, one term's step is u_l = λ (Z'Wz)_l / s_l.
After a step η = fixed + ZΛu (fixed = offset + Xβ), constant in each first-term
level l up to m, so the next step's Z'Wz, z = η − fixed + (y − μ)/μ'(η), is
a_l (ZΛu)_l + Z'(W zres): two bincounts over the rows and no working-response column.
The first step, from η₀, has Z'Wz = Z'W₀(η₀ − offset + zres₀) − (Z'W₀X) β, whose two
parts depend on η₀ only and are kept (``Start``) for every evaluation from the same
η₀. An algebra gives ``lams`` (θ's λ per term), ``step`` (u per term and the
diagonals whose logs sum to log|L|², the first the first term's L²), ``eta`` and
``next`` (W and the sums of the step after a point).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from mixeq.fitting.glmm.mode import Mode
from mixeq.fitting.glmm.predictor import Solution
from mixeq.fitting.glmm.scalar import NO_BETA, NO_RX


class Binner:
    """Σ_{i∈l} G_i over the levels of a code vector, for a vector G or for each row of
    a (points × n) G (then points × levels): one bincount."""

    def __init__(self, codes: np.ndarray, nlevels: int):
        self.codes, self.nl, self._keys = codes, nlevels, None

    def __call__(self, G: np.ndarray) -> np.ndarray:
        if G.ndim == 1:
            return np.bincount(self.codes, G, self.nl)
        B = G.shape[0]
        keys = self._keys
        if keys is None or keys.size < G.size:
            keys = self._keys = (np.arange(B)[:, None] * self.nl + self.codes).ravel()
        return np.bincount(keys[:G.size], G.ravel(), B * self.nl).reshape(B, self.nl)


@dataclass
class Start:
    """What the first step needs from η₀ alone, over the first term's levels: W₀,
    a = Z'W₀m², c = Z'W₀m(η₀ − offset + zres₀) and A = Z'W₀mX (levels × p)."""

    eta0: np.ndarray
    resp: object
    w: np.ndarray
    a: np.ndarray
    c: np.ndarray
    A: np.ndarray

    def sums(self, beta: np.ndarray):
        """(a, Z'W₀z₀) at β (per point when β has a leading axis)."""
        return self.a, self.c - beta @ self.A.T


class Algebra:
    """The part both kinds share: λ's from θ, and ``Start`` kept for the last
    (η₀, response). ``first`` sums over the first term's levels, ``m`` is its column
    (None for an intercept), ``index`` θ's position of each term's λ."""

    def __init__(self, pred, first: Binner, m, index):
        self.X, self.first, self.m, self.index = pred.X, first, m, list(index)
        self.m2 = None if m is None else m * m
        self.kept = None

    def lams(self, theta: np.ndarray) -> tuple:
        """θ's λ per term: floats for one point, columns (points × 1) for several."""
        if theta.ndim == 1:
            return tuple([float(theta[i]) for i in self.index])
        return tuple(theta[:, i:i + 1] for i in self.index)

    def start(self, resp, eta0: np.ndarray) -> Start:
        kept = self.kept
        if kept is not None and kept.eta0 is eta0 and kept.resp is resp:
            return kept
        _, w, zres = resp.start(eta0)
        wm = w if self.m is None else w * self.m
        c = self.first(wm * (eta0 - resp.offset + zres))
        A = np.stack([self.first(wm * x) for x in self.X.T], axis=-1)
        self.kept = Start(eta0, resp, w, self.a(w), c, A)
        return self.kept

    def a(self, w: np.ndarray) -> np.ndarray:
        """a_l = Σ_{i∈l} w_i m_i²."""
        return self.first(w if self.m2 is None else w * self.m2)

    def working_sums(self, resp, eta, mu):
        """(W, a, Z'(W zres)) at a point's η and μ."""
        w, zres = resp.working(eta, mu)
        wz = w * zres if self.m is None else w * self.m * zres
        return w, self.a(w), self.first(wz)

    @staticmethod
    def positive(diag) -> bool:
        return True


class OneTerm(Algebra):
    """One scalar term: s = λ²a + 1, u = λ Z'Wz / s."""

    def __init__(self, pred):
        super().__init__(pred, Binner(pred.codes, pred.nl), pred.m, [0])
        self.codes = pred.codes

    def step(self, lams, a, zw):
        t = lams[0]
        s = (t * t) * a + 1.0
        return [t * zw / s], (s,)

    def eta(self, fixed, lams, u):
        part = (u[0] * lams[0]).take(self.codes, axis=-1)
        if self.m is not None:
            part *= self.m
        part += fixed
        return part

    def next(self, resp, lams, eta, mu, u):
        w, a, wz = self.working_sums(resp, eta, mu)
        return w, a, (lams[0] * a) * u[0] + wz


class NestedPair(Algebra):
    """Two intercept terms, each level l of the first inside one level r(l) of the
    second (crossed.py's ``NestedTermPredictor`` with β held, f = 1): with g = λ₁²/s,
    m_r = λ₂²(Σ_{l∈r} a_l − Σ_{l∈r} g_l a_l²) + 1, u_R = λ₂ (Σ_{l∈r} B_l − Σ_{l∈r} g_l a_l B_l)/m,
    u₁ = λ₁ (B − a∘(λ₂u_R)[r]) / s for B = Z₁'Wz; log|L|² = Σ log s + Σ log m."""

    def __init__(self, pred):
        super().__init__(pred, Binner(pred.codes[0], pred.q1), None, pred.theta_index)
        self.c0, self.c1 = pred.codes
        self.r_of = np.empty(pred.q1, dtype=np.intp)
        self.r_of[pred.cross.nz_l] = pred.cross.nz_r
        self.up = Binner(self.r_of, pred.qR)

    @staticmethod
    def takes(pred) -> bool:
        return all(c is None for c in pred.cols)

    def step(self, lams, a, B):
        t1, t2 = lams
        s = (t1 * t1) * a + 1.0
        ga = (t1 * t1) / s * a
        m = (t2 * t2) * (self.up(a) - self.up(ga * a)) + 1.0
        uR = t2 * (self.up(B) - self.up(ga * B)) / m
        u1 = t1 * (B - a * (t2 * uR).take(self.r_of, axis=-1)) / s
        return [u1, uR], (s, m)

    @staticmethod
    def positive(diag) -> bool:
        return bool(diag[1].min() > 0.0)

    def eta(self, fixed, lams, u):
        t1, t2 = lams
        return fixed + (t1 * u[0]).take(self.c0, axis=-1) + (t2 * u[1]).take(self.c1, axis=-1)

    def next(self, resp, lams, eta, mu, u):
        t1, t2 = lams
        w, a, wz = self.working_sums(resp, eta, mu)
        return w, a, a * (t1 * u[0] + (t2 * u[1]).take(self.r_of, axis=-1)) + wz


def algebra_for(pred) -> Algebra | None:
    """The levels' algebra of a predictor kind, or None (rows only)."""
    from mixeq.fitting.glmm.crossed import NestedTermPredictor, ScalarTermsPredictor
    from mixeq.fitting.glmm.crossed_steps import CrossedPair
    from mixeq.fitting.glmm.scalar import ScalarTermPredictor

    if isinstance(pred, ScalarTermPredictor):
        return OneTerm(pred)
    if isinstance(pred, NestedTermPredictor):
        return NestedPair(pred) if NestedPair.takes(pred) else None
    if isinstance(pred, ScalarTermsPredictor) and CrossedPair.takes(pred):
        return CrossedPair(pred)
    return None


def log_det(diag) -> float:
    """log|L|² from the diagonals (summed over the last axis: one per point)."""
    total = np.add.reduce(np.log(diag[0]), axis=-1)
    for d in diag[1:]:
        total = total + np.add.reduce(np.log(d), axis=-1)
    return total


class LevelStep(NamedTuple):
    """What ``iterate`` takes from a step — u per term (a vector over its levels; the
    mode's are levels × 1) and β (held) — with the step's diagonals and weights, which
    the mode's log|L|² and L are formed from."""

    u: list
    beta: np.ndarray
    diag: tuple
    weights: np.ndarray


class LevelSteps:
    """PIRLS steps (mode.py's ``iterate``) in the levels' space (the module)."""

    def __init__(self, algebra: Algebra, resp, theta, eta0, beta):
        self.alg, self.resp, self.beta = algebra, resp, beta
        self.lams = algebra.lams(theta)
        self.fixed = resp.offset + algebra.X @ beta
        self.start = algebra.start(resp, eta0)

    def solve(self, state) -> LevelStep | None:
        if state is None:
            w = self.start.w
            a, zw = self.start.sums(self.beta)
        else:
            w, a, zw = self.alg.next(self.resp, self.lams, *state)
        u, diag = self.alg.step(self.lams, a, zw)
        if not self.alg.positive(diag):
            return None
        return LevelStep(u, NO_BETA, diag, w)

    def evaluate(self, point):
        u = point[0]
        eta = self.alg.eta(self.fixed, self.lams, u)
        mu, dev = self.resp.mu_deviance(eta)
        ussq = u[0] @ u[0]
        for v in u[1:]:
            ussq = ussq + v @ v
        return (eta, mu, u), dev + float(ussq)

    def mode(self, r) -> Mode:
        eta, mu, _ = r.state
        diag = r.sol.diag
        u = [v[:, None] for v in r.point[0]]
        step_u = u if r.sol.u is r.point[0] else [v[:, None] for v in r.sol.u]   # (halved: not)
        sol = Solution(step_u, NO_BETA, float(log_det(diag)), NO_RX,
                       np.sqrt(diag[0]).reshape(-1, 1, 1))
        return Mode(eta, mu, u, np.asarray(r.point[1]), sol, r.sol.weights, r.pdev, r.iterations)
