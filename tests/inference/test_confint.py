"""Wald and profile intervals against lme4 1.1-31's confint(oldNames = FALSE)
(tests/data/inference): Wald within 1e-6, profile within 2e-3 relative."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset

from .helpers import IDS, extra, fitted, reference, table

PROFILE_IDS = [i for i in IDS if "confint_profile" in reference(i)]


def check_intervals(ours: pd.DataFrame, ref: pd.DataFrame, tol: float) -> None:
    assert list(ours.index) == list(ref.index)
    assert list(ours.columns) == list(ref.columns)
    a = ours.to_numpy(dtype=float)
    b = ref.to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    assert np.all(np.abs(a[ok] - b[ok]) <= tol * np.maximum(np.abs(b[ok]), 1e-12))


@pytest.mark.parametrize("ref_id", IDS)
def test_wald_intervals_match_lme4(ref_id):
    check_intervals(fitted(ref_id).confint("wald"), table(reference(ref_id), "confint_wald"),
                    1e-4 if extra(ref_id) else 1e-6)


@pytest.mark.parametrize("ref_id", PROFILE_IDS)
def test_profile_intervals_match_lme4(ref_id):
    check_intervals(fitted(ref_id).confint("profile"), table(reference(ref_id), "confint_profile"),
                    2e-3)


def test_interval_checker_catches_planted_errors():
    ref = table(reference("sleepstudy_slope"), "confint_profile")
    ours = fitted("sleepstudy_slope").confint("profile")
    for row, col, factor in [("sigma", "2.5 %", 1.003), ("Days", "97.5 %", 0.997),
                             ("cor_Days.(Intercept)|Subject", "2.5 %", 1.01)]:
        bad = ours.copy()
        bad.loc[row, col] *= factor
        with pytest.raises(AssertionError):
            check_intervals(bad, ref, 2e-3)
    with pytest.raises(AssertionError):
        check_intervals(ours.iloc[::-1], ref, 2e-3)


def test_profile_table_has_traces_with_zero_at_the_estimate():
    fit = fitted("sleepstudy_slope")
    prof = fit.profile()
    assert set(prof[".par"]) == {"sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject",
                                 "sd_Days|Subject", "sigma", "(Intercept)", "Days"}
    days = prof[prof[".par"] == "Days"]
    assert np.all(np.diff(days[".zeta"].to_numpy()) > 0)        # ζ increases with the parameter
    assert days[".zeta"].min() < -1.96 < 1.96 < days[".zeta"].max()
    # at ζ = 0 the ML estimate (profiles are of the ML deviance, as lme4's)
    ml = fit.refit(reml=False)
    row0 = days.loc[days[".zeta"].abs().idxmin()]
    assert row0["Days"] == pytest.approx(ml.fixef["Days"], rel=1e-8)


def test_singular_fit_profile_interval_starts_at_zero():
    """Dyestuff2's SD of Batch is 0 (singular): the lower end is the bound, 0, as lme4's."""
    fit = mixeq.fit("Yield ~ 1 + (1 | Batch)", load_dataset("Dyestuff2"))
    assert fit.singular
    ci = fit.confint("profile")
    assert ci.loc["sd_(Intercept)|Batch", "2.5 %"] == 0.0
    assert 0 < ci.loc["sd_(Intercept)|Batch", "97.5 %"] < 10
    assert ci.loc["sigma", "2.5 %"] < fit.sigma < ci.loc["sigma", "97.5 %"]


def test_level_and_method_are_checked():
    fit = fitted("dyestuff")
    for level in (0, 1, 1.5, -0.1, "high"):
        with pytest.raises(mixeq.InferenceError, match="level"):
            fit.confint("wald", level=level)
    with pytest.raises(mixeq.InferenceError, match="unknown confint method 'boot'"):
        fit.confint("boot")
    ci = fit.confint("wald", level=0.9)
    assert list(ci.columns) == ["5 %", "95 %"]
