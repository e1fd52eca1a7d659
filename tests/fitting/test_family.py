"""Families and links as R defines them: inverse links invert, mu.eta is dμ/dη,
deviance residuals are twice the log-likelihood gap to the saturated model, the
thresholds are R's."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import mixeq
from mixeq.fitting.family import EPS, LINKS, get_family

MU = np.array([0.01, 0.2, 0.5, 0.77, 0.99])


@pytest.mark.parametrize("name", ["logit", "probit", "cloglog", "log", "identity"])
def test_link_inverts_and_mu_eta_is_the_derivative(name):
    link = LINKS[name]
    eta = link.linkfun(MU)
    np.testing.assert_allclose(link.linkinv(eta), MU, rtol=1e-12)
    h = 1e-6
    num = (link.linkinv(eta + h) - link.linkinv(eta - h)) / (2 * h)
    np.testing.assert_allclose(link.mu_eta(eta), num, rtol=1e-6)


def test_r_thresholds():
    logit = LINKS["logit"]
    eta = np.array([-40.0, 40.0])
    np.testing.assert_allclose(logit.linkinv(eta), [EPS / (1 + EPS), 1 / (1 + EPS)])
    np.testing.assert_allclose(logit.mu_eta(eta), [EPS, EPS])
    assert LINKS["probit"].linkinv(np.array([-50.0]))[0] > 0
    assert 0 < LINKS["cloglog"].linkinv(np.array([-50.0]))[0] < 1e-15
    assert LINKS["log"].linkinv(np.array([-800.0]))[0] == EPS


def test_binomial_deviance_and_aic():
    fam = mixeq.Binomial()
    n = np.array([5.0, 10.0, 3.0, 8.0, 1.0])
    k = np.array([1.0, 4.0, 3.0, 0.0, 1.0])
    y, mu = k / n, MU
    ll = stats.binom.logpmf(k, n, mu).sum()
    sat = stats.binom.logpmf(k, n, y).sum()
    assert fam.aic(y, n, mu, n) == pytest.approx(-2 * ll)
    assert fam.dev_resid(y, mu, n).sum() == pytest.approx(2 * (sat - ll))
    kern = fam.kernel(y, n, n)
    assert kern.aic(mu) == pytest.approx(-2 * ll)
    np.testing.assert_allclose(kern.dev_resid(mu), fam.dev_resid(y, mu, n), rtol=1e-12)


def test_poisson_deviance_and_aic():
    fam = mixeq.Poisson()
    y = np.array([0.0, 1.0, 4.0, 2.0, 7.0])
    mu = np.array([0.5, 1.5, 3.0, 2.0, 5.0])
    ll = stats.poisson.logpmf(y, mu).sum()
    sat = stats.poisson.logpmf(y, y).sum()
    assert fam.aic(y, np.ones(5), mu, np.ones(5)) == pytest.approx(-2 * ll)
    assert fam.dev_resid(y, mu, np.ones(5)).sum() == pytest.approx(2 * (sat - ll))
    assert fam.kernel(y, np.ones(5), np.ones(5)).aic(mu) == pytest.approx(-2 * ll)
    np.testing.assert_allclose(fam.variance(mu), mu)


def test_names_and_defaults():
    assert get_family("binomial").link.name == "logit"
    assert get_family("Poisson").link.name == "log"
    assert get_family(None).is_gaussian_identity
    assert get_family(mixeq.Binomial(), link="probit").link.name == "probit"
