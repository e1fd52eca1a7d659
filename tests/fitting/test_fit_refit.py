"""Refits of one Model reuse its prepared factor (and give the same numbers), and
the closed-form factorisation of one-term models equals the general blocked one."""
from __future__ import annotations

import numpy as np
import pytest

import mixeq
from conftest import load_dataset, load_reference
from mixeq.fitting import engine
from mixeq.fitting.blocked import BlockedFactor
from mixeq.fitting.oneterm import OneTermFactor

ONE_TERM = ["Reaction ~ Days + (Days | Subject)", "Reaction ~ Days + (1 | Subject)",
            "Reaction ~ 1 + (Days | Subject)", "Reaction ~ 0 + Days + (0 + Days | Subject)"]


@pytest.mark.parametrize("formula", ONE_TERM)
def test_closed_form_factorization_equals_the_general_one(formula):
    model = mixeq.Model(formula, load_dataset("sleepstudy"))
    fac, layout = engine.make_factor(model, "blocked")
    assert isinstance(fac, OneTermFactor)
    X, y = model.X.to_numpy(dtype=float), model.y.to_numpy(dtype=float)
    blocked = BlockedFactor(X, y, list(model.terms), layout)
    for theta in (layout.start(), 0.3 * layout.start() + 0.05):
        closed, general = fac.factorization(theta), blocked.factorization(theta)
        for reml in (True, False):
            assert fac.objective(theta, reml) == pytest.approx(blocked.objective(theta, reml), rel=1e-12)
        np.testing.assert_allclose(fac.condvar_u(theta)[0], blocked.condvar_u(theta)[0], rtol=1e-10)
        for name in ("ld_l", "ld_x", "pwrss", "beta", "rx"):
            np.testing.assert_allclose(getattr(closed, name), getattr(general, name),
                                       rtol=1e-10, atol=1e-10, err_msg=name)
        assert [u.shape for u in closed.u] == [u.shape for u in general.u]
        for uc, ug in zip(closed.u, general.u):
            np.testing.assert_allclose(uc, ug, rtol=1e-9, atol=1e-9)


def test_a_refit_reuses_the_factor_and_matches_lme4():
    ref = load_reference("sleepstudy_slope_reml")
    model = mixeq.Model(ref["formula"], load_dataset(ref["dataset"]))
    first, second = model.fit(), model.fit()
    assert second._factor is first._factor
    assert second.objective == first.objective
    np.testing.assert_array_equal(second.theta, first.theta)
    np.testing.assert_allclose(second.objective, ref["REMLcrit"], rtol=1e-7)
    ml = model.fit(reml=False)      # the same factor serves the other criterion
    assert ml._factor is first._factor
    np.testing.assert_allclose(ml.objective, model.fit(reml=False).objective, rtol=0)


def test_a_replaced_design_is_prepared_again():
    model = mixeq.Model("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))
    first = model.fit()
    other = mixeq.Model("Reaction ~ Days + (1 | Subject)", load_dataset("sleepstudy"))
    model.design = other.design
    refit = model.fit()
    assert refit._factor is not first._factor
    np.testing.assert_allclose(refit.objective, other.fit().objective, rtol=1e-12)


@pytest.mark.parametrize("formula", ONE_TERM + ["Reaction ~ Days + I(Days ** 2) + (Days | Subject)"])
def test_the_inlined_objective_is_the_objective(formula):
    """The closure the optimiser calls gives exactly ``objective``'s value (∞ alike)."""
    model = mixeq.Model(formula, load_dataset("sleepstudy"))
    _, _, fac, layout = engine._prepare(model, "auto")
    rng = np.random.default_rng(7)
    for reml in (True, False):
        inlined = fac.criterion(reml)
        for scale in (1e-8, 0.1, 1.0, 10.0, 1e3):
            for theta in rng.normal(scale=scale, size=(20, layout.size)):
                a, b = inlined(theta), fac.objective(theta, reml)
                assert a == b or (np.isinf(a) and np.isinf(b)), (theta, a, b)
