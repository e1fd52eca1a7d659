"""GlmResponse.mu_deviance (PIRLS's per-step μ and Σ d_i, in η for binomial-logit and
Poisson-log) equals μ by R's link and Σ of R's deviance residuals written out here —
binomial y log(y/μ) + (1 − y) log((1 − y)/(1 − μ)), Poisson y log(y/μ) − (y − μ) —
for trials, 0/1 and count responses; beyond R's clamps (|η| > 30 for logit, e^η < ε for
log) it takes μ by the link; a planted error in its constant is caught."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import xlogy

from mixeq.fitting.family import EPS, make_family
from mixeq.fitting.glmm.response import GlmResponse

RNG = np.random.default_rng(7)
N = 200


def _response(kind):
    if kind == "trials":
        n = RNG.integers(1, 20, N).astype(float)
        y = RNG.binomial(n.astype(int), 0.3) / n
        return GlmResponse(make_family("binomial"), y, n, n, np.zeros(N))
    if kind == "binary":
        y = RNG.binomial(1, 0.4, N).astype(float)
        return GlmResponse(make_family("binomial"), y, np.ones(N), np.ones(N), np.zeros(N))
    y = RNG.poisson(3.0, N).astype(float)
    wt = RNG.uniform(0.5, 2.0, N)
    return GlmResponse(make_family("poisson"), y, np.ones(N), wt, np.zeros(N))


def _written_out(resp, eta):
    y, wt = resp.y, resp.wt
    if resp.family.name == "binomial":
        t = np.exp(np.clip(eta, -30, 30))
        mu = np.where(eta < -30, EPS / (1 + EPS), np.where(eta > 30, 1 / (1 + EPS), t / (1 + t)))
        d = 2 * wt * (xlogy(y, y / mu) + xlogy(1 - y, (1 - y) / (1 - mu)))
    else:
        mu = np.maximum(np.exp(eta), EPS)
        d = 2 * wt * (xlogy(y, y / mu) - (y - mu))
    return mu, d.sum()


@pytest.mark.parametrize("kind", ["trials", "binary", "counts"])
@pytest.mark.parametrize("spread", [2.0, 45.0])
def test_mu_deviance_is_r_s(kind, spread):
    resp = _response(kind)
    eta = RNG.normal(0.0, spread, N) + (0.0 if kind != "counts" else 1.0)
    mu, dev = resp.mu_deviance(eta)
    want_mu, want_dev = _written_out(resp, eta)
    np.testing.assert_allclose(mu, want_mu, rtol=1e-12, atol=0)
    assert abs(dev - want_dev) <= 1e-9 * abs(want_dev)


def test_a_planted_constant_error_is_caught():
    resp = _response("counts")
    eta = RNG.normal(1.0, 0.5, N)
    resp.mu_deviance(eta)
    k, (c2, w2, w2y) = resp._eta_parts
    resp._eta_parts = (k, (c2 + 1e-4, w2, w2y))
    _, want = _written_out(resp, eta)
    assert abs(resp.mu_deviance(eta)[1] - want) > 1e-6
