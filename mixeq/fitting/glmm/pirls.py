"""Penalised iteratively reweighted least squares (PIRLS) and the Laplace and
adaptive Gauss–Hermite deviances of a GLMM at θ (Bates et al. 2015; lme4's
``pwrssUpdate``, ``glmerLaplace`` and ``glmerAGQ``).

At θ (and β, when β is held fixed) PIRLS finds the conditional mode u of the
spherical random effects: each step reweights the predictor with the working
weights W = w μ'(η)²/V(μ) and solves the penalised least-squares system for
the working response; a step that raises the penalised deviance
Σ dᵢ + ‖u‖² is halved (as lme4 does). The Laplace deviance is then
log|L|² + ‖u‖² + aic(μ) (lme4's ``glmResp::Laplace``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import pi, sqrt

import numpy as np
from scipy import stats

from mixeq.fitting.glmm.predictor import Solution, WeightedPredictor
from mixeq.fitting.glmm.response import GlmResponse

TOL = 1e-7       # relative change of the penalised deviance at convergence: lme4's tolPwrss
MAXIT = 60
HALVINGS = 20
AGQ_CELLS = 2_000_000   # nodes × rows evaluated at once by agq


@dataclass
class Mode:
    """The state PIRLS ends in: η, μ, u, β, the factor's solution and its weights."""

    eta: np.ndarray
    mu: np.ndarray
    u: list
    beta: np.ndarray
    sol: Solution
    weights: np.ndarray
    pdev: float
    iterations: int

    @property
    def ussq(self) -> float:
        return _ussq(self.u)


class PirlsFailed(Exception):
    """PIRLS did not reach a mode (non-finite deviance, a singular system)."""


def pirls(pred: WeightedPredictor, resp: GlmResponse, theta: np.ndarray, eta0: np.ndarray,
          beta: np.ndarray | None = None) -> Mode:
    """The conditional mode at θ from η₀: over u and β (``beta=None``, lme4's
    nAGQ = 0 stage) or over u with β fixed (the offset then includes Xβ)."""
    X = pred.X
    solve_beta = beta is None
    fixed = resp.offset if solve_beta else resp.offset + X @ beta
    eta = eta0
    mu, w, zres = resp.start(eta0)           # the same at every evaluation from one η₀
    if solve_beta:
        F = np.empty((X.shape[0], X.shape[1] + 1))
        F[:, :-1] = X
        z = F[:, -1]
    else:
        F = np.empty((X.shape[0], 1))
        z = F[:, 0]
    old_pdev, prev = np.inf, None
    for it in range(1, MAXIT + 1):
        if it > 1:
            w, zres = resp.working(eta, mu)
        np.subtract(eta, fixed, out=z)
        z += zres
        sol = pred.solve(theta, w, F)
        if sol is None:
            raise PirlsFailed("the penalised system is not positive definite")
        new = (sol.u, sol.beta if solve_beta else beta)
        eta, mu, pdev = _evaluate(pred, resp, theta, fixed, new, solve_beta)
        if prev is not None and not (pdev <= old_pdev):
            for _ in range(HALVINGS):     # step halving towards the previous point
                new = (_half(prev[0], new[0]), (prev[1] + new[1]) / 2.0 if solve_beta else beta)
                eta, mu, pdev = _evaluate(pred, resp, theta, fixed, new, solve_beta)
                if pdev <= old_pdev:
                    break
            else:
                if not np.isfinite(pdev) or pdev - old_pdev > TOL * abs(old_pdev):
                    raise PirlsFailed("step halving did not reduce the penalised deviance")
        if not np.isfinite(pdev):
            raise PirlsFailed("the penalised deviance is not finite")
        converged = abs(old_pdev - pdev) <= TOL * abs(pdev)
        old_pdev, prev = pdev, new
        if converged:
            return Mode(eta, mu, new[0], np.asarray(new[1]), sol, w, pdev, it)
    raise PirlsFailed(f"PIRLS did not converge in {MAXIT} iterations")


def _half(a: list, b: list) -> list:
    return [(x + y) / 2.0 for x, y in zip(a, b)]


def _evaluate(pred, resp, theta, fixed, point, solve_beta):
    u, beta = point
    eta = fixed + pred.zb(theta, u)
    if solve_beta:
        eta = eta + pred.X @ beta
    mu = resp.mu(eta)
    return eta, mu, resp.deviance(mu) + _ussq(u)


def _ussq(u: list) -> float:
    """‖u‖² over the terms' modes."""
    total = 0.0
    for v in u:
        v = v.ravel()
        total += float(v @ v)
    return total


def laplace(mode: Mode, resp: GlmResponse) -> float:
    """lme4's Laplace deviance: log|L|² + ‖u‖² + aic(μ)."""
    ussq = mode.ussq
    return mode.sol.ld_l + ussq + resp.aic(mode.mu, mode.pdev - ussq)


@lru_cache(maxsize=32)
def gh_rule(k: int):
    """lme4's ``GHrule(k)``: Gauss–Hermite nodes z for the standard normal, weights
    summing to 1, made exactly symmetric, and log φ(z) (read-only arrays, made once
    per k)."""
    x, w = np.polynomial.hermite.hermgauss(k)
    z, w = x * sqrt(2.0), w / w.sum()
    z = (z - z[::-1]) / 2.0
    w = (w + w[::-1]) / 2.0
    rule = (z, w, stats.norm.logpdf(z))
    for a in rule:
        a.flags.writeable = False
    return rule


def agq(pred: WeightedPredictor, resp: GlmResponse, theta: np.ndarray, mode: Mode, rule) -> float:
    """lme4's ``glmerAGQ`` for one scalar term: per level, the integral over u_l by
    Gauss–Hermite nodes centred at the mode and scaled by its conditional SD
    1/L_l; returns Σ_l (Σ d_i + u_l²) + log|L|² − 2 Σ_l log(integral ratio).
    The nodes are evaluated together, as rows of a (nodes × n) array (in chunks
    of at most AGQ_CELLS cells)."""
    term = pred.terms[0]
    codes, m = term.codes, term.matrix[:, 0]
    nl = term.nlevels
    lam = float(theta[0])
    sd = 1.0 / mode.sol.L1[:, 0, 0]
    u = mode.u[0][:, 0]
    devc0 = u * u + np.bincount(codes, resp.dev_resid(mode.mu), minlength=nl)
    z, wts, ld = rule
    scale = (wts / sqrt(2.0 * pi)) * np.exp(-ld)            # per node: w_k / φ(z_k)
    shift_rows = (m * lam) * sd[codes]                      # η's change per unit z on each row
    mult = np.zeros(nl)
    chunk = max(1, AGQ_CELLS // max(codes.size, 1))
    for lo in range(0, z.size, chunk):
        zk = z[lo:lo + chunk]
        mu = resp.mu(mode.eta + zk[:, None] * shift_rows)  # (nodes, n)
        d = resp.dev_resid(mu)
        idx = (np.arange(zk.size)[:, None] * nl + codes).ravel()
        uk = u + zk[:, None] * sd
        devc = uk * uk + np.bincount(idx, d.ravel(), minlength=zk.size * nl).reshape(zk.size, nl)
        mult += scale[lo:lo + chunk] @ np.exp(-0.5 * (devc - devc0))
    return float(devc0.sum() + mode.sol.ld_l - 2.0 * np.log(mult).sum())
