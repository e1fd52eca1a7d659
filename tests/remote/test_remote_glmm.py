"""GLMMs from Parquet through DuckDB (mixeq/remote/glmm.py): per-cell sufficient
statistics give the in-memory glmer fit's criterion (1e-9 relative) and lme4's
estimates, in a counted number of passes over the rows."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from fitting.glmm_helpers import glmm_fit, load_glmm_reference
from mixeq.remote import source
from remote.helpers import FOLDER, parquet_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

# reference id → (csv, passes: profile + one per factor's levels + cells + distinct responses)
CASES = {
    "cbpp_binomial": ("cbpp.csv", 4),           # cbind(incidence, size - incidence), period
    "cbpp_agq25": ("cbpp.csv", 4),              # adaptive Gauss–Hermite, 25 nodes
    "grouseticks_poisson": ("grouseticks.csv", 4),   # crossed Poisson, YEAR
    "verbagg_crossed": ("VerbAgg.csv", 6),      # 0/1 from a text factor r2; Gender, btype, situ
    "poisson_offset": ("poisson_offset.csv", 3),    # offset(log(exposure))
}


def factors_of(dataset: str) -> dict:
    return json.loads((DATA / "factors.json").read_text()).get(dataset, {})


def remote_fit(ref_id: str, **extra):
    ref = load_glmm_reference(ref_id)
    csv, _ = CASES[ref_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit(ref["formula"], source(parquet_of(csv), factors=factors_of(ref["dataset"])),
                         family=ref["family"], nagq=ref["nAGQ"], **extra)


@pytest.fixture(scope="module", params=sorted(CASES))
def fits(request):
    ref = load_glmm_reference(request.param)
    return request.param, ref, glmm_fit(request.param), remote_fit(request.param)


def test_criterion_equals_the_in_memory_glmer_fit(fits):
    ref_id, ref, memory, remote = fits
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9, abs=0)
    assert remote.nobs == memory.nobs == ref["nobs"]
    # the deviance (Σ deviance residuals at the modes) moves along the optimum's flat
    # directions (VerbAgg: each fit ~1e-6 from lme4's), so two fits agree within 2e-6
    assert remote.deviance == pytest.approx(memory.deviance, rel=2e-6)
    assert remote.remote_passes == CASES[ref_id][1]
    assert remote.optimizer_summary.options["remote"]["mode"] == "cells"


def test_estimates_are_lme4s(fits):
    _, ref, _, fit = fits
    assert list(fit.fixef.index) == list(ref["fixef"])
    want = np.array(list(ref["fixef"].values()))
    assert np.all(np.abs(fit.fixef.to_numpy() - want) <= 2e-3 * np.maximum(np.abs(want), 1.0))
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-2)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(fit.loglik, ref["logLik"], rtol=1e-6)
    assert {g: int(v) for g, v in fit.ngroups.items()} == {g: int(v) for g, v in ref["ngrps"].items()}


def test_cells_compress_the_rows():
    """grouseticks: 403 rows in 118 cells (BROOD × LOCATION × YEAR × cHEIGHT)."""
    fit = remote_fit("grouseticks_poisson")
    assert fit.optimizer_summary.options["remote"]["cells"] == 118 < fit.nobs == 403


def test_without_the_constants_the_criterion_is_not_the_rows():
    """Planted break: the cell kernel without Δ and offset_c (the per-row terms of the
    likelihood that the cells' sums leave out) must miss the in-memory criterion."""
    from mixeq.remote import glmm

    memory = glmm_fit("grouseticks_poisson")
    original = glmm.CellKernel.__init__

    def no_constants(self, base, delta, offset_c):
        original(self, base, np.zeros_like(delta), 0.0)

    glmm.CellKernel.__init__ = no_constants
    try:
        broken = remote_fit("grouseticks_poisson")
    finally:
        glmm.CellKernel.__init__ = original
    assert abs(broken.objective - memory.objective) > 1e-3 * abs(memory.objective)


def test_fitted_query_and_predictions_equal_the_in_memory_fit():
    memory, remote = glmm_fit("cbpp_binomial"), remote_fit("cbpp_binomial")
    q = remote.fitted_query().to_pandas()
    np.testing.assert_allclose(np.sort(q["eta"].to_numpy()),
                               np.sort(memory.linear_predictor.to_numpy()), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(np.sort(q["fitted"].to_numpy()),
                               np.sort(memory.fitted.to_numpy()), rtol=1e-7)
    np.testing.assert_allclose(np.sort(remote.deviance_residuals.to_numpy()),
                               np.sort(memory.deviance_residuals.to_numpy()), rtol=1e-6, atol=1e-9)
    new = load_dataset("cbpp").iloc[[0, 5, 17, 40]]
    for type_ in ("link", "response"):
        np.testing.assert_allclose(remote.predict(new, type=type_).to_numpy(),
                                   memory.predict(new, type=type_).to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(remote.predict(new, include_random=False).to_numpy(),
                               memory.predict(new, include_random=False).to_numpy(), rtol=1e-7)
    on_rows = remote.predict(include_random=False, type="response")   # the source's rows
    assert len(on_rows) == memory.nobs
    np.testing.assert_allclose(np.sort(on_rows.to_numpy()),
                               np.sort(memory.predict(include_random=False, type="response")),
                               rtol=1e-7)


def test_refit_keeps_the_remote_accessors():
    fit = remote_fit("cbpp_binomial")
    again = fit.refit(nagq=25)
    assert again.remote_passes == 4 and again.nagq == 25
    assert again.objective == pytest.approx(glmm_fit("cbpp_agq25").objective, rel=1e-9)


def test_prior_weights_from_a_column():
    """grouse_weighted (lme4: weights = rep(c(1, 2, 0.5))): the weights as a column."""
    ref = json.loads((DATA / "reference_glmm_links" / "grouse_weighted.json").read_text())
    frame = load_dataset("grouseticks")
    frame["w"] = np.resize([1.0, 2.0, 0.5], len(frame))
    path = FOLDER / "grouse_weighted.parquet"
    raw = pd.read_csv(DATA / "grouseticks.csv")
    raw["w"] = np.resize([1.0, 2.0, 0.5], len(raw))
    raw.to_parquet(path, index=False)
    memory = mixeq.fit(ref["formula"], frame, family="poisson", weights="w")
    remote = mixeq.fit(ref["formula"], source(str(path), factors=factors_of("grouseticks")),
                       family="poisson", weights="w")
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9)
    assert remote.loglik == pytest.approx(ref["logLik"], rel=1e-6)


def test_probit_link():
    ref = json.loads((DATA / "reference_glmm_links" / "cbpp_probit.json").read_text())
    memory = mixeq.fit(ref["formula"], load_dataset("cbpp"), family="binomial", link="probit")
    remote = mixeq.fit(ref["formula"], source(parquet_of("cbpp.csv"), factors=factors_of("cbpp")),
                       family="binomial", link="probit")
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9)
    q = remote.fitted_query().to_pandas()            # Φ in the engine: remote/probit.py
    np.testing.assert_allclose(np.sort(q["fitted"].to_numpy()), np.sort(memory.fitted.to_numpy()),
                               rtol=1e-6)
    np.testing.assert_allclose(np.sort(remote.fitted.to_numpy()), np.sort(memory.fitted.to_numpy()),
                               rtol=1e-6)


# -- bad input ---------------------------------------------------------------------
def _parquet(name: str, frame: pd.DataFrame) -> str:
    path = FOLDER / name
    frame.to_parquet(path, index=False)
    return str(path)


def test_bad_glmm_input_is_named():
    rng = np.random.default_rng(1)
    base = pd.DataFrame({"g": np.repeat(list("abcdef"), 5), "x": rng.normal(size=30)})
    path = _parquet("frac.parquet", base.assign(y=rng.uniform(size=30) * 3))
    with pytest.raises(mixeq.DataError, match="non-integer"):
        mixeq.fit("y ~ x + (1 | g)", path, family="poisson")
    path = _parquet("three.parquet", base.assign(y=np.resize(["u", "v", "w"], 30)))
    with pytest.raises(mixeq.DataError, match="3 levels"):
        mixeq.fit("y ~ x + (1 | g)", path, family="binomial")
    path = _parquet("negw.parquet", base.assign(y=np.resize([0, 1], 30), w=np.resize([1.0, -1.0], 30)))
    with pytest.raises(mixeq.DataError, match="negative"):
        mixeq.fit("y ~ x + (1 | g)", path, family="binomial", weights="w")
    with pytest.raises(mixeq.DataError, match="negative counts"):
        mixeq.fit("cbind(s, f) ~ x + (1 | g)",
                  _parquet("negc.parquet", base.assign(s=np.resize([1, -1], 30), f=2)),
                  family="binomial")
    with pytest.raises(mixeq.FitError, match="gaussian"):
        mixeq.fit("y ~ x + (1 | g)", path, family="gaussian", link="log")
    with pytest.raises(mixeq.MixeqError, match="must name a column"):
        mixeq.fit("y ~ x + (1 | g)", path, family="binomial", weights=np.ones(30))


def test_too_many_cells_is_refused(monkeypatch):
    from mixeq.remote import glmm

    monkeypatch.setattr(glmm, "MAX_CELLS", 100)
    formula = "r2 ~ Anger + Gender + (1 | id)"
    with pytest.raises(mixeq.FitError, match="cells .*remote_glmm='passes'"):
        mixeq.fit(formula, parquet_of("VerbAgg.csv"), family="binomial", remote_glmm="cells")
    # left to itself, the model is laid out for passes over the rows (passes.py)
    assert mixeq.Model(formula, parquet_of("VerbAgg.csv"), family="binomial").design.mode == "passes"


def test_cli_fits_a_glmm_from_parquet(capsys):
    """`mixeq fit … --data x.parquet --family binomial`: glmer's summary, lme4's numbers,
    and no engine notices among the output."""
    from mixeq.cli.main import main

    code = main(["fit", "cbind(incidence, size - incidence) ~ period + (1 | herd)",
                 "--data", parquet_of("cbpp.csv"), "--factor", "period=1,2,3,4",
                 "--family", "binomial"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "Family: binomial  ( logit )" in out and "Number of obs: 56, groups:  herd, 15" in out
    assert "-1.3983" in out and "0.6421" in out          # lme4: -1.3983, SD 0.6421
    assert "future.infer_string" not in out + err
