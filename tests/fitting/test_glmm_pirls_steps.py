"""PIRLS's two ways of taking steps (pirls.py's ``RowSteps`` on the rows,
level_steps.py's ``LevelSteps`` in the levels' space with β held)
run by the one loop (``iterate``): the same mode — u, η, log|L|², the penalised
deviance and the number of steps — on binomial, Poisson with an offset, a
probit link, a term with a covariate column (0 + t | g), t continuous, two
nested intercept terms (grouseticks: broods in locations) and two crossed ones
(VerbAgg's subjects × items, one row per cell; grouseticks' locations × years,
several rows per cell and empty cells)."""
import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.glmm import pirls as P
from mixeq.fitting.glmm.mode import iterate
from mixeq.fitting.glmm.level_steps import LevelSteps

CASES = {
    "cbpp": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial"),
    "offset": ("y ~ x + z + offset(log(exposure)) + (1 | g)", "poisson_offset", "poisson"),
    "probit": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp",
               mixeq.Binomial(link="probit")),
    "slope": ("y ~ x + (0 + t | g)", "poisson_offset", "poisson"),
    "nested": ("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "grouseticks",
               "poisson"),
    "crossed": ("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", "VerbAgg",
                "binomial"),
    "crossed_cells": ("TICKS ~ cHEIGHT + (1 | LOCATION) + (1 | YEAR)", "grouseticks",
                      "poisson"),
}


def _problem(case):
    formula, data, family = CASES[case]
    fit = mixeq.fit(formula, load_dataset(data), family=family)
    return fit, fit._problem


def _row_mode(prob, theta, eta0, beta):
    steps = P.RowSteps(prob.pred, prob.resp, theta, eta0, beta)
    return steps.mode(iterate(steps, beta))


@pytest.mark.parametrize("case", sorted(CASES))
def test_level_steps_reach_the_row_steps_mode(case):
    fit, prob = _problem(case)
    rng = np.random.default_rng(3)
    for scale in (0.0, 0.2, 1.0):
        theta = fit.theta * (1.0 + scale * rng.uniform(-0.5, 0.5, fit.theta.size))
        beta = fit.fixef.to_numpy() + scale * rng.normal(size=fit.fixef.size)
        assert prob.pred.levels is not None
        level = prob.pirls(theta, fit._eta0, beta)                 # LevelSteps
        row = _row_mode(prob, theta, fit._eta0, beta)
        assert level.iterations == row.iterations
        assert level.pdev == pytest.approx(row.pdev, rel=1e-12)
        assert level.sol.ld_l == pytest.approx(row.sol.ld_l, rel=1e-12)
        for lu, ru in zip(level.u, row.u, strict=True):
            np.testing.assert_allclose(lu, ru, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(level.sol.L1, row.sol.L1, rtol=1e-12)
        np.testing.assert_allclose(level.eta, row.eta, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(level.weights, row.weights, rtol=1e-10)


def test_the_level_steps_are_taken_and_a_wrong_step_is_caught(monkeypatch):
    """Planted: LevelSteps forgetting the λ a∘u part of Z'Wz after the first step (as if
    η − offset − Xβ were 0) reaches another mode; the comparison above would fail."""
    fit, prob = _problem("cbpp")
    theta, beta = fit.theta * 1.3, fit.fixef.to_numpy() + 0.3
    row = _row_mode(prob, theta, fit._eta0, beta)
    used = []
    solve = LevelSteps.solve

    def counted(self, state):
        used.append(state is None)
        return solve(self, state)

    monkeypatch.setattr(LevelSteps, "solve", counted)
    assert prob.pirls(theta, fit._eta0, beta).pdev == pytest.approx(row.pdev, rel=1e-12)
    assert used[0] and not all(used)                              # both kinds of step ran

    def broken(self, state):
        step = solve(self, state)
        if state is not None:
            _, _, u = state
            t = self.lams[0]
            a = self.alg.a(step.weights)
            step.u[0][:] -= t * (t * a) * u[0] / ((t * t) * a + 1.0)
        return step

    monkeypatch.setattr(LevelSteps, "solve", broken)
    wrong = prob.pirls(theta, fit._eta0, beta)
    assert abs(wrong.pdev - row.pdev) > 1e-6 * row.pdev


def test_the_crossed_level_steps_are_taken_and_a_wrong_step_is_caught(monkeypatch):
    """Planted: after the first step, Z'Wz without its ZΛu part (as if η − Xβ − offset
    were 0 after a step) reaches another mode."""
    from mixeq.fitting.glmm.crossed_steps import CrossedPair

    fit, prob = _problem("crossed")
    assert isinstance(prob.pred.levels, CrossedPair)
    theta, beta = fit.theta * 1.3, fit.fixef.to_numpy() + 0.3
    row = _row_mode(prob, theta, fit._eta0, beta)
    level = prob.pirls(theta, fit._eta0, beta)
    assert level.iterations == row.iterations > 2
    assert level.pdev == pytest.approx(row.pdev, rel=1e-12)

    def broken(self, resp, lams, eta, mu, u):
        w, zres = resp.working(eta, mu)
        return w, self.a(w), self.first(w * zres)

    monkeypatch.setattr(CrossedPair, "next", broken)
    wrong = prob.pirls(theta, fit._eta0, beta)
    assert abs(wrong.pdev - row.pdev) > 1e-6 * row.pdev
