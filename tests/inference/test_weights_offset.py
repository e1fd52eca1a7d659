"""Inference of LMMs with prior weights and offsets against lmerTest 3.1-3 / lme4 1.1-31
(tests/data/inference_weighted, made by tools/make_weighted_inference_references.R):
Satterthwaite tables, type III F tests, Wald and profile intervals, Kenward–Roger with an
offset; simulate's residual SD σ/√w, refits, predictions with the offset."""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset

from .helpers import rel
from .test_satterthwaite import check_anova, check_coef

CASES = ["sleep_weights", "sleep_offset", "sleep_weights_offset_ml"]


def reference(ref_id: str) -> dict:
    return json.loads((DATA / "inference_weighted" / f"{ref_id}.json").read_text())


def with_offset(data: pd.DataFrame) -> pd.DataFrame:
    """The R script's column: off = 10 * ((row - 1) %% 3) - 10, rows in file order."""
    return data.assign(off=10.0 * (np.arange(len(data)) % 3) - 10.0)


@lru_cache(maxsize=None)
def fitted(ref_id: str):
    ref = reference(ref_id)
    data = with_offset(load_dataset(ref["dataset"]))
    return mixeq.fit(ref["formula"], data, reml=ref["REML"], weights=ref["weights"])


def frame(ref: dict, key: str) -> pd.DataFrame:
    return pd.DataFrame(ref[key])


@pytest.mark.parametrize("ref_id", CASES)
def test_satterthwaite_and_type3_as_lmertest(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    assert rel(fit.fixef, pd.Series(ref["fixef"])) < 1e-5
    check_coef(fit.coef_table("satterthwaite"), frame(ref, "satterthwaite"))
    check_anova(mixeq.anova(fit, type=3), frame(ref, "anova_satterthwaite"))
    check_anova(mixeq.anova(fit, type=1), frame(ref, "anova_type1_satterthwaite"))


@pytest.mark.parametrize("ref_id", CASES)
def test_intervals_as_lme4(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    wald = fit.confint("wald")
    theirs = frame(ref, "confint_wald").astype(float).loc[wald.index]
    ok = theirs.notna().to_numpy()
    np.testing.assert_allclose(wald.to_numpy()[ok], theirs.to_numpy()[ok], rtol=1e-5)
    if "confint_profile" in ref:
        prof = fit.confint("profile")
        theirs = frame(ref, "confint_profile").astype(float).loc[prof.index]
        if "profile_fixed_uniroot" in ref:
            # lme4 1.1-31 profiles a weighted fit's fixed effects without the weights (see the
            # R script); those rows come from R's root-finding on lmer's ML deviance instead
            direct = frame(ref, "profile_fixed_uniroot").astype(float)
            assert not np.allclose(theirs.loc[direct.index], direct, rtol=2e-3)
            theirs.loc[direct.index] = direct
        np.testing.assert_allclose(prof.to_numpy(), theirs.to_numpy(), rtol=2e-3)


def test_kenward_roger_with_an_offset_as_pbkrtest():
    fit, ref = fitted("sleep_offset"), reference("sleep_offset")
    ours, theirs = fit.coef_table("kenward-roger"), frame(ref, "kenward_roger")
    assert rel(ours["df"], theirs["df"]) < 1e-2
    np.testing.assert_allclose(ours["Std. Error"], theirs["Std. Error"], rtol=1e-4)
    check_anova(mixeq.anova(fit, type=3, ddf="kenward-roger"), frame(ref, "anova_kenward_roger"),
                df_tol=1e-2)


def test_kenward_roger_with_weights_is_that_of_the_scaled_model():
    """KR of a weighted fit is KR of the √w-scaled model (pbkrtest ignores weights, so there
    is no R number): equal weights c change σ² only, so df and SEs are the unweighted ones."""
    data = load_dataset("sleepstudy")
    plain = mixeq.fit("Reaction ~ Days + (Days | Subject)", data)
    equal = mixeq.fit("Reaction ~ Days + (Days | Subject)", data.assign(w=4.0), weights="w")
    a, b = plain.coef_table("kenward-roger"), equal.coef_table("kenward-roger")
    np.testing.assert_allclose(b["df"], a["df"], rtol=1e-5)   # the two optima agree to ~1e-5
    np.testing.assert_allclose(b["Std. Error"], a["Std. Error"], rtol=1e-4)
    varied = fitted("sleep_weights").coef_table("kenward-roger")
    assert not np.allclose(varied["df"], a["df"], rtol=1e-3)    # the weights do change them


def test_simulated_residual_sd_is_sigma_over_root_w():
    fit = fitted("sleep_weights")
    w = load_dataset("sleepweights")["w"].to_numpy()
    sims = fit.simulate(3000, seed=4, conditional=True).to_numpy()
    resid = sims - fit.fitted.to_numpy()[:, None]
    assert np.abs(resid.mean(axis=1)).max() < 5 * fit.sigma / np.sqrt(3000 * w.min())
    for value in np.unique(w):
        sd = resid[w == value].std()
        assert sd == pytest.approx(fit.sigma / np.sqrt(value), rel=0.02)


def test_simulation_and_refit_keep_the_offset():
    fit = fitted("sleep_offset")
    off = with_offset(load_dataset("sleepstudy"))["off"].to_numpy()
    sims = fit.simulate(2000, seed=9).to_numpy()
    X = fit.model.X.to_numpy(dtype=float)
    mean = sims.mean(axis=1)
    np.testing.assert_allclose(mean.reshape(18, 10).mean(axis=0),
                               (off + X @ fit.fixef.to_numpy()).reshape(18, 10).mean(axis=0),
                               atol=2.0)
    from mixeq.inference.state import access

    again = access(fit).make_refitter()(fit.model.y.to_numpy())   # the data's own y
    np.testing.assert_allclose(again.beta, fit.fixef.to_numpy(), rtol=1e-5)
    assert again.sigma == pytest.approx(fit.sigma, rel=1e-5)
    boot = fit.bootstrap(nsim=20, seed=1)
    assert abs(boot["Days"].mean() - fit.fixef["Days"]) < 4 * boot["Days"].std() / np.sqrt(20)


def test_predictions_and_intervals_include_the_offset():
    fit = fitted("sleep_offset")
    data = with_offset(load_dataset("sleepstudy"))
    np.testing.assert_allclose(fit.predict(data), fit.fitted, rtol=1e-10)
    pop = fit.predict(data, include_random=False).to_numpy()
    X = fit.model.X.to_numpy(dtype=float)
    np.testing.assert_allclose(pop, X @ fit.fixef.to_numpy() + data["off"].to_numpy())
    ci = fit.predict(data.iloc[:3], interval="prediction")
    np.testing.assert_allclose(ci["fit"], fit.fitted.iloc[:3], rtol=1e-10)
    assert (ci["lwr"] < ci["fit"]).all() and (ci["fit"] < ci["upr"]).all()


def test_offset_given_as_a_vector_is_refused_for_new_data():
    data = load_dataset("sleepstudy")
    fit = mixeq.fit("Reaction ~ Days + (Days | Subject)", data,
                    offset=np.linspace(-5, 5, len(data)))
    assert np.isfinite(fit.coef_table()["df"]).all()
    with pytest.raises(mixeq.DataError, match="offset\\(column\\)"):
        fit.predict(data.iloc[:2])
