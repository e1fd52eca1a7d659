"""Every glmer fit in tests/data/reference_glmm (lme4 1.1-31) within issue 10's
tolerances: log-likelihood no worse than lme4's by 1e-6 relative, β within 2e-3
(relative to max(|β|, 1)), standard errors 1e-2, SDs 1e-2, conditional modes 1e-2;
and the weighted LMM (sleepweights) to the LMM tolerances."""
from __future__ import annotations

import numpy as np
import pytest

from fitting.glmm_helpers import GLMM_IDS, glmm_fit, load_glmm_reference


@pytest.fixture(params=GLMM_IDS)
def case(request):
    return load_glmm_reference(request.param), glmm_fit(request.param)


def test_loglik_no_worse_than_lme4(case):
    ref, fit = case
    assert fit.loglik >= ref["logLik"] - 1e-6 * abs(ref["logLik"])
    assert fit.loglik <= ref["logLik"] + 1e-4 * abs(ref["logLik"])   # and not a different criterion
    np.testing.assert_allclose(fit.aic, ref["AIC"], rtol=1e-6)
    np.testing.assert_allclose(fit.bic, ref["BIC"], rtol=1e-6)
    assert fit.aic == pytest.approx(-2 * fit.loglik + 2 * (len(fit.fixef) + len(fit.theta)))


def test_deviance_as_lme4_defines_it(case):
    """lme4's deviance() of a glmer fit: the sum of the deviance residuals at the modes."""
    ref, fit = case
    np.testing.assert_allclose(fit.deviance, ref["deviance"], rtol=1e-4)
    assert fit.deviance == pytest.approx(float((fit.residuals ** 2).sum()))


def test_fixed_effects(case):
    ref, fit = case
    assert list(fit.fixef.index) == list(ref["fixef"])
    want = np.array(list(ref["fixef"].values()))
    assert np.all(np.abs(fit.fixef.to_numpy() - want) <= 2e-3 * np.maximum(np.abs(want), 1.0))


def test_standard_errors_as_glmer(case):
    ref, fit = case
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-2)
    np.testing.assert_allclose(fit.zvalues, fit.fixef / fit.stderr)


def test_random_effect_sds_and_layout(case):
    ref, fit = case
    vc, rv = fit.varcorr, ref["varcorr"]
    assert vc["grp"].tolist() == rv["grp"]
    np.testing.assert_allclose(vc["sdcor"].to_numpy(), rv["sdcor"], rtol=1e-2)
    assert fit.theta_names == ref["theta_names"]
    assert fit.sigma == ref["sigma"] == 1
    assert fit.nobs == ref["nobs"] and fit.ngroups == ref["ngrps"]


def test_conditional_modes(case):
    ref, fit = case
    for group, frame in fit.ranef.items():
        r = ref["ranef"][group]
        assert [str(v) for v in frame.index] == r["levels"]
        want = np.array(r["values"])
        np.testing.assert_allclose(frame.to_numpy(), want, rtol=1e-2, atol=1e-2 * np.abs(want).max())


def test_fitted_on_the_response_scale(case):
    ref, fit = case
    np.testing.assert_allclose(fit.fitted.to_numpy()[:10], ref["fitted_head"], rtol=1e-2)
    np.testing.assert_allclose(fit.predict(type="response"), fit.fitted)
    np.testing.assert_allclose(fit.family.link.linkinv(fit.predict(type="link").to_numpy()),
                               fit.fitted.to_numpy())


def test_reference_dict_has_the_reference_keys(case):
    ref, fit = case
    out = fit.to_reference_dict()
    missing = {"fixef", "fixef_se", "theta", "theta_names", "sigma", "logLik", "deviance",
               "AIC", "BIC", "varcorr", "ranef", "nobs", "ngrps", "family", "link", "nAGQ"} - set(out)
    assert not missing
    assert out["family"] == ref["family"] and out["link"] == ref["link"] and out["nAGQ"] == ref["nAGQ"]


def test_weighted_lmm_to_lmm_tolerances():
    ref = load_glmm_reference("sleepstudy_weights")
    fit = glmm_fit("sleepstudy_weights")
    assert fit.objective <= ref["REMLcrit"] + 1e-6 * abs(ref["REMLcrit"])
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-4)
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-3)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=2e-3, atol=2e-3)
    for ours, key in [(fit.loglik, "logLik"), (fit.aic, "AIC"), (fit.bic, "BIC")]:
        np.testing.assert_allclose(ours, ref[key], rtol=1e-6)
    want = np.array(ref["ranef"]["Subject"]["values"])
    for j in range(want.shape[1]):
        np.testing.assert_allclose(fit.ranef["Subject"].to_numpy()[:, j], want[:, j], rtol=1e-3,
                                   atol=1e-3 * np.abs(want[:, j]).max())
    np.testing.assert_allclose(fit.fitted.to_numpy()[:10], ref["fitted_head"], rtol=1e-6)
    np.testing.assert_allclose(fit.vcov.to_numpy(), fit.vcov.to_numpy().T)


def test_convergence_check_as_glmer(case):
    """lme4's checkConv over (θ, β): the reference fits converge without warnings, and
    the gradient is that of a minimum (small), the Hessian positive definite."""
    ref, fit = case
    check = fit.convergence
    assert check.checked and check.ok and fit.converged
    assert check.max_grad < 2e-3
    assert np.all(check.eigenvalues > 0)
    assert check.hessian.shape == (len(fit.theta) + len(fit.fixef),) * 2


def test_convergence_check_catches_a_point_off_the_optimum():
    """Planted break: the same check at a β moved by two standard errors must fail."""
    from mixeq.fitting import convergence as cv

    fit = glmm_fit("cbpp_binomial")
    f = fit._problem.stage2(fit._eta0)
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    x[1] += 2 * fit.stderr.iloc[0]
    g, H, _ = cv.derivatives(f, x, f(x), lower=np.array([0.0] + [-np.inf] * 4))
    out = cv.ConvergenceCheck(checked=True, gradient=g, hessian=H)
    cv._gradient_check(out)
    assert not out.ok and "failed to converge" in out.messages[0]
