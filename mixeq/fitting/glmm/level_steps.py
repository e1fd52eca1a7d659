"""PIRLS steps in the levels' space for one scalar term with β held — stage 2 of
every fit whose only random-effects term is ``(1 | g)`` or ``(0 + x | g)``, and each
AGQ evaluation — for mode.py's loop (``LevelSteps``) and, with a leading axis of
points, for batch.py's.

With Λ = λI the penalised system is diagonal (scalar.py): a step is
u_l = λ (Z'Wz)_l / (λ²a_l + 1), a_l = Σ_{i∈l} w_i m_i². After a step
η = fixed + λ m∘u[codes] (fixed = offset + Xβ), so the next step's Z'Wz,
z = η − fixed + (y − μ)/μ'(η), is λ a∘u + Z'(W zres): two bincounts over the rows
and no working-response column. The first step, from η₀, has
Z'Wz = Z'W₀(η₀ − offset + zres₀) − (Z'W₀X) β, whose two parts depend on η₀ only and
are kept (``StartSums``) for every evaluation from the same η₀.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from mixeq.fitting.glmm.mode import Mode
from mixeq.fitting.glmm.predictor import Solution
from mixeq.fitting.glmm.scalar import NO_BETA, NO_RX, ScalarTermPredictor


@dataclass
class StartSums:
    """What the first step needs from η₀ alone: W₀, a = Z'W₀m², c =
    Z'W₀m(η₀ − offset + zres₀) and A = Z'W₀mX (levels × p), for one predictor and
    response; kept on the predictor for the last (η₀, response)."""

    eta0: np.ndarray
    resp: object
    w: np.ndarray
    a: np.ndarray
    c: np.ndarray
    A: np.ndarray

    @classmethod
    def of(cls, pred: ScalarTermPredictor, resp, eta0) -> "StartSums":
        kept = pred.start_sums
        if kept is not None and kept.eta0 is eta0 and kept.resp is resp:
            return kept
        _, w, zres = resp.start(eta0)
        wm = w if pred.m is None else w * pred.m
        c = pred.level_sums(wm * (eta0 - resp.offset + zres))
        pred.start_sums = cls(eta0, resp, w, pred._a(w), c, pred.sums(pred.X * wm[:, None]))
        return pred.start_sums

    def zw(self, beta: np.ndarray) -> np.ndarray:
        """Z'W₀z₀ at β (per point when β has a leading axis)."""
        return self.c - beta @ self.A.T


def solve(t, a: np.ndarray, zw: np.ndarray):
    """(l², u): l_l² = λ²a_l + 1 and u_l = λ (Z'Wz)_l / l_l² (any leading axis)."""
    l2 = (t * t) * a + 1.0
    return l2, t * zw / l2


def next_sums(pred: ScalarTermPredictor, resp, t, eta, mu, u):
    """(W, a, Z'Wz) for the step after a point's η, μ and u: Z'Wz = λ a∘u + Z'(W zres)."""
    w, zres = resp.working(eta, mu)
    wz = w * zres if pred.m is None else w * pred.m * zres
    a = pred._a(w)
    return w, a, (t * a) * u + pred.level_sums(wz)


class LevelStep(NamedTuple):
    """What ``iterate`` takes from a step — u (levels × 1) and β (held) — with the
    step's l² and weights, which the mode's log|L|² and L are formed from."""

    u: list
    beta: np.ndarray
    l2: np.ndarray
    weights: np.ndarray


class LevelSteps:
    """PIRLS steps (mode.py's ``iterate``) in the levels' space (the module)."""

    def __init__(self, pred: ScalarTermPredictor, resp, theta, eta0, beta):
        self.pred, self.resp, self.beta = pred, resp, beta
        self.t = float(theta[0])
        self.fixed = resp.offset + pred.X @ beta
        self.start = StartSums.of(pred, resp, eta0)

    def solve(self, state) -> LevelStep:
        if state is None:
            w, a, zw = self.start.w, self.start.a, self.start.zw(self.beta)
        else:
            w, a, zw = next_sums(self.pred, self.resp, self.t, *state)
        l2, u = solve(self.t, a, zw)
        return LevelStep([u[:, None]], NO_BETA, l2, w)

    def evaluate(self, point):
        u = point[0][0][:, 0]
        eta = self.fixed + self.pred.zb_levels(self.t, u)
        mu, dev = self.resp.mu_deviance(eta)
        return (eta, mu, u), dev + float(u @ u)

    def mode(self, r) -> Mode:
        eta, mu, _ = r.state
        l2 = r.sol.l2
        sol = Solution(r.sol.u, NO_BETA, float(np.log(l2).sum()), NO_RX,
                       np.sqrt(l2).reshape(-1, 1, 1))
        return Mode(eta, mu, r.point[0], np.asarray(r.point[1]), sol, r.sol.weights, r.pdev,
                    r.iterations)
