"""GLMM inference against lme4 1.1-31's glmer (tests/data/inference_glmm, made by
tools/make_glmm_inference_references.R; cbpp by Laplace, probit and nAGQ = 25, grouseticks,
a Poisson with a correlated random slope):
profile and Wald intervals, glmer's z table, car's Wald chi-square tests, anova(m0, m);
simulate's distribution; the parametric bootstrap; bad input."""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset

REFS = sorted(p.stem for p in (DATA / "inference_glmm").glob("*.json"))
PROFILE_RTOL = 2e-3
# Our optimum's β differs from lme4's by up to 4e-5 relative and the Hessian's standard errors
# by up to ~1e-4 (both central differences of a criterion optimised to ~1e-8), so Wald intervals
# and z values meet lme4's to 2e-4 relative, not the 1e-6 of the identical LMM formula.
WALD_RTOL = 2e-4


def reference(ref_id: str) -> dict:
    return json.loads((DATA / "inference_glmm" / f"{ref_id}.json").read_text())


def data_of(ref: dict) -> pd.DataFrame:
    data = load_dataset(ref["dataset"])
    if ref["dataset"] == "sleepstudy":          # the R script's counts
        data["count"] = np.floor(data["Reaction"])
    return data


# With the default stage-2 tolerances this fit stops 2.6e-5 above lme4's deviance (its
# convergence check says so: max|grad| 0.009), 4.5e-4 off in β_Days; tighter ones reach it.
FIT_OPTIONS = {"sleep_poisson_slope": {"ftol_abs": 1e-10, "xtol_abs": 1e-8}}


@lru_cache(maxsize=None)
def fitted(ref_id: str):
    ref = reference(ref_id)
    return mixeq.fit(ref["formula"], data_of(ref), family=ref["family"],
                     link=ref["link"], nagq=ref.get("nAGQ", 1), **FIT_OPTIONS.get(ref_id, {}))


def assert_table(ours: pd.DataFrame, ref: dict, rtol: float) -> None:
    theirs = pd.DataFrame(ref).astype(float)
    assert list(ours.index) == list(theirs.index)
    assert list(ours.columns) == list(theirs.columns)
    a, b = ours.to_numpy(dtype=float), theirs.to_numpy()
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(b)
    np.testing.assert_allclose(a[ok], b[ok], rtol=rtol)


