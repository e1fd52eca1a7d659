"""Bad options and degenerate models give clear mixeq errors; OLS without random terms."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from fitting.helpers import reference_model


def test_bad_start_and_options():
    model = reference_model("sleepstudy_slope_reml")
    with pytest.raises(mixeq.FitError, match="3 θ parameters"):
        model.fit(start=[1.0])
    with pytest.raises(mixeq.FitError, match="≥ 0"):
        model.fit(start=[-1.0, 0.0, 1.0])
    with pytest.raises(mixeq.FitError, match="unknown optimizer"):
        model.fit(optimizer="magic")
    with pytest.raises(mixeq.FitError, match="unknown factor"):
        model.fit(factor="sparse")


def test_a_start_value_is_used_and_reaches_the_same_optimum():
    model = reference_model("sleepstudy_slope_reml")
    default = model.fit()
    fit = model.fit(start=[0.5, 0.1, 0.3])
    np.testing.assert_array_equal(fit.optimizer_summary.start, [0.5, 0.1, 0.3])
    np.testing.assert_allclose(fit.objective, default.objective, rtol=1e-9)


def test_other_optimizers_reach_the_optimum():
    model = reference_model("dyestuff")
    base = model.fit()
    for name in ["newuoa", "neldermead"]:
        fit = model.fit(optimizer=name)
        assert fit.optimizer_summary.backend == f"nlopt:{name}"
        np.testing.assert_allclose(fit.objective, base.objective, rtol=1e-7)


def test_no_random_terms_is_ordinary_least_squares():
    df = load_dataset("sleepstudy")
    fit = mixeq.fit("Reaction ~ Days", df, reml=False)
    X = np.column_stack([np.ones(len(df)), df["Days"]])
    beta, rss = np.linalg.lstsq(X, df["Reaction"], rcond=None)[:2]
    n = len(df)
    np.testing.assert_allclose(fit.fixef.to_numpy(), beta, rtol=1e-10)
    np.testing.assert_allclose(fit.sigma, np.sqrt(rss[0] / n), rtol=1e-10)
    np.testing.assert_allclose(fit.loglik, -0.5 * n * (np.log(2 * np.pi * rss[0] / n) + 1), rtol=1e-10)
    reml = mixeq.fit("Reaction ~ Days", df)
    np.testing.assert_allclose(reml.sigma, np.sqrt(rss[0] / (n - 2)), rtol=1e-10)
    assert reml.varcorr["grp"].tolist() == ["Residual"]
    assert "Residual" in reml.summary()


def test_constant_response_is_a_fit_error():
    df = pd.DataFrame({"y": [1.0] * 12, "x": np.arange(12.0), "g": list("abc") * 4})
    with pytest.raises(mixeq.MixeqError):
        mixeq.fit("y ~ x + (1 | g)", df)


def test_the_users_data_is_not_changed():
    df = load_dataset("sleepstudy")
    before = df.copy()
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
    fit.predict(df)
    pd.testing.assert_frame_equal(df, before)


def test_unknown_fit_options_are_named():
    model = reference_model("dyestuff")
    with pytest.raises(mixeq.FitError, match="ftol_rell"):
        model.fit(ftol_rell=1e-8)


def test_optimizer_summary_records_the_settings():
    fit = reference_model("sleepstudy_slope_reml").fit()
    d = fit.optimizer_summary.as_dict()
    assert d["options"]["initial_step"] == [0.75, 1.0, 0.75]
    assert d["start"] == [1.0, 0.0, 1.0]
    assert d["factor"] == "blocked" and d["converged"]


def test_far_from_zero_response_and_predictor_lose_no_digits():
    """y + 10⁸ and Days + 2000 are the same model reparametrised: same criterion and θ,
    β and its SEs mapped as they should be (the cross-products are formed centred)."""
    df = load_dataset("sleepstudy")
    base = mixeq.fit("Reaction ~ Days + (Days | Subject)", df)
    shifted = df.assign(Reaction=df.Reaction + 1e8, Year=df.Days + 2000.0)
    fit = mixeq.fit("Reaction ~ Year + (Days | Subject)", shifted)
    np.testing.assert_allclose(fit.objective, base.objective, rtol=1e-10)
    np.testing.assert_allclose(fit.theta, base.theta, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fit.fixef["Year"], base.fixef["Days"], rtol=1e-8)
    np.testing.assert_allclose(fit.fixef["(Intercept)"],
                               base.fixef["(Intercept)"] + 1e8 - 2000 * base.fixef["Days"], rtol=1e-12)
    np.testing.assert_allclose(fit.stderr["Year"], base.stderr["Days"], rtol=1e-6)
    np.testing.assert_allclose(fit.fitted - 1e8, base.fitted, atol=1e-5)


def test_a_dense_block_too_large_is_refused_with_the_reason(monkeypatch):
    import mixeq.fitting.later as later

    monkeypatch.setattr(later, "MAX_DENSE_REST", 5)
    model = reference_model("penicillin_crossed")
    with pytest.raises(mixeq.FitError, match="'sample' \\(6\\)"):
        model.fit(factor="blocked")
