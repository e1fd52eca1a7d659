"""The PIRLS loop (lme4's ``pwrssUpdate``), written once for every way of taking
a step (pirls.py's ``RowSteps`` on the rows, level_steps.py's ``LevelSteps`` in the
levels' space, remote/passes.py's ``PassSteps`` by queries), and the mode it ends in.

A step solves the penalised least-squares system under the working weights at the
current point; a step that raises the penalised deviance Σ dᵢ + ‖u‖² is halved
towards the previous point (as lme4 does); the loop ends when the relative change is
at most TOL (lme4's ``tolPwrss``).
"""
from __future__ import annotations

from dataclasses import dataclass
from math import isfinite

import numpy as np

from mixeq.fitting.glmm.predictor import Solution

TOL = 1e-7       # relative change of the penalised deviance at convergence: lme4's tolPwrss
MAXIT = 60
HALVINGS = 20


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
        return ussq(self.u)


class PirlsFailed(Exception):
    """PIRLS did not reach a mode (non-finite deviance, a singular system)."""


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


def _half(a: list, b: list) -> list:
    return [(x + y) / 2.0 for x, y in zip(a, b)]



def ussq(u: list) -> float:
    """‖u‖² over the terms' modes."""
    total = 0.0
    for v in u:
        total += float(np.vdot(v, v))
    return total