@pytest.mark.parametrize("ref_id", REFS)
def test_profile_intervals_as_lme4(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    assert_table(fit.confint("profile"), ref["confint_profile"], PROFILE_RTOL)
    assert_table(fit.confint("profile", level=0.9), ref["confint_profile_90"], PROFILE_RTOL)


@pytest.mark.parametrize("ref_id", REFS)
def test_wald_intervals_and_z_table_as_lme4(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    assert_table(fit.confint("Wald"), ref["confint_wald"], WALD_RTOL)
    table = fit.coef_table()
    theirs = pd.DataFrame(ref["coef_table"])
    assert_table(table[["Estimate", "Std. Error", "z value"]],
                 theirs[["Estimate", "Std. Error", "z value"]].to_dict(), WALD_RTOL)
    p_ours, p_ref = table["Pr(>|z|)"].to_numpy(), theirs["Pr(>|z|)"].to_numpy()
    assert np.all(np.abs(p_ours - p_ref) <= 1e-3 * p_ref + 1e-10)


def test_interval_checks_catch_planted_breaks():
    """The comparisons above fail on intervals moved by more than their tolerance."""
    ref = reference("cbpp_binomial")
    good = pd.DataFrame(ref["confint_profile"]).astype(float)
    for planted in (good * (1 + 3 * PROFILE_RTOL), good.iloc[::-1]):
        with pytest.raises(AssertionError):
            assert_table(planted, ref["confint_profile"], PROFILE_RTOL)
    assert_table(good, ref["confint_profile"], PROFILE_RTOL)
    wald = pd.DataFrame(ref["confint_wald"]).astype(float)
    with pytest.raises(AssertionError):       # an SD interval where lme4 gives NA
        assert_table(wald.fillna(0.0), ref["confint_wald"], WALD_RTOL)


def test_profile_traces():
    fit = fitted("cbpp_binomial")
    prof = fit.profile()
    assert set(prof[".par"]) == {"sd_(Intercept)|herd", "(Intercept)", "period2", "period3",
                                 "period4"}
    tr = prof[prof[".par"] == "period2"].sort_values("period2")
    assert np.all(np.diff(tr[".zeta"].to_numpy()) > 0)          # ζ increases with the parameter
    assert tr[".zeta"].min() < -2.6 and tr[".zeta"].max() > 2.6   # past the 99 % cutoff's part
    at = tr.loc[tr[".zeta"].abs().idxmin()]
    assert at["period2"] == pytest.approx(fit.fixef["period2"], abs=1e-6)


# -- simulate ----------------------------------------------------------------------------------
def test_simulate_binomial_counts_reproducible_and_in_range():
    fit = fitted("cbpp_binomial")
    size = load_dataset("cbpp")["size"].to_numpy()
    a = fit.simulate(200, seed=7)
    b = fit.simulate(200, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(fit.simulate(200, seed=8))
    vals = a.to_numpy()
    assert a.shape == (len(size), 200)
    assert np.all(vals == np.round(vals)) and vals.min() >= 0
    assert np.all(vals <= size[:, None])
    assert (vals == size[:, None]).any() or vals.max() > 0


def test_simulate_conditional_means_within_monte_carlo_error():
    fit = fitted("cbpp_binomial")
    size = load_dataset("cbpp")["size"].to_numpy()
    nsim = 4000
    sims = fit.simulate(nsim, seed=3, conditional=True).to_numpy()
    mu = fit.fitted.to_numpy()
    se = np.sqrt(size * mu * (1 - mu) / nsim)
    z = (sims.mean(axis=1) - size * mu) / se
    assert np.abs(z).max() < 4.5
    assert abs(z.mean()) * np.sqrt(z.size) < 4


def test_simulate_marginal_poisson_mean_within_monte_carlo_error():
    """E y = exp(Xβ + ½ Σ θ_t²) for random intercepts: new effects are drawn per replicate."""
    fit = fitted("grouseticks_poisson")
    nsim = 3000
    sims = fit.simulate(nsim, seed=11).to_numpy()
    X = fit.model.X.to_numpy(dtype=float)
    expected = np.exp(X @ fit.fixef.to_numpy() + 0.5 * np.sum(fit.theta ** 2)).sum()
    totals = sims.sum(axis=0)
    assert abs(totals.mean() - expected) < 4 * totals.std() / np.sqrt(nsim)
    # conditional draws have a smaller spread of totals than marginal ones
    cond = fit.simulate(nsim, seed=11, conditional=True).to_numpy().sum(axis=0)
    assert cond.std() < 0.5 * totals.std()


def test_simulate_proportion_with_weights_as_r():
    data = load_dataset("cbpp").assign(prop=lambda d: d["incidence"] / d["size"])
    fit = mixeq.fit("prop ~ period + (1 | herd)", data, family="binomial", weights="size")
    sims = fit.simulate(50, seed=1).to_numpy()
    k = sims * data["size"].to_numpy()[:, None]
    assert np.allclose(k, np.round(k)) and sims.min() >= 0 and sims.max() <= 1


# -- bootstrap ---------------------------------------------------------------------------------
def test_bootstrap_replicates_reproducible_and_centred():
    fit = fitted("cbpp_binomial")
    boot = fit.bootstrap(nsim=30, seed=5)
    assert list(boot.columns) == ["herd.(Intercept)", "(Intercept)", "period2", "period3",
                                  "period4"]
    assert len(boot) == 30 and np.isfinite(boot.to_numpy()).all()
    pd.testing.assert_frame_equal(boot, fit.bootstrap(nsim=30, seed=5))
    beta = boot.iloc[:, 1:]
    z = (beta.mean() - fit.fixef) / (beta.std() / np.sqrt(30))
    assert np.abs(z).max() < 4
    ci = fit.confint("bootstrap", nsim=30, seed=5)
    assert list(ci.index) == ["sd_(Intercept)|herd", "(Intercept)", "period2", "period3",
                              "period4"]
    assert (ci.iloc[:, 0] < ci.iloc[:, 1]).all()
    np.testing.assert_allclose(ci.iloc[1:, 0], np.quantile(beta, 0.025, axis=0))


# -- bad input ---------------------------------------------------------------------------------
def test_bad_input_is_named():
    fit = fitted("cbpp_binomial")
    with pytest.raises(mixeq.InferenceError, match="unknown confint method"):
        fit.confint("likelihood")
    with pytest.raises(mixeq.InferenceError, match="between 0 and 1"):
        fit.confint("Wald", level=95)
    with pytest.raises(mixeq.InferenceError, match="nsim"):
        fit.simulate(0)
    zero = mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)",
                     load_dataset("cbpp"), family="binomial", nagq=0)
    with pytest.raises(mixeq.InferenceError, match="nagq=0"):
        zero.confint("profile")
    assert zero.simulate(2, seed=1).shape == (56, 2)
    data = load_dataset("cbpp").assign(prop=lambda d: d["incidence"] / d["size"],
                                       w=lambda d: d["size"] + 0.5)
    frac = mixeq.fit("prop ~ period + (1 | herd)", data, family="binomial", weights="w")
    with pytest.raises(mixeq.InferenceError, match="non-integer prior"):
        frac.simulate(1)


def test_cli_confint_of_a_glmm(capsys):
    from mixeq.cli.main import main

    ref = reference("cbpp_binomial")
    args = ["fit", ref["formula"], "--data", str(DATA / "cbpp.csv"), "--factor",
            "period=1,2,3,4", "--family", "binomial", "--confint", "wald", "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    ci = pd.DataFrame(out["confint"]).astype(float)
    assert_table(ci, ref["confint_wald"], WALD_RTOL)
    assert main(args[:-3] + ["--confint", "jackknife"]) == 2
    assert "unknown confint method" in capsys.readouterr().err


# -- Wald chi-square tests per term ------------------------------------------------------------
CHISQ_RTOL = 5e-4   # a squared z: twice the Wald tolerance, and some


def check_chisq(ours: pd.DataFrame, ref: dict) -> None:
    theirs = pd.DataFrame(ref).drop(index="(Intercept)", errors="ignore")
    assert list(ours.index) == list(theirs.index)
    assert list(ours.columns) == ["Chisq", "Df", "Pr(>Chisq)"]
    assert np.array_equal(ours["Df"].to_numpy(), theirs["Df"].to_numpy())
    np.testing.assert_allclose(ours["Chisq"], theirs["Chisq"], rtol=CHISQ_RTOL)
    p, rp = ours["Pr(>Chisq)"].to_numpy(), theirs["Pr(>Chisq)"].to_numpy()
    assert np.all(np.abs(p / rp - 1) < 1e-2)


@pytest.mark.parametrize("ref_id", REFS)
def test_wald_chisq_per_term_as_car(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    check_chisq(mixeq.anova(fit, type=3), ref["anova_wald_type3"])
    check_chisq(mixeq.anova(fit), ref["anova_wald_type3"])


def test_wald_chisq_check_catches_planted_breaks():
    fit, ref = fitted("grouseticks_poisson"), reference("grouseticks_poisson")
    good = mixeq.anova(fit, type=3)
    for col, value in [("Chisq", good["Chisq"] * 1.002), ("Df", good["Df"] + 1)]:
        bad = good.copy()
        bad[col] = value
        with pytest.raises(AssertionError):
            check_chisq(bad, ref["anova_wald_type3"])
    with pytest.raises(AssertionError):
        check_chisq(good.iloc[::-1], ref["anova_wald_type3"])
    with pytest.raises(mixeq.InferenceError, match="unknown anova type"):
        mixeq.anova(fit, type=2)


def test_remote_glmm_gives_wald_intervals_and_refuses_the_rest():
    pytest.importorskip("duckdb")
    pytest.importorskip("ibis")
    from mixeq.remote import source
    from remote.helpers import parquet_of

    ref = reference("cbpp_binomial")
    fit = mixeq.fit(ref["formula"], source(parquet_of("cbpp.csv"),
                                           factors={"herd": None, "period": ["1", "2", "3", "4"]}),
                    family="binomial")
    np.testing.assert_allclose(fit.confint("Wald").iloc[1:], fitted("cbpp_binomial").confint("Wald")
                               .iloc[1:], rtol=1e-4)
    for call in (lambda: fit.simulate(1), lambda: fit.confint("profile"),
                 lambda: fit.bootstrap(2), lambda: mixeq.anova(fit)):
        with pytest.raises(mixeq.InferenceError, match="remote source"):
            call()


# -- likelihood-ratio tests between glmer fits ---------------------------------------------------
REDUCED = {"cbpp_binomial": ("period", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)"),
           "cbpp_probit": ("period", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)"),
           "cbpp_agq25": ("period", "cbind(incidence, size - incidence) ~ 1 + (1 | herd)"),
           "sleep_poisson_slope": ("Days", "count ~ 1 + (Days | Subject)"),
           "grouseticks_poisson": ("cHEIGHT", "TICKS ~ YEAR + (1 | BROOD) + (1 | LOCATION)")}


@pytest.mark.parametrize("ref_id", REFS)
def test_likelihood_ratio_test_as_lme4(ref_id):
    fit, ref = fitted(ref_id), reference(ref_id)
    dropped, formula = REDUCED[ref_id]
    assert ref["anova_lrt_dropped"] == dropped
    small = mixeq.fit(formula, data_of(ref), family=ref["family"], link=ref["link"],
                      nagq=ref.get("nAGQ", 1), **FIT_OPTIONS.get(ref_id, {}))
    ours = mixeq.anova(fit, small)                 # ordered by npar, as lme4
    theirs = pd.DataFrame(ref["anova_lrt"]).astype(float)
    for col in ["npar", "Df"]:
        np.testing.assert_array_equal(ours[col].to_numpy()[1:], theirs[col].to_numpy()[1:])
    for col in ["AIC", "BIC", "logLik", "deviance"]:
        np.testing.assert_allclose(ours[col], theirs[col], rtol=1e-7)
    np.testing.assert_allclose(ours["Chisq"].iloc[1], theirs["Chisq"].iloc[1], rtol=1e-4)
    lmm = mixeq.fit("incidence ~ period + (1 | herd)", load_dataset("cbpp"))
    with pytest.raises(mixeq.FitError, match="different families"):
        mixeq.anova(fitted("cbpp_binomial"), lmm)
