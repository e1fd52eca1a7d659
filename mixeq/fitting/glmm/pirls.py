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
from math import isfinite, pi, sqrt

import numpy as np
from scipy import stats

from mixeq.fitting.family import Kernel
from mixeq.fitting.glmm.predictor import Solution, WeightedPredictor
from mixeq.fitting.glmm.response import GlmResponse
from mixeq.fitting.glmm.scalar import LevelSteps, ScalarTermPredictor

TOL = 1e-7       # relative change of the penalised deviance at convergence: lme4's tolPwrss
MAXIT = 60
HALVINGS = 20
AGQ_CELLS = 2_000_000   # nodes × rows evaluated at once by agq
DENSE_LEVELS = 100_000  # rows × levels up to which AGQ sums over levels by a matrix product


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
    nAGQ = 0 stage) or over u with β fixed (the offset then includes Xβ). One
    scalar term with β held takes its steps in the levels' space (scalar.py's
    ``LevelSteps``); every other case on the rows (``RowSteps``)."""
    if beta is not None and isinstance(pred, ScalarTermPredictor):
        steps = LevelSteps(pred, resp, theta, eta0, beta)
    else:
        steps = RowSteps(pred, resp, theta, eta0, beta)
    return steps.mode(iterate(steps, beta))


@dataclass
class Reached:
    """Where ``iterate`` stops: the last factor solution, the point (u, β) it
    accepted, the evaluation's state there (η and μ for rows), Σ dᵢ + ‖u‖², and the
    number of steps."""

    sol: Solution
    point: tuple
    state: object
    pdev: float
    iterations: int


def iterate(steps, beta: np.ndarray | None) -> Reached:
    """lme4's ``pwrssUpdate`` loop, for every way of taking a step: ``steps.solve(state)``
    solves the penalised least-squares system under the weights at ``state`` (None:
    the start η₀) and ``steps.evaluate((u, β))`` gives (state, Σ dᵢ + ‖u‖²) at a point.
    A step that raises the penalised deviance is halved towards the previous point
    (at most HALVINGS times); the loop ends when the relative change is ≤ TOL.
    ``beta`` None: β is solved for with u; else held."""
    solve_beta = beta is None
    old_pdev, prev, state = np.inf, None, None
    for it in range(1, MAXIT + 1):
        sol = steps.solve(state)
        if sol is None:
            raise PirlsFailed("the penalised system is not positive definite")
        new = (sol.u, sol.beta if solve_beta else beta)
        state, pdev = steps.evaluate(new)
        if prev is not None and not (pdev <= old_pdev):
            for _ in range(HALVINGS):     # step halving towards the previous point
                new = (_half(prev[0], new[0]), (prev[1] + new[1]) / 2.0 if solve_beta else beta)
                state, pdev = steps.evaluate(new)
                if pdev <= old_pdev:
                    break
            else:
                if not isfinite(pdev) or pdev - old_pdev > TOL * abs(old_pdev):
                    raise PirlsFailed("step halving did not reduce the penalised deviance")
        if not isfinite(pdev):
            raise PirlsFailed("the penalised deviance is not finite")
        done = converged(old_pdev, pdev)
        old_pdev, prev = pdev, new
        if done:
            return Reached(sol, new, state, pdev, it)
    raise PirlsFailed(f"PIRLS did not converge in {MAXIT} iterations")


def converged(old_pdev, pdev):
    """PIRLS's stopping rule: the penalised deviance changed by at most TOL of itself
    (lme4's ``tolPwrss``; element-wise for arrays of points, batch.py)."""
    return abs(old_pdev - pdev) <= TOL * abs(pdev)


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


def _half(a: list, b: list) -> list:
    return [(x + y) / 2.0 for x, y in zip(a, b)]


def _evaluate(pred, resp, theta, fixed, point, solve_beta):
    u, beta = point
    eta = fixed + pred.zb(theta, u)
    if solve_beta:
        eta = eta + pred.X @ beta
    mu, dev = resp.mu_deviance(eta)
    return eta, mu, dev + _ussq(u)


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


class AgqPlan:
    """What ``agq`` needs that does not change between evaluations, made once per
    problem: the level codes and term column, the nodes' log weights
    log(w_k/φ(z_k)/√(2π)) and z_k², and the (node, level) keys of the nodes × rows
    array. For the canonical binomial-logit and Poisson-log families the deviance
    residual is written in η,

        d_i = 2wᵢ (cᵢ − yᵢ η_i + b(η_i)),   b(η) = log(1 + e^η) (logit) or e^η (log)

    (−y log μ − (1 − y) log(1 − μ) = −yη + log(1 + e^η); −y log μ + μ = −yη + e^η),
    so that with η_i(z) = η_i + z s_i and u_l(z) = u_l + z σ_l the change of a level's
    Σ d_i + u_l² from the mode (z = 0, the middle node of an odd rule) is

        Σ_{i∈l} 2wᵢ (b(η_i(z)) − b(η_i)) + z (2u_l σ_l − Σ_{i∈l} 2wᵢyᵢ s_i) + z² σ_l²:

    only b runs over the nodes × rows. Used where R's link applies no clamp — |η| ≤ 30
    (logit, R's linkinv) and e^η ≥ ε (log) — else μ by the link, as lme4."""

    def __init__(self, pred, resp: GlmResponse, rule):
        term = pred.terms[0]
        self.codes, self.nl = np.asarray(term.codes), term.nlevels
        m = np.asarray(term.matrix[:, 0], dtype=float)
        self.m = None if bool(np.all(m == 1.0)) else m
        z, wts, ld = rule
        self.z, self.z2 = z, (z * z)[:, None]
        self.log_scale = (np.log(wts / sqrt(2.0 * pi)) - ld)[:, None]   # log(w_k/φ(z_k)/√(2π))
        self.chunk = max(1, AGQ_CELLS // max(self.codes.size, 1))
        k = min(z.size, self.chunk)
        self.keys = (np.arange(k)[:, None] * self.nl + self.codes).ravel()
        self.kind = None
        name = (resp.family.name, resp.family.link.name)
        mid = z.size // 2
        if (name in CANONICAL_AGQ and isinstance(resp.kernel, Kernel) and z.size % 2 == 1
                and z[mid] == 0.0 and k == z.size):
            self.kind, self.mid = name[0], mid
            self.w2 = 2.0 * np.asarray(resp.wt, dtype=float)
            self.w2y = self.w2 * resp.y
            self.const = float(self.w2 @ resp.kernel.c)
            self.dense = None
            if self.codes.size * self.nl <= DENSE_LEVELS:    # level sums as one product
                rows = np.arange(self.codes.size)
                Wl, Wy = np.zeros((2, self.codes.size, self.nl))
                Wl[rows, self.codes] = self.w2
                Wy[rows, self.codes] = self.w2y
                self.dense = (Wl, Wy)

    def level_sums(self, d: np.ndarray, k: int) -> np.ndarray:
        """Σ_{i∈l} over each of a (k × n) array's rows: a (k × levels) array."""
        if self.keys.size < d.size:
            self.keys = (np.arange(k)[:, None] * self.nl + self.codes).ravel()
        return np.bincount(self.keys[:d.size], d.ravel(), k * self.nl).reshape(k, self.nl)

    def deviance(self, eta: np.ndarray, shift: np.ndarray, u, sd, ld_l):
        """The AGQ deviance by the η form (the class's formula); None where a node's η
        is outside the range where it equals R's μ-based one. The arguments may hold
        several points (η and the shifts points × n, u and sd points × levels, log|L|²
        one per point: ``batch.py``); then the values are an array, NaN where the η
        form does not apply."""
        n, K, nl = self.codes.size, self.z.size, self.nl
        E = shift[..., None, :] * self.z[:, None]            # (…, nodes, n)
        E += eta[..., None, :]
        lead = E.shape[:-2]
        if self.kind == "binomial":
            bad = np.abs(E).reshape(*lead, K * n).max(axis=-1) > 30.0
            if not lead and bad:
                return None
            np.exp(E, out=E)
            np.log1p(E, out=E)
        else:
            bad = E.reshape(*lead, K * n).min(axis=-1) < LOG_EPS
            if not lead and bad:
                return None
            np.exp(E, out=E)
        if self.dense is not None:
            Wl, Wy = self.dense
            S = E @ Wl                                           # Σ_{i∈l} 2wᵢ b(η_i(z))
            ly = shift @ Wy                                      # Σ_{i∈l} 2wᵢyᵢ s_i
        else:
            E *= self.w2
            rows = E.size // n
            S = self.level_sums(E, rows).reshape(*lead, K, nl)
            ly = self.level_sums(self.w2y * shift, rows // K).reshape(*lead, nl)
        s0 = S[..., self.mid, :].copy()
        S -= s0[..., None, :]
        lin = 2.0 * u * sd - ly
        S += lin[..., None, :] * self.z[:, None]
        S += self.z2 * (sd * sd)[..., None, :]
        S *= -0.5
        S += self.log_scale
        mult = np.exp(S).sum(axis=-2)
        devsum = self.const + s0.sum(axis=-1) - eta @ self.w2y + (u * u).sum(axis=-1)
        value = devsum + ld_l - 2.0 * np.log(mult).sum(axis=-1)
        if lead:
            value[bad] = np.nan
            return value
        return float(value)


LOG_EPS = float(np.log(np.finfo(float).eps))
CANONICAL_AGQ = {("binomial", "logit"), ("poisson", "log")}


def agq(pred: WeightedPredictor, resp: GlmResponse, theta: np.ndarray, mode: Mode, rule,
        plan: AgqPlan | None = None) -> float:
    """lme4's ``glmerAGQ`` for one scalar term: per level, the integral over u_l by
    Gauss–Hermite nodes centred at the mode and scaled by its conditional SD
    1/L_l; returns Σ_l (Σ d_i + u_l²) + log|L|² − 2 Σ_l log(integral ratio).
    The nodes are evaluated together, as rows of a (nodes × n) array (in chunks
    of at most AGQ_CELLS cells); ``plan`` holds what does not change between
    evaluations (made here when not given)."""
    if plan is None:
        plan = AgqPlan(pred, resp, rule)
    codes, nl = plan.codes, plan.nl
    sd = 1.0 / mode.sol.L1[:, 0, 0]
    u = mode.u[0][:, 0]
    shift = (float(theta[0]) * sd)[codes]                   # η's change per unit z on each row
    if plan.m is not None:
        shift *= plan.m
    if plan.kind is not None:
        value = plan.deviance(mode.eta, shift, u, sd, mode.sol.ld_l)
        if value is not None:
            return value
    z = plan.z
    devc0 = u * u + np.bincount(codes, resp.dev_resid(mode.mu), minlength=nl)
    mult = np.zeros(nl)
    for lo in range(0, z.size, plan.chunk):
        zk = z[lo:lo + plan.chunk]
        mu = resp.mu(mode.eta + np.multiply.outer(zk, shift))  # (nodes, n)
        uk = u + np.multiply.outer(zk, sd)
        devc = uk * uk + plan.level_sums(resp.dev_resid(mu), zk.size)
        mult += np.exp(plan.log_scale[lo:lo + plan.chunk] - 0.5 * (devc - devc0)).sum(axis=0)
    return float(devc0.sum() + mode.sol.ld_l - 2.0 * np.log(mult).sum())
