"""The standard errors' Hessian (lme4's deriv12 over (θ, β)) takes the points the fit's
polish already evaluated from the problem's memo, and evaluates the rest together
(glmm/batch.py): the same numbers as evaluating every point alone, to rounding, and
still glmer's standard errors."""
import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.convergence import derivatives
from fitting.glmm_helpers import load_glmm_reference


def _fit(ref_id):
    ref = load_glmm_reference(ref_id)
    fit = mixeq.fit(ref["formula"], load_dataset(ref["dataset"]), family=ref["family"],
                    nagq=ref["nAGQ"])
    return ref, fit


@pytest.mark.parametrize("ref_id", ["cbpp_binomial", "cbpp_agq25"])
def test_hessian_reuses_the_polish_points_and_equals_a_full_evaluation(ref_id):
    ref, fit = _fit(ref_id)
    prob = fit._problem
    assert not fit.optimizer_summary.options["polish"]["restarted"]
    before = prob.evaluations
    hessian = fit.derivatives["Hessian"]
    used = prob.evaluations - before
    k = fit.theta.size + fit.fixef.size
    assert used == 2 * k * k - 2 * k          # deriv12's 2k² points less the polish's 2k

    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    lower = np.concatenate([fit._layout.lower_bounds(), np.full(fit.fixef.size, -np.inf)])
    g, H, count = derivatives(prob.stage2(fit._eta0), x, fit.objective, 1e-4, lower)
    assert count == 2 * k * k
    # the batch's values differ from single evaluations by rounding (~1e-14 of the
    # deviance), which deriv12 divides by δ² = 1e-8
    np.testing.assert_allclose(hessian, H, rtol=1e-4, atol=1e-4 * np.abs(H).max())
    np.testing.assert_allclose(fit.derivatives["gradient"], g, rtol=0, atol=1e-6)
    lme4 = [ref["fixef_se"][name] for name in fit.fixef.index]
    np.testing.assert_allclose(fit.stderr.to_numpy(), lme4, rtol=1e-2)


def test_a_memo_of_other_points_is_not_used():
    """Values kept for another point (a polish that moved the optimum) answer nothing;
    values kept for another η₀ neither."""
    _, fit = _fit("cbpp_binomial")
    prob = fit._problem
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    many = prob.stage2_many(fit._eta0)
    prob.memo.values[x.tobytes()] = -99.0            # planted: a wrong value kept for x
    assert many(x[None])[0] == -99.0
    y = x + 1e-4
    assert many(y[None])[0] == pytest.approx(prob.stage2(fit._eta0)(y), rel=1e-12)
    other = prob.stage2_many(fit._eta0.copy())   # another η₀: the memo is not used
    assert other(x[None])[0] == pytest.approx(fit.objective, rel=1e-12)
