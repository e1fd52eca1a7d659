"""Penalised iteratively reweighted least squares (PIRLS) and the Laplace
deviance of a GLMM at θ (Bates et al. 2015; lme4's ``pwrssUpdate`` and
``glmerLaplace``; the loop is mode.py's ``iterate``, the AGQ deviance agq.py's).

At θ (and β, when β is held fixed) PIRLS finds the conditional mode u of the
spherical random effects: each step reweights the predictor with the working
weights W = w μ'(η)²/V(μ) and solves the penalised least-squares system for
the working response; a step that raises the penalised deviance
Σ dᵢ + ‖u‖² is halved (as lme4 does). The Laplace deviance is then
log|L|² + ‖u‖² + aic(μ) (lme4's ``glmResp::Laplace``).
"""
from __future__ import annotations

import numpy as np

from mixeq.fitting.glmm.level_steps import LevelSteps
from mixeq.fitting.glmm.mode import Mode, PirlsFailed, Reached, iterate, ussq
from mixeq.fitting.glmm.predictor import WeightedPredictor
from mixeq.fitting.glmm.response import GlmResponse

__all__ = ["Mode", "PirlsFailed", "RowSteps", "laplace", "pirls"]


def pirls(pred: WeightedPredictor, resp: GlmResponse, theta: np.ndarray, eta0: np.ndarray,
          beta: np.ndarray | None = None) -> Mode:
    """The conditional mode at θ from η₀: over u and β (``beta=None``, lme4's
    nAGQ = 0 stage) or over u with β fixed (the offset then includes Xβ). With β
    held, a predictor with a levels' algebra (one scalar term, a nested pair) takes
    its steps in the levels' space (level_steps.py's ``LevelSteps``); every other
    case on the rows (``RowSteps``)."""
    if beta is not None and pred.levels is not None:
        steps = LevelSteps(pred.levels, resp, theta, eta0, beta)
    else:
        steps = RowSteps(pred, resp, theta, eta0, beta)
    return steps.mode(iterate(steps, beta))


class RowSteps:
    """PIRLS steps on the rows, for any predictor kind: the working response
    z = η − offset(+Xβ) + (y − μ)/μ'(η) in F's last column (F = [X z] when β is
    solved for), the predictor's ``solve`` under the working weights, and η, μ and
    Σ dᵢ at each new point."""

    def __init__(self, pred, resp: GlmResponse, theta, eta0, beta):
        X = pred.X
        self.pred, self.resp, self.theta, self.eta0 = pred, resp, theta, eta0
        self.solve_beta = beta is None
        self.fixed = resp.offset if self.solve_beta else resp.offset + X @ beta
        if self.solve_beta:
            self.F = np.empty((X.shape[0], X.shape[1] + 1))
            self.F[:, :-1] = X
            self.z = self.F[:, -1]
        else:
            self.F = np.empty((X.shape[0], 1))
            self.z = self.F[:, 0]
        self.weights = None

    def solve(self, state):
        if state is None:
            eta = self.eta0
            _, w, zres = self.resp.start(eta)     # the same at every evaluation from one η₀
        else:
            eta, mu = state
            w, zres = self.resp.working(eta, mu)
        np.subtract(eta, self.fixed, out=self.z)
        self.z += zres
        self.weights = w
        return self.pred.solve(self.theta, w, self.F)

    def evaluate(self, point):
        eta, mu, pdev = _evaluate(self.pred, self.resp, self.theta, self.fixed, point,
                                  self.solve_beta)
        return (eta, mu), pdev

    def mode(self, r: Reached) -> Mode:
        eta, mu = r.state
        return Mode(eta, mu, r.point[0], np.asarray(r.point[1]), r.sol, self.weights, r.pdev,
                    r.iterations)


def _evaluate(pred, resp, theta, fixed, point, solve_beta):
    u, beta = point
    eta = pred.zb(theta, u)
    eta += fixed
    if solve_beta:
        eta += pred.X @ beta
    mu, dev = resp.mu_deviance(eta)
    return eta, mu, dev + ussq(u)


def laplace(mode: Mode, resp: GlmResponse) -> float:
    """lme4's Laplace deviance: log|L|² + ‖u‖² + aic(μ)."""
    ussq = mode.ussq
    return mode.sol.ld_l + ussq + resp.aic(mode.mu, mode.pdev - ussq)


