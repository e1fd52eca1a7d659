"""Simulation, parametric bootstrap and the coverage of Wald intervals."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from mixeq.inference.bootstrap import Bootstrap
from mixeq.inference.simulate import simulate_array
from mixeq.inference.state import access

from .helpers import DATA, fitted, reference, table


def test_simulate_is_reproducible_and_has_the_fitted_moments():
    fit = fitted("sleepstudy_slope")
    a = fit.simulate(nsim=200, seed=7)
    b = fit.simulate(nsim=200, seed=7)
    assert a.shape == (180, 200) and list(a.columns[:2]) == ["sim_1", "sim_2"]
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(fit.simulate(nsim=200, seed=8))
    # marginal variance of a row at Days = d: σ² + z Σ zᵀ, z = (1, d); mean X β̂
    S = fit.term_covariances()[0]
    days = fit.model.data["Days"].to_numpy()
    want_var = fit.sigma ** 2 + S[0, 0] + 2 * days * S[0, 1] + days ** 2 * S[1, 1]
    got_var = a.to_numpy().var(axis=1, ddof=1)
    assert np.median(got_var / want_var) == pytest.approx(1.0, abs=0.08)
    mean = fit.model.X.to_numpy() @ fit.fixef.to_numpy()
    assert np.abs(a.to_numpy().mean(axis=1) - mean).max() < 4 * np.sqrt(want_var.max() / 200)


def test_conditional_simulation_centres_on_the_fitted_values():
    fit = fitted("sleepstudy_slope")
    sims = fit.simulate(nsim=400, seed=1, conditional=True).to_numpy()
    resid = sims.mean(axis=1) - fit.fitted.to_numpy()
    assert np.abs(resid).max() < 5 * fit.sigma / np.sqrt(400)


def test_bootstrap_percentiles_agree_with_profile_intervals():
    """1,000 replicates of sleepstudy: the percentile intervals of β lie within 10 %
    of the profile interval's width of lme4's profile interval (issue 11)."""
    fit = fitted("sleepstudy_slope")
    boot = fit.bootstrap(nsim=1000, seed=20261201)
    assert boot.shape == (1000, 6)
    assert list(boot.columns) == ["Subject.(Intercept)", "Subject.Days.(Intercept)",
                                  "Subject.Days", "(Intercept)", "Days", "sigma"]
    ci = fit.confint("bootstrap", nsim=1000, seed=20261201)
    prof = table(reference("sleepstudy_slope"), "confint_profile")
    def close(lo_hi, name):
        width = prof.loc[name, "97.5 %"] - prof.loc[name, "2.5 %"]
        return bool(np.all(np.abs(lo_hi - prof.loc[name].to_numpy()) < 0.1 * width))

    for name in ("(Intercept)", "Days"):
        assert close(ci.loc[name].to_numpy(), name)
        width = prof.loc[name, "97.5 %"] - prof.loc[name, "2.5 %"]
        assert not close(ci.loc[name].to_numpy() + 0.12 * width, name)   # the check can fail
    # the variance parameters' percentiles bracket the estimates
    assert ci.loc["sigma", "2.5 %"] < fit.sigma < ci.loc["sigma", "97.5 %"]
    # replicates are centred on the estimates (bootstrap bias small against the spread)
    assert abs(boot["Days"].mean() - fit.fixef["Days"]) < 0.1 * boot["Days"].std()


def test_wald_intervals_cover_the_truth_95_percent():
    """400 simulated data sets (60 groups × 8 rows, random intercept and slope): the
    95 % Wald interval of each fixed effect covers the true value in 93–97 % of them."""
    rng = np.random.default_rng(11)
    g, m = 60, 8
    df = pd.DataFrame({"grp": np.repeat([f"g{i}" for i in range(g)], m),
                       "x": np.tile(np.linspace(-1, 1, m), g)})
    df["y"] = rng.standard_normal(len(df))
    fit = mixeq.fit("y ~ x + (x | grp)", df)
    acc = access(fit)
    truth_beta, truth_theta, truth_sigma = np.array([2.0, -1.0]), np.array([0.8, 0.2, 0.5]), 1.5
    Y = simulate_array(acc, 400, np.random.default_rng(5), theta=truth_theta, beta=truth_beta,
                       sigma=truth_sigma)
    refit = acc.make_refitter()
    covered, narrow = np.zeros(2), np.zeros(2)
    for i in range(Y.shape[1]):
        r = refit(Y[:, i])
        covered += np.abs(r.beta - truth_beta) <= 1.959963984540054 * r.se
        narrow += np.abs(r.beta - truth_beta) <= 0.85 * 1.959963984540054 * r.se
    rate = covered / Y.shape[1]
    assert np.all((0.93 <= rate) & (rate <= 0.97)), rate
    assert np.all(narrow / Y.shape[1] < 0.93)   # 15 % too narrow: the check would catch it


def test_nsim_must_be_a_positive_whole_number():
    fit = fitted("dyestuff")
    for bad in (0, -3, 2.5, "many"):
        with pytest.raises(mixeq.InferenceError, match="nsim"):
            fit.simulate(nsim=bad)
        with pytest.raises(mixeq.InferenceError, match="nsim"):
            fit.bootstrap(nsim=bad)


# -- replicates on lme4's sd/cor scale (bootstrap.sdcor_table) ------------------------------
def lme4_sdcor(varcorr: dict) -> pd.Series:
    """lme4's as.data.frame(VarCorr(m))$sdcor under confint's names (oldNames = FALSE)."""
    out = {}
    for grp, v1, v2, val in zip(varcorr["grp"], varcorr["var1"], varcorr["var2"], varcorr["sdcor"]):
        name = ("sigma" if grp == "Residual" else
                f"sd_{v1}|{grp}" if v2 is None else f"cor_{v2}.{v1}|{grp}")
        out[name] = val
    return pd.Series(out)


def check_sdcor_table(ours: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(ours.columns) == list(want.columns)
    assert list(ours.index) == list(want.index)
    np.testing.assert_allclose(ours.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-9)


def lmm_replicates():
    """Two 'replicates': lme4's REML and ML fits of sleepstudy (tests/data/reference), as
    θ, β, σ rows, and what lme4 says they are on the sd/cor scale (VarCorr, fixef)."""
    acc = access(fitted("sleepstudy_slope"))
    rows, want = [], []
    for name in ("sleepstudy_slope_reml", "sleepstudy_slope_ml"):
        ref = json.loads((DATA / "reference" / f"{name}.json").read_text())
        rows.append([*ref["theta"], *ref["fixef"].values(), ref["sigma"]])
        want.append(pd.concat([lme4_sdcor(ref["varcorr"]), pd.Series(ref["fixef"])]))
    table = pd.DataFrame(rows, columns=list(acc.layout.names) + list(acc.names) + ["sigma"])
    order = ["sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject",
             "sigma", "(Intercept)", "Days"]
    return acc, table, pd.DataFrame(want)[order].reset_index(drop=True)


def test_sdcor_table_of_lmm_replicates_is_lme4s_varcorr():
    acc, table, want = lmm_replicates()
    check_sdcor_table(Bootstrap(table, acc).sdcor_table(), want)


def test_sdcor_table_of_glmm_replicates_is_lme4s_cv_to_sv():
    """No σ: glmer's θ of the Poisson slope model → lme4:::Cv_to_Sv (sd, cor, sd)."""
    from .test_glmm_inference import fitted as glmm_fitted

    acc = access(glmm_fitted("sleep_poisson_slope"))
    case = json.loads((DATA / "inference_varcomp" / "sv_to_cv.json").read_text())["cv_to_sv"][0]
    beta = [5.5, 0.034]
    table = pd.DataFrame([[*case["theta"], *beta]] * 2, columns=list(acc.layout.names) + list(acc.names))
    want = pd.DataFrame([[*case["sdcor"], *beta]] * 2,
                        columns=["sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject",
                                 "sd_Days|Subject", "(Intercept)", "Days"])
    check_sdcor_table(Bootstrap(table, acc, with_sigma=False).sdcor_table(), want)


def test_sdcor_checker_catches_planted_errors():
    acc, table, want = lmm_replicates()
    good = Bootstrap(table, acc).sdcor_table()
    for col, factor in [("sigma", 1 + 1e-7), ("cor_Days.(Intercept)|Subject", 1.0001)]:
        bad = good.copy()
        bad.loc[1, col] *= factor
        with pytest.raises(AssertionError):
            check_sdcor_table(bad, want)
    with pytest.raises(AssertionError):          # σ not applied: the SDs on θ's scale
        check_sdcor_table(good.assign(**{"sd_Days|Subject": good["sd_Days|Subject"] / good["sigma"]}), want)
    with pytest.raises(AssertionError):          # columns out of order
        check_sdcor_table(good[list(reversed(good.columns))], want)
    with pytest.raises(AssertionError):          # σ's column dropped (the GLMM layout)
        check_sdcor_table(good.drop(columns="sigma"), want)
