"""Satterthwaite df and p-values and type III F tests against lmerTest 3.1-3
(tests/data/inference, from shared/reference/inference). Tolerances: issue 11's."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from mixeq.inference.contrasts import type3_contrasts
from mixeq.inference.state import access

from .helpers import IDS, extra, fitted, reference, rel, table


def check_coef(ours: pd.DataFrame, ref: pd.DataFrame, p_tol: float = 1e-3) -> None:
    ref = ref.loc[ours.index]
    assert rel(ours["Estimate"], ref["Estimate"]) < 1e-4
    assert rel(ours["Std. Error"], ref["Std. Error"]) < 1e-3
    assert rel(ours["df"], ref["df"]) < 1e-3
    p, rp = ours["Pr(>|t|)"].to_numpy(), ref["Pr(>|t|)"].to_numpy()
    assert np.all((np.abs(p / rp - 1) < p_tol) | (np.abs(p - rp) < 1e-10))


def check_anova(ours: pd.DataFrame, ref: pd.DataFrame, df_tol: float = 1e-3) -> None:
    assert list(ours.index) == list(ref.index)
    if ref.empty:
        return
    assert rel(ours["F value"], ref["F value"]) < 1e-4
    assert np.array_equal(ours["NumDF"].to_numpy(), ref["NumDF"].to_numpy())
    assert rel(ours["DenDF"], ref["DenDF"]) < df_tol
    assert rel(ours["Sum Sq"], ref["Sum Sq"]) < 1e-4
    p, rp = ours["Pr(>F)"].to_numpy(), ref["Pr(>F)"].to_numpy()
    assert np.all((np.abs(p / rp - 1) < 1e-3) | (np.abs(p - rp) < 1e-10))


@pytest.mark.parametrize("ref_id", IDS)
def test_coef_table_matches_lmertest(ref_id):
    fit = fitted(ref_id)
    check_coef(fit.coef_table(ddf="satterthwaite"), table(reference(ref_id), "satterthwaite"),
               p_tol=5e-3 if extra(ref_id) else 1e-3)


@pytest.mark.parametrize("ref_id", IDS)
def test_type3_anova_matches_lmertest(ref_id):
    fit = fitted(ref_id)
    check_anova(mixeq.anova(fit, type=3, ddf="satterthwaite"),
                table(reference(ref_id), "anova_satterthwaite"))


def test_checkers_catch_planted_errors():
    ref = reference("cake_anova")
    fit = fitted("cake_anova")
    ours = fit.coef_table()
    for col, factor in [("df", 1.002), ("Std. Error", 1.002), ("Pr(>|t|)", 1.01)]:
        bad = ours.copy()
        bad.loc["recipeB", col] *= factor
        with pytest.raises(AssertionError):
            check_coef(bad, table(ref, "satterthwaite"))
    a = mixeq.anova(fit, type=3)
    for col, factor in [("F value", 1.001), ("DenDF", 1.002), ("NumDF", 2)]:
        bad = a.copy()
        bad.loc["temperature", col] = bad.loc["temperature", col] * factor
        with pytest.raises(AssertionError):
            check_anova(bad, table(ref, "anova_satterthwaite"))


def test_type3_contrasts_are_lmertest_ones():
    """For cake's recipe (contained in recipe:temperature) the type III contrast is
    recipe's cells averaged over temperature: the recipe rows plus 1/6 of each of
    the recipe:temperature rows (lmerTest's extract_contrasts_type3)."""
    L = type3_contrasts(access(fitted("cake_anova")))["recipe"]
    names = list(fitted("cake_anova").fixef.index)
    assert L.shape == (2, 18)
    b = L[0] if L[0, names.index("recipeB")] else L[1]
    assert b[names.index("recipeB")] == pytest.approx(1.0)
    assert b[names.index("recipeB:temperature185")] == pytest.approx(1 / 6)
    assert b[names.index("recipeC:temperature185")] == pytest.approx(0.0)
    assert b[names.index("temperature185")] == pytest.approx(0.0)


def test_anova_of_two_fits_is_still_the_likelihood_ratio_test():
    from conftest import load_dataset

    df = load_dataset("sleepstudy")
    f0 = mixeq.fit("Reaction ~ Days + (1 | Subject)", df, reml=False)
    f1 = mixeq.fit("Reaction ~ Days + (Days | Subject)", df, reml=False)
    assert "Chisq" in mixeq.anova(f0, f1).columns
    with pytest.raises(mixeq.MixeqError, match="one fit"):
        mixeq.anova(f0, f1, type=3)


def test_ml_fit_satterthwaite_runs_on_ml_deviance():
    """An ML fit's df use the ML deviance: they differ from the REML fit's."""
    from conftest import load_dataset

    df = load_dataset("sleepstudy")
    ml = mixeq.fit("Reaction ~ Days + (Days | Subject)", df, reml=False).coef_table()
    reml = fitted("sleepstudy_slope").coef_table()
    assert 16 < ml.loc["Days", "df"] < 19
    assert abs(ml.loc["Days", "df"] - reml.loc["Days", "df"]) > 1e-6


TYPE1_IDS = [i for i in IDS if "anova_type1_satterthwaite" in reference(i)]


@pytest.mark.parametrize("ref_id", TYPE1_IDS)
def test_type1_anova_matches_lmertest(ref_id):
    """Sequential (type I) F tests: lmerTest's anova(m, type = 1) (tools/make_inference_references.R)."""
    check_anova(mixeq.anova(fitted(ref_id), type=1), table(reference(ref_id), "anova_type1_satterthwaite"))
