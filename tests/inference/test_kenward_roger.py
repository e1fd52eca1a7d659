"""Kenward–Roger against pbkrtest 0.5.2 through lmerTest 3.1-3 (tests/data/inference):
df within 1e-2 relative, standard errors within 1e-4, F within 1e-4 relative."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset

from .helpers import IDS, fitted, reference, rel, table

KR_IDS = [i for i in IDS if "kenward_roger" in reference(i)]
from .test_satterthwaite import check_anova


def check_kr(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    ref = ref.loc[ours.index]
    assert rel(ours["df"], ref["df"]) < 1e-2
    assert np.max(np.abs(ours["Std. Error"] - ref["Std. Error"])) < 1e-4
    assert rel(ours["t value"], ref["t value"]) < 1e-4
    p, rp = ours["Pr(>|t|)"].to_numpy(), ref["Pr(>|t|)"].to_numpy()
    assert np.all((np.abs(p / rp - 1) < 1e-2) | (np.abs(p - rp) < 1e-10))


@pytest.mark.parametrize("ref_id", KR_IDS)
def test_kr_coef_table_matches_pbkrtest(ref_id):
    check_kr(fitted(ref_id).coef_table(ddf="kenward-roger"), table(reference(ref_id), "kenward_roger"))


@pytest.mark.parametrize("ref_id", KR_IDS)
def test_kr_type3_anova_matches_lmertest(ref_id):
    check_anova(mixeq.anova(fitted(ref_id), type=3, ddf="kenward-roger"),
                table(reference(ref_id), "anova_kenward_roger"), df_tol=1e-2)


def test_kr_checker_catches_planted_errors():
    ref = table(reference("cake_anova"), "kenward_roger")
    ours = fitted("cake_anova").coef_table(ddf="kenward-roger")
    for col, factor in [("df", 1.02), ("Std. Error", 1.001), ("t value", 1.001)]:
        bad = ours.copy()
        bad.loc["(Intercept)", col] *= factor
        with pytest.raises(AssertionError):
            check_kr(bad, ref)


def test_kr_of_ml_fit_says_refit_by_reml():
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"), reml=False)
    with pytest.raises(mixeq.InferenceError, match="refit by REML"):
        fit.coef_table(ddf="kenward-roger")
    with pytest.raises(mixeq.InferenceError, match="refit by REML"):
        mixeq.anova(fit, type=3, ddf="kenward-roger")


def test_unknown_ddf_and_type_are_named():
    fit = fitted("sleepstudy_slope")
    with pytest.raises(mixeq.InferenceError, match="unknown ddf 'welch'"):
        fit.coef_table(ddf="welch")
    with pytest.raises(mixeq.InferenceError, match="unknown anova type 2"):
        mixeq.anova(fit, type=2)
