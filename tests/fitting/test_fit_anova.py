"""anova(): likelihood-ratio tests, REML fits refitted by ML as lme4 does."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

import mixeq
from conftest import load_dataset, load_reference
from fitting.helpers import reference_fit


@pytest.fixture(scope="module")
def intercept_only():
    return mixeq.fit("Reaction ~ Days + (1 | Subject)", load_dataset("sleepstudy"), reml=True)


def test_lrt_refits_with_ml_and_orders_by_parameters(intercept_only):
    slope = reference_fit("sleepstudy_slope_reml")
    with pytest.warns(mixeq.MixeqWarning, match="refitting"):
        table = mixeq.anova(slope, intercept_only)
    ml_ref = load_reference("sleepstudy_slope_ml")
    assert list(table.columns) == ["npar", "AIC", "BIC", "logLik", "deviance", "Chisq", "Df", "Pr(>Chisq)"]
    assert table["npar"].tolist() == [4, 6]
    # the larger model's row is lme4's ML fit of it
    np.testing.assert_allclose(table["deviance"].iloc[1], ml_ref["deviance"], rtol=1e-6)
    np.testing.assert_allclose(table["AIC"].iloc[1], ml_ref["AIC"], rtol=1e-6)
    stat = table["deviance"].iloc[0] - table["deviance"].iloc[1]
    assert table["Chisq"].iloc[1] == pytest.approx(stat)
    assert table["Df"].iloc[1] == 2
    assert table["Pr(>Chisq)"].iloc[1] == pytest.approx(chi2.sf(stat, 2))
    assert stat > 40  # the random slope matters a lot in sleepstudy
    assert np.isnan(table["Chisq"].iloc[0])


def test_ml_fits_are_not_refitted():
    ml = reference_fit("sleepstudy_slope_ml")
    assert ml.refit(reml=False) is ml


def test_different_rows_are_refused(intercept_only):
    df = load_dataset("sleepstudy").iloc[:150]
    other = mixeq.fit("Reaction ~ Days + (Days | Subject)", df, reml=False)
    with pytest.raises(mixeq.FitError, match="different rows"):
        mixeq.anova(intercept_only, other)


def test_different_responses_and_non_fits_are_refused(intercept_only):
    df = load_dataset("sleepstudy").assign(R2=lambda d: d.Reaction * 2)
    other = mixeq.fit("R2 ~ Days + (1 | Subject)", df, reml=False)
    with pytest.raises(mixeq.FitError, match="different responses"):
        mixeq.anova(intercept_only, other)
    with pytest.raises(mixeq.FitError, match="not a fit"):
        mixeq.anova(intercept_only, "model")
    with pytest.raises(mixeq.MixeqError, match="linear mixed-model fit"):
        mixeq.anova("model")   # one argument: the F tests per term (tests/inference)
