"""Prediction intervals, ICC and R², the lmerTest-style summary and the CLI options."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset, load_reference
from mixeq.cli.main import main

from .helpers import fitted, reference, table


def test_population_confidence_interval_is_the_fixed_effects_wald_interval():
    """At Days = 0 without random effects the prediction is the intercept: its
    confidence interval is lme4's Wald interval of (Intercept)."""
    fit = fitted("sleepstudy_slope")
    nd = pd.DataFrame({"Days": [0.0], "Subject": ["308"]})
    out = fit.predict(nd, include_random=False, interval="confidence")
    wald = table(reference("sleepstudy_slope"), "confint_wald").loc["(Intercept)"]
    assert list(out.columns) == ["fit", "se", "lwr", "upr"]
    assert out["lwr"].iloc[0] == pytest.approx(wald["2.5 %"], rel=1e-6)
    assert out["upr"].iloc[0] == pytest.approx(wald["97.5 %"], rel=1e-6)


def test_prediction_interval_for_a_new_group_adds_the_variance_components():
    """A subject not in the fit: se² = se(Intercept)² + σ² + var(Intercept) with lme4's
    numbers (tests/data/reference/sleepstudy_slope_reml.json)."""
    fit = fitted("sleepstudy_slope")
    ref = load_reference("sleepstudy_slope_reml")
    want = np.sqrt(ref["fixef_se"]["(Intercept)"] ** 2 + ref["sigma"] ** 2 + ref["varcorr"]["vcov"][0])
    nd = pd.DataFrame({"Days": [0.0, 0.0], "Subject": ["new", "308"]})
    out = fit.predict(nd, interval="prediction", level=0.9, allow_new_levels=True)
    assert out["se"].iloc[0] == pytest.approx(want, rel=1e-4)
    assert out["upr"].iloc[0] - out["fit"].iloc[0] == pytest.approx(1.6448536269514722 * want, rel=1e-4)
    # a seen subject: only its conditional variance is added, so the interval is narrower
    assert fit.sigma < out["se"].iloc[1] < out["se"].iloc[0]
    assert out["fit"].iloc[1] == pytest.approx(fit.fitted.iloc[0])


def test_bad_interval_and_level_are_named():
    fit = fitted("sleepstudy_slope")
    with pytest.raises(mixeq.InferenceError, match="unknown interval 'tolerance'"):
        fit.predict(interval="tolerance")
    with pytest.raises(mixeq.InferenceError, match="level"):
        fit.predict(interval="confidence", level=95)


def test_r2_and_icc_match_performance_published_values():
    """performance's documentation (r2_nakagawa, icc) for sleepstudy's
    Reaction ~ Days + (1 + Days | Subject): conditional R² 0.799, marginal 0.279,
    adjusted ICC 0.722."""
    fit = fitted("sleepstudy_slope")
    r2 = fit.r2()
    assert r2["conditional"] == pytest.approx(0.799, abs=6e-4)
    assert r2["marginal"] == pytest.approx(0.279, abs=6e-4)
    assert fit.icc()["Subject"] == pytest.approx(0.722, abs=6e-4)


def test_icc_of_a_random_intercept_model_is_the_variance_ratio_with_lme4s_numbers():
    ref = load_reference("dyestuff")          # lme4 1.1-31's VarCorr of Dyestuff
    fit = fitted("dyestuff")
    v = ref["varcorr"]["vcov"]
    assert fit.icc()["Batch"] == pytest.approx(v[0] / (v[0] + v[1]), rel=1e-3)
    assert fit.r2()["marginal"] == 0.0   # no fixed effects but the intercept


def test_summary_is_lmertest_style_by_default():
    fit = fitted("sleepstudy_slope")
    lines = fit.summary().splitlines()
    assert lines[1] == "t-tests use Satterthwaite's method (fit by REML)"
    fe = lines.index("Fixed effects:")
    assert lines[fe + 1].split() == ["Estimate", "Std.", "Error", "df", "t", "value", "Pr(>|t|)"]
    # lmerTest: Days 10.467 1.546 17.000 6.771 3.26e-06 ***
    days = lines[fe + 3].split()
    assert days[0] == "Days" and days[1:3] == ["10.467", "1.546"]
    assert float(days[3]) == pytest.approx(17.0, abs=1e-3)
    assert days[4:] == ["6.771", "3.26e-06", "***"]
    assert any(line.startswith("ICC (adjusted): Subject 0.722") for line in lines)
    kr = fit.summary(ddf="kenward-roger").splitlines()
    assert kr[1] == "t-tests use Kenward-Roger's method (fit by REML)"


def test_cli_prints_df_and_intervals(capsys):
    csv = str(DATA / "sleepstudy.csv")
    assert main(["fit", "Reaction ~ Days + (Days | Subject)", "--data", csv,
                 "--confint", "wald"]) == 0
    out = capsys.readouterr().out
    assert "t-tests use Satterthwaite's method" in out
    assert "Confidence intervals (wald):" in out and "238.0291" in out
    assert main(["fit", "Reaction ~ Days + (Days | Subject)", "--data", csv, "--json",
                 "--ddf", "kenward-roger", "--confint", "profile"]) == 0
    got = json.loads(capsys.readouterr().out)
    ref = table(reference("sleepstudy_slope"), "confint_profile")
    assert got["confint"]["2.5 %"]["sigma"] == pytest.approx(ref.loc["sigma", "2.5 %"], rel=2e-3)
    assert got["coef_table"]["df"]["Days"] == pytest.approx(17.0, rel=1e-2)


def test_cli_refuses_bad_ddf_and_kr_of_ml(capsys):
    csv = str(DATA / "sleepstudy.csv")
    assert main(["fit", "Reaction ~ Days + (Days | Subject)", "--data", csv, "--ddf", "welch"]) == 2
    assert "unknown ddf 'welch'" in capsys.readouterr().err
    assert main(["fit", "Reaction ~ Days + (Days | Subject)", "--data", csv, "--ml",
                 "--ddf", "kenward-roger"]) == 2
    assert "refit by REML" in capsys.readouterr().err
    assert main(["fit", "Reaction ~ Days + (Days | Subject)", "--data", csv,
                 "--confint", "jackknife"]) == 2


def test_weighted_fit_summary_has_satterthwaite_tests():
    """Prior weights: the summary gives lmerTest's df and p-values (test_weights_offset.py
    checks the numbers against lmerTest)."""
    df = load_dataset("sleepstudy").assign(w=lambda d: np.linspace(0.5, 2.0, len(d)))
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", df, weights="w")
    assert "Pr(>|t|)" in fit.summary()
    assert list(fit.coef_table(ddf="lme4").columns) == ["Estimate", "Std. Error", "t value"]
