"""Stage 2's Newton polish (fit.py's ``_newton``): one step x − H⁻¹g on finite
differences lands on a quadratic's minimum; it is not taken where the minimum is
outside the bounds, x is on a bound, H is not positive definite or the criterion does
not fall; and on VerbAgg, whose optimum BOBYQA leaves a few 1e-5 short along a flat
direction wherever rounding leads it, two orders of the rows end on the same point."""
from types import SimpleNamespace

import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.glmm.fit import POLISH_GRAD, _newton

A = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
MIN = np.array([0.7, -1.3, 2.1])


def _quadratic(A, m):
    def f(x):
        d = np.atleast_2d(x) - m
        out = 0.5 * np.einsum("ij,jk,ik->i", d, A, d) + 100.0
        return out if np.ndim(x) == 2 else float(out[0])
    return f


def _s2(x0, f):
    return SimpleNamespace(theta=x0.copy(), objective=f(x0), evaluations=0,
                           options={"polish": {}})


def test_one_newton_step_lands_on_a_quadratics_minimum():
    f = _quadratic(A, MIN)
    s2 = _s2(MIN + np.array([0.01, -0.02, 0.005]), f)
    lower = np.array([0.0, -np.inf, -np.inf])
    assert _newton(f, f, s2, lower)
    np.testing.assert_allclose(s2.theta, MIN, atol=1e-7)
    assert s2.objective == pytest.approx(100.0, abs=1e-10)
    assert s2.options["polish"]["newton"] == "taken"
    assert s2.evaluations == 3 + 1 + 2 * 3        # H's off-diagonal, the point, its gradient


@pytest.mark.parametrize("planted", ["bound", "on_bound", "saddle", "higher"])
def test_a_newton_step_is_not_taken_outside_the_bounds_at_a_saddle_or_uphill(planted):
    """Planted: the minimum below θ's bound 0; the start on the bound; an indefinite H;
    a criterion that is higher at the Newton point than the start (a step onto a
    spike)."""
    m, H = MIN.copy(), A.copy()
    if planted == "bound":
        m[0] = -0.5
    if planted == "saddle":
        H[2, 2] = -2.0
    quad = _quadratic(H, m)
    x0 = m + np.array([0.6, -0.02, 0.005])
    if planted == "on_bound":
        x0[0] = 0.0
    f = quad
    if planted == "higher":
        f = lambda x: quad(x) + (1.0 if np.allclose(x, m, atol=1e-6) else 0.0)  # noqa: E731
    s2 = _s2(x0, f)
    assert not _newton(f, quad, s2, np.array([0.0, -np.inf, -np.inf]))
    assert np.array_equal(s2.theta, x0) and s2.objective == f(x0)
    assert s2.options["polish"]["newton"] == ("not lower" if planted == "higher" else "not taken")


def test_verbagg_ends_on_the_same_optimum_whatever_the_row_order():
    formula = "r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)"
    d = load_dataset("VerbAgg")
    fits = [mixeq.fit(formula, rows, family="binomial")
            for rows in (d, d.sample(frac=1.0, random_state=1))]
    polish = [f.optimizer_summary.options["polish"] for f in fits]
    assert all(p["max_grad"] > POLISH_GRAD and p["newton"] == "taken" for p in polish)
    assert all(p["max_grad_after"] < 1e-4 for p in polish)
    assert fits[1].objective == pytest.approx(fits[0].objective, rel=1e-12)
    np.testing.assert_allclose(fits[1].fixef, fits[0].fixef, rtol=1e-6)
    np.testing.assert_allclose(fits[1].theta, fits[0].theta, rtol=1e-6)
    assert fits[1].deviance == pytest.approx(fits[0].deviance, rel=1e-10)


def test_a_near_search_is_finished_by_the_newton_steps(monkeypatch):
    """A batched Laplace fit (cbpp) searches with STAGE2_NEAR and always takes the
    Newton steps: it ends where the tight search does (to 1e-12), and planted: without
    the polish the near search alone stops short (1e-8 and more above)."""
    from mixeq.fitting.glmm import fit as fitting

    def run():
        return mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                         load_dataset("cbpp"), family="binomial")

    fit = run()
    assert fit.optimizer_summary.options["polish"]["newton"] == "taken"
    monkeypatch.setattr(fitting, "STAGE2_NEAR", fitting.STAGE2)
    tight = run()
    assert fit.objective == pytest.approx(tight.objective, rel=1e-12, abs=0)
    monkeypatch.setattr(fitting, "STAGE2_NEAR", {"ftol_rel": 1e-9, "ftol_abs": 1e-6,
                                                 "xtol_abs": 1e-5})
    monkeypatch.setattr(fitting, "_polish", lambda *args, **kwargs: None)
    assert run().objective > fit.objective + 1e-8
