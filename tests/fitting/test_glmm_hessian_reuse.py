"""The standard errors' Hessian (lme4's deriv12 over (θ, β)) takes the points the fit's
polish already evaluated from the problem's memo: the same numbers as evaluating every
point again, with fewer PIRLS runs, and still glmer's standard errors."""
import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.convergence import derivatives
from fitting.glmm_helpers import load_glmm_reference


@pytest.mark.parametrize("ref_id", ["cbpp_binomial", "cbpp_agq25"])
def test_hessian_reuses_the_polish_points_and_equals_a_full_evaluation(ref_id):
    ref = load_glmm_reference(ref_id)
    fit = mixeq.fit(ref["formula"], load_dataset(ref["dataset"]), family=ref["family"],
                    nagq=ref["nAGQ"])
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
    np.testing.assert_array_equal(hessian, H)
    np.testing.assert_array_equal(fit.derivatives["gradient"], g)
    lme4 = [ref["fixef_se"][name] for name in fit.fixef.index]
    np.testing.assert_allclose(fit.stderr.to_numpy(), lme4, rtol=1e-2)


def test_a_memo_of_other_points_is_not_used():
    """Values kept for another point (a polish that moved the optimum) answer nothing."""
    from mixeq.fitting.glmm.result import _reusing

    calls = []

    def f(x):
        calls.append(x.copy())
        return float(x.sum())

    g = _reusing(f, {np.array([1.0, 2.0]).tobytes(): -99.0})
    assert g(np.array([1.0, 2.0])) == -99.0 and not calls
    assert g(np.array([1.0, 2.0 + 1e-4])) == pytest.approx(3.0001) and len(calls) == 1
