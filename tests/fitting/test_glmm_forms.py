"""The ways of writing one GLMM give one fit: cbind vs proportion + weights, a
two-level factor (first level = 0) vs 0/1, offset() vs offset=; families as
objects or names; the Gaussian family is the LMM."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from fitting.glmm_helpers import glmm_fit
from mixeq.errors import MixeqError


def _same(a, b, rtol=1e-6):
    assert a.loglik == pytest.approx(b.loglik, rel=rtol)
    np.testing.assert_allclose(a.fixef.to_numpy(), b.fixef.to_numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-5, atol=1e-7)


def test_proportion_with_weights_is_cbind():
    cbpp = load_dataset("cbpp")
    prop = mixeq.fit("incidence/size ~ period + (1 | herd)", cbpp, family="binomial", weights="size")
    _same(prop, glmm_fit("cbpp_binomial"))


def test_two_level_factor_response_first_level_is_failure():
    d = load_dataset("VerbAgg").iloc[:2000]
    assert list(d["r2"].cat.categories) == ["N", "Y"]
    as_factor = mixeq.fit("r2 ~ btype + (1 | id)", d, family="binomial")
    d01 = d.assign(r2=(d["r2"] == "Y").astype(float))
    _same(as_factor, mixeq.fit("r2 ~ btype + (1 | id)", d01, family="binomial"))
    flipped = d.assign(r2=pd.Categorical(d["r2"], categories=["Y", "N"]))
    other = mixeq.fit("r2 ~ btype + (1 | id)", flipped, family="binomial")
    np.testing.assert_allclose(other.fixef.to_numpy(), -as_factor.fixef.to_numpy(), rtol=1e-4)


def test_offset_argument_is_the_offset_term():
    d = load_dataset("poisson_offset")
    arg = mixeq.fit("y ~ x + z + (1 | g)", d, family="poisson", offset=np.log(d["exposure"]))
    _same(arg, glmm_fit("poisson_offset"))


def test_family_objects_and_names_agree():
    cbpp = load_dataset("cbpp")
    f = "cbind(incidence, size - incidence) ~ period + (1 | herd)"
    _same(mixeq.fit(f, cbpp, family=mixeq.Binomial()), glmm_fit("cbpp_binomial"))
    assert str(mixeq.Binomial("probit")) == "binomial ( probit )"


def test_gaussian_family_is_the_lmm():
    d = load_dataset("sleepstudy")
    a = mixeq.fit("Reaction ~ Days + (Days | Subject)", d, family="gaussian")
    b = mixeq.fit("Reaction ~ Days + (Days | Subject)", d)
    assert type(a) is type(b) and a.objective == b.objective


def test_probit_and_cloglog_fit_and_differ_from_logit():
    cbpp = load_dataset("cbpp")
    f = "cbind(incidence, size - incidence) ~ period + (1 | herd)"
    logit = glmm_fit("cbpp_binomial")
    for link in ("probit", "cloglog"):
        fit = mixeq.fit(f, cbpp, family=mixeq.Binomial(link=link))
        assert fit.converged and fit.family.link.name == link
        assert not np.allclose(fit.fixef.to_numpy(), logit.fixef.to_numpy(), rtol=1e-2)
        # a link changes the scale of β, not the fitted probabilities by much
        np.testing.assert_allclose(fit.fitted.mean(), logit.fitted.mean(), rtol=0.05)


def test_summary_reads_like_glmer():
    text = glmm_fit("cbpp_binomial").summary()
    assert "Family: binomial  ( logit )" in text
    for head in ("AIC", "BIC", "logLik", "deviance", "df.resid", "z value", "Pr(>|z|)"):
        assert head in text
    assert "Laplace Approximation" in text
    assert "Residual" not in text
    assert "Adaptive Gauss-Hermite Quadrature, nAGQ = 25" in glmm_fit("cbpp_agq25").summary()


def test_refit_changes_the_approximation():
    lap = glmm_fit("cbpp_binomial")
    agq = lap.refit(nagq=25)
    assert agq.nagq == 25
    np.testing.assert_allclose(agq.loglik, glmm_fit("cbpp_agq25").loglik, rtol=1e-7)
    assert lap.refit() is lap


def test_predict_on_new_data_with_new_levels():
    fit = glmm_fit("cbpp_binomial")
    new = pd.DataFrame({"period": pd.Categorical(["1", "2"], categories=["1", "2", "3", "4"]),
                        "herd": ["1", "unseen"]})
    with pytest.raises(MixeqError, match="'herd': unseen"):   # lme4's default
        fit.predict(new, type="link")
    eta = fit.predict(new, type="link", allow_new_levels=True)
    pop = fit.fixef.iloc[0] + np.array([0.0, fit.fixef.iloc[1]])
    assert eta.iloc[1] == pytest.approx(pop[1])
    assert eta.iloc[0] == pytest.approx(pop[0] + fit.ranef["herd"].iloc[0, 0])
    np.testing.assert_allclose(fit.predict(new, type="response", allow_new_levels=True),
                               1 / (1 + np.exp(-eta)))


def test_wald_intervals_from_the_glmer_standard_errors():
    fit = glmm_fit("cbpp_binomial")
    ci = fit.confint("Wald")
    row = ci.loc["period2"].to_numpy()
    se = fit.stderr["period2"]
    np.testing.assert_allclose(row, fit.fixef["period2"] + np.array([-1.959964, 1.959964]) * se,
                               rtol=1e-6)
    assert np.isnan(ci.loc["sd_(Intercept)|herd"]).all()


def test_equations_of_a_glmm_are_written_on_the_link_scale_not_as_gaussian():
    fit = glmm_fit("cbpp_binomial")
    latex = fit.model.equations().latex
    assert r"\operatorname{logit}\left(p_{ij}\right)" in latex and r"\varepsilon" not in latex
    composite = mixeq.render(fit, form="composite", format="text").text
    assert "Binomial(sizeᵢⱼ, pᵢⱼ)" in composite and "ε" not in composite
