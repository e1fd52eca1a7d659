"""Every lme4 reference model: criterion, β, SEs, σ, variance components, modes."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import REFERENCE_IDS, load_reference
from fitting.helpers import objective_of, reference_fit


@pytest.fixture(params=REFERENCE_IDS)
def case(request):
    ref = load_reference(request.param)
    return ref, reference_fit(request.param)


def test_objective_within_1e6_relative_or_lower(case):
    ref, fit = case
    target = objective_of(ref)
    assert fit.objective <= target + 1e-6 * abs(target)


def test_fixed_effects_and_standard_errors(case):
    ref, fit = case
    assert list(fit.fixef.index) == list(ref["fixef"])
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-4, atol=1e-10)
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-3)
    np.testing.assert_allclose(fit.tvalues.to_numpy(), fit.fixef.to_numpy() / fit.stderr.to_numpy())


def test_sigma_theta_and_likelihood(case):
    ref, fit = case
    assert fit.theta_names == ref["theta_names"]
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=2e-3, atol=2e-3)
    for ours, key in [(fit.loglik, "logLik"), (fit.aic, "AIC"), (fit.bic, "BIC")]:
        np.testing.assert_allclose(ours, ref[key], rtol=1e-6)
    assert (fit.deviance is None) == (ref["deviance"] is None)
    assert (fit.reml_criterion is None) == (ref["REMLcrit"] is None)
    assert fit.nobs == ref["nobs"]
    assert fit.ngroups == ref["ngrps"]


def test_varcorr_as_lme4_lays_it_out(case):
    ref, fit = case
    vc, rv = fit.varcorr, ref["varcorr"]
    assert list(vc.columns) == ["grp", "var1", "var2", "vcov", "sdcor"]
    assert vc["grp"].tolist() == rv["grp"]
    assert [v if isinstance(v, str) else None for v in vc["var1"]] == rv["var1"]
    assert [v if isinstance(v, str) else None for v in vc["var2"]] == rv["var2"]
    is_corr = np.array([v is not None for v in rv["var2"]])
    sd = vc["sdcor"].to_numpy()
    ref_sd = np.array(rv["sdcor"], dtype=float)
    np.testing.assert_allclose(sd[~is_corr], ref_sd[~is_corr], rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(sd[is_corr], ref_sd[is_corr], atol=1e-3)


def test_conditional_modes(case):
    ref, fit = case
    assert set(fit.ranef) == set(ref["ranef"])
    sds = dict(zip(zip(ref["varcorr"]["grp"], ref["varcorr"]["var1"]), ref["varcorr"]["sdcor"]))
    for group, r in ref["ranef"].items():
        frame = fit.ranef[group]
        assert [str(v) for v in frame.index] == r["levels"]
        assert list(frame.columns) == r["columns"]
        expected = np.array(r["values"], dtype=float)
        # relative 1e-3, with a floor of 1e-3 of the column's largest mode for values near 0
        floor = 1e-3 * np.abs(expected).max(axis=0)
        assert np.all(np.abs(frame.to_numpy() - expected) <= 1e-3 * np.abs(expected) + floor + 1e-12), group
        assert sds  # varcorr rows exist for the grouping factor


def test_singular_fits_are_flagged():
    fit = reference_fit("dyestuff2_boundary")
    assert fit.singular
    assert fit.theta[0] == 0.0
    assert fit.varcorr["vcov"].iloc[0] == 0.0
    assert not reference_fit("dyestuff").singular


def test_converged_and_optimizer_summary(case):
    ref, fit = case
    s = fit.optimizer_summary
    assert fit.converged
    assert s.evaluations > 0 and s.seconds >= 0
    # lme4's start: 1 on the diagonal of each λ (lower bound 0), 0 off it (no bound)
    np.testing.assert_array_equal(s.start, (s.lower == 0).astype(float))
    assert s.backend == "nlopt:bobyqa"
    np.testing.assert_array_equal(s.theta, fit.theta)
    assert s.objective == fit.objective
