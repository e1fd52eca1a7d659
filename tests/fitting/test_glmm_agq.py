"""The AGQ deviance's η form (pirls.AgqPlan: d = 2w(c − yη + b(η)) with only b over the
nodes × rows, the change from the mode's middle node by per-level sums) equals lme4's
μ-based glmerAGQ sum — written out here node by node — for the binomial-logit (cbpp's
trials), 0/1 binomial and Poisson-log families, with a slope column, and falls back to μ
where R's link clamps (|η| > 30). cbpp's nAGQ = 25 fit against R is in
test_glmm_reference.py."""
from __future__ import annotations

import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.glmm.fit import GlmmProblem
from mixeq.fitting.glmm.agq import AgqPlan, agq

CASES = {
    "cbind logit": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial"),
    "0/1 logit": ("y01 ~ period + (1 | herd)", "cbpp", "binomial"),
    "poisson log": ("TICKS ~ YEAR + cHEIGHT + (1 | LOCATION)", "grouseticks", "poisson"),
    "poisson slope": ("TICKS ~ YEAR + (0 + cHEIGHT | LOCATION)", "grouseticks", "poisson"),
}


def _problem(key, nagq=9):
    formula, data, family = CASES[key]
    d = load_dataset(data)
    if key == "0/1 logit":
        d["y01"] = (d["incidence"] > 0).astype(float)
    return GlmmProblem(mixeq.Model(formula, data=d, family=family), nagq)


def _written_out(prob, theta, mode):
    """glmerAGQ as the sum over nodes and levels, μ by the link, d by dev_resid."""
    term = prob.pred.terms[0]
    codes, m, nl = term.codes, term.matrix[:, 0], term.nlevels
    z, w, _ = prob.rule
    sd = 1.0 / mode.sol.L1[:, 0, 0]
    u = mode.u[0][:, 0]
    dev0 = u ** 2 + np.bincount(codes, prob.resp.dev_resid(mode.mu), nl)
    total = np.zeros(nl)
    for zk, wk in zip(z, w):
        mu = prob.resp.mu(mode.eta + zk * theta[0] * sd[codes] * m)
        dev = (u + zk * sd) ** 2 + np.bincount(codes, prob.resp.dev_resid(mu), nl)
        total += wk * np.exp(-0.5 * (dev - dev0) + zk ** 2 / 2.0)
    return dev0.sum() + mode.sol.ld_l - 2.0 * np.log(total).sum()


def _point(prob, shift=0.0):
    theta = np.array([0.8])
    eta0 = prob.initial_eta(theta)
    beta = prob.pirls(theta, eta0).beta.copy()
    beta[0] += shift
    return theta, prob.pirls(theta, eta0, beta)


@pytest.mark.parametrize("key", list(CASES))
def test_eta_form_is_the_written_out_sum(key):
    prob = _problem(key)
    assert prob.agq_plan.eta_form
    theta, mode = _point(prob)
    want = _written_out(prob, theta, mode)
    assert abs(prob.criterion(theta, mode) - want) <= 1e-9 * abs(want)


def test_clamped_eta_takes_the_mu_path():
    """η beyond R's ±30 (an intercept moved +35): the η form would differ from R's
    clamped μ, so the plan declines and the μ path gives the written-out sum."""
    prob = _problem("0/1 logit")
    theta, mode = _point(prob, shift=35.0)
    assert np.abs(mode.eta).max() > 30
    assert prob.agq_plan.deviance(mode.eta, 1.0, mode.u[0][:, 0], np.ones(prob.agq_plan.nl),
                                  0.0) is None
    want = _written_out(prob, theta, mode)
    assert abs(prob.criterion(theta, mode) - want) <= 1e-9 * abs(want)


def test_a_planted_error_in_the_eta_form_is_caught():
    prob = _problem("poisson log")
    theta, mode = _point(prob)
    want = _written_out(prob, theta, mode)
    k, (c2, w2, w2y) = prob.resp._eta_parts
    prob.resp._eta_parts = (k, (c2 + 1e-3, w2, w2y))  # planted: c's sum off
    assert abs(prob.criterion(theta, mode) - want) > 1e-6
    plain = AgqPlan(prob.pred, prob.resp, prob.rule)
    plain.eta_form = False                            # the μ path agrees with the written-out sum
    assert abs(agq(prob.pred, prob.resp, theta, mode, prob.rule, plain) - want) <= 1e-9 * abs(want)


def test_a_plan_made_for_another_response_is_not_used():
    """A refit to a new y (bootstrap, simulate) keeps the predictor but not the
    response: the AGQ criterion with the old response's plan must be the new
    response's (the old plan's η-form parts are the old y's)."""
    import dataclasses

    prob = _problem("cbind logit")
    theta, mode = _point(prob)
    old_plan = prob.agq_plan
    rng = np.random.default_rng(5)
    new = dataclasses.replace(prob.resp, y=rng.uniform(0.0, 1.0, prob.resp.y.size))
    fresh = agq(prob.pred, new, theta, mode, prob.rule, AgqPlan(prob.pred, new, prob.rule))
    assert agq(prob.pred, new, theta, mode, prob.rule, old_plan) == pytest.approx(fresh, rel=1e-12)
    stale = agq(prob.pred, prob.resp, theta, mode, prob.rule, old_plan)
    assert abs(stale - fresh) > 1e-3 * abs(fresh)      # the two y's do give other values
