"""GLMMs fitted by passes over a database's rows (mixeq/remote/passes.py): one
query per PIRLS step, forced with ``remote_glmm="passes"`` so that small data
exercise it. The criterion is the in-memory glmer fit's (1e-9 relative) and the
estimates lme4's; the passes are counted. A pass costs a query (~30 ms in DuckDB on
small data) and a fit hundreds of them, so whole fits are few (grouseticks, shared by
its tests; cbpp with a covariate; a crossed logistic) and each link's query is checked
by the deviances it gives at fixed points."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from fitting.glmm_helpers import glmm_fit, load_glmm_reference
from mixeq.errors import FitError
from mixeq.remote import source
from remote.helpers import FOLDER, parquet_of
from remote.test_remote_glmm import factors_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")


def passes_fit(formula, data, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit(formula, data, remote_glmm="passes", **options)


def memory_fit(formula, frame, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.fit(formula, frame, **options)


@pytest.fixture(scope="module")
def grouse():
    ref = load_glmm_reference("grouseticks_poisson")
    fit = passes_fit(ref["formula"], source(parquet_of("grouseticks.csv"),
                                            factors=factors_of(ref["dataset"])),
                     family="poisson")
    return ref, glmm_fit("grouseticks_poisson"), fit


def test_grouseticks_by_passes_is_the_in_memory_fit_and_lme4s(grouse):
    """Poisson, crossed BROOD and LOCATION, the continuous cHEIGHT."""
    ref, memory, fit = grouse
    assert fit.optimizer_summary.options["remote"]["mode"] == "passes"
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9, abs=0)
    assert fit.deviance == pytest.approx(memory.deviance, rel=1e-6)
    # the optimum is flat: sums in another order move BOBYQA's stop by ~4e-5 in β (the
    # criterion by < 1e-9); the in-memory fit is itself ~1e-3 from lme4's β
    np.testing.assert_allclose(fit.fixef.to_numpy(), memory.fixef.to_numpy(), rtol=2e-4,
                               atol=1e-6)
    np.testing.assert_allclose(fit.theta, memory.theta, rtol=2e-4, atol=1e-6)
    want = np.array(list(ref["fixef"].values()))
    assert np.all(np.abs(fit.fixef.to_numpy() - want) <= 2e-3 * np.maximum(np.abs(want), 1.0))
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(fit.loglik, ref["logLik"], rtol=1e-6)


def test_passes_are_counted(grouse):
    """Profile + YEAR's levels + responses + grouping cells + staging the rows, then one
    pass per PIRLS iteration and one per halving: more than the optimiser's evaluations."""
    _, memory, fit = grouse
    fitted = fit.optimizer_summary.options["remote"]["queries"]
    assert fitted == fit.remote_passes
    assert fitted > 5 + 2 * fit.optimizer_summary.evaluations


def test_ranef_and_summary_need_no_rows(grouse):
    ref, memory, fit = grouse
    # the two fits stop ~4e-5 apart in β on the flat optimum (above), which moves the
    # modes by as much (5.05e-5 seen): 2e-4 still catches a wrong mode (they are ~1)
    np.testing.assert_allclose(fit.ranef["BROOD"].to_numpy().ravel(),
                               memory.ranef["BROOD"].to_numpy().ravel(), rtol=0, atol=2e-4)
    text = fit.summary()
    assert "Scaled residuals" in text and "cHEIGHT" in text
    assert "_rows" not in fit.__dict__        # no row was pulled into memory
    q = fit.pearson_quantiles([0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(q, np.quantile(memory.pearson_residuals, [0, .25, .5, .75, 1]),
                               rtol=1e-5, atol=1e-6)


def test_refusals_say_the_fit_was_made_by_passes(grouse):
    """Profiles and the bootstrap need the rows: the message names the passes (not
    cells, the other mode's words) and how to load the rows (mixeq/remote/refusal.py)."""
    _, _, fit = grouse
    for call in (lambda: fit.confint("profile"), lambda: fit.bootstrap(2)):
        with pytest.raises(mixeq.InferenceError) as info:
            call()
        text = str(info.value)
        assert "by passes over its rows (remote_glmm='passes': one query per PIRLS step" in text
        assert "cells" not in text
        assert "data = fit.model.design.source.to_pandas()" in text
        assert "family='poisson'" in text


def _cbpp_with_covariate() -> pd.DataFrame:
    d = load_dataset("cbpp").copy()
    rng = np.random.default_rng(20261202)
    d["temp"] = np.round(rng.normal(0.0, 1.0, len(d)), 6)
    return d


CBPP_TEMP = "cbind(incidence, size - incidence) ~ period + temp + (1 | herd)"


@pytest.fixture(scope="module")
def cbpp_temp() -> str:
    path = FOLDER / "cbpp_temp.parquet"
    _cbpp_with_covariate().to_parquet(path, index=False)
    return str(path)


def test_cbpp_with_a_continuous_covariate(cbpp_temp):
    """A whole fit by passes (logit; every link's pass query: the test below)."""
    memory = memory_fit(CBPP_TEMP, _cbpp_with_covariate(), family="binomial")
    fit = passes_fit(CBPP_TEMP, source(cbpp_temp, factors={"period": ["1", "2", "3", "4"]}),
                     family="binomial")
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9, abs=0)
    assert fit.optimizer_summary.options["remote"]["mode"] == "passes"
    np.testing.assert_allclose(fit.fixef.to_numpy(), memory.fixef.to_numpy(), rtol=2e-4,
                               atol=1e-6)
    np.testing.assert_allclose(fit.theta, memory.theta, rtol=2e-4, atol=1e-6)


@pytest.mark.parametrize("link", ["logit", "cloglog", "probit"])
def test_every_links_passes_give_the_in_memory_deviances(cbpp_temp, link, monkeypatch):
    """What a link changes in a fit by passes is the pass's query (μ, μ', V(μ) and the
    deviance in Ibis arithmetic, links.py; Φ from Cody's erfc): stage 1's Laplace
    deviance at two θ (R's start, then PIRLS) and stage 2's at a (θ, β) are the
    in-memory ones (the optimiser around them: the whole fits of this module). A
    planted break — dμ/dη 1% off in the engine — is caught."""
    from mixeq.fitting.glmm.fit import GlmmProblem
    from mixeq.remote import links
    from mixeq.remote.glmm import glmm_design
    from mixeq.remote.passes import PassProblem

    frame = _cbpp_with_covariate()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mixeq.Model(CBPP_TEMP, source(cbpp_temp, factors={"period": ["1", "2", "3", "4"]}),
                            family="binomial", link=link)
        memory = mixeq.Model(CBPP_TEMP, frame.astype({"period": str}), family="binomial",
                             link=link)
    model.design = glmm_design(model.design.plan, "passes")
    got, want = PassProblem(model, 1), GlmmProblem(memory, 1)
    with monkeypatch.context() as m:
        mu_eta = links.mu_eta
        m.setattr(links, "mu_eta", lambda name, eta, mu: mu_eta(name, eta, mu) * 1.01)
        broken, theta = PassProblem(model, 1), np.array([0.4])
        value = broken.stage1(broken.initial_eta(theta))(theta)
        assert abs(value - want.stage1(want.initial_eta(theta))(theta)) > 1e-6 * abs(value)
    for theta in (np.array([0.4]), np.array([1.1])):
        eta_got, eta_want = got.initial_eta(theta), want.initial_eta(theta)
        assert got.stage1(eta_got)(theta) == pytest.approx(want.stage1(eta_want)(theta),
                                                           rel=1e-9)
    beta = memory_fit(CBPP_TEMP, frame, family="binomial", link=link).fixef.to_numpy()
    params = np.concatenate([[0.7], beta * 0.9])
    assert got.stage2(eta_got)(params) == pytest.approx(want.stage2(eta_want)(params), rel=1e-9)


def test_logistic_with_two_crossed_factors_and_a_slope():
    rng = np.random.default_rng(7)
    n, na, nb = 1200, 40, 25
    a, b = rng.integers(0, na, n), rng.integers(0, nb, n)
    x = rng.normal(size=n)
    eta = -0.3 + 0.8 * x + rng.normal(0, 0.7, na)[a] + rng.normal(0, 0.5, nb)[b] \
        + rng.normal(0, 0.3, na)[a] * x
    d = pd.DataFrame({"y": (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int), "x": x,
                      "a": [f"a{i:02d}" for i in a], "b": [f"b{i:02d}" for i in b]})
    path = FOLDER / "crossed_logistic.parquet"
    d.to_parquet(path, index=False)
    formula = "y ~ x + (1 + x | a) + (1 | b)"
    memory = memory_fit(formula, d, family="binomial")
    fit = passes_fit(formula, str(path), family="binomial")
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9, abs=0)
    np.testing.assert_allclose(fit.fixef.to_numpy(), memory.fixef.to_numpy(), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(fit.theta, memory.theta, rtol=1e-4, atol=1e-5)


def test_the_mode_is_chosen_by_the_cells_and_can_be_forced():
    """cbpp compresses (56 cells): cells by default; ``remote_glmm`` is checked, and
    nAGQ > 1 is refused by passes (the passes themselves: the tests above)."""
    ref = load_glmm_reference("cbpp_binomial")
    data = source(parquet_of("cbpp.csv"), factors=factors_of(ref["dataset"]))
    assert mixeq.Model(ref["formula"], data, family="binomial").design.mode == "cells"
    with pytest.raises(FitError, match="remote_glmm must be one of"):
        mixeq.fit(ref["formula"], data, family="binomial", remote_glmm="rows")
    with pytest.raises(FitError, match="nagq = 25"):
        passes_fit(ref["formula"], data, family="binomial", nagq=25)


def _laplace_at(model, memory, theta):
    from mixeq.fitting.glmm.fit import GlmmProblem
    from mixeq.remote.passes import PassProblem

    got, want = PassProblem(model, 1), GlmmProblem(memory, 1)
    return got.stage1(got.initial_eta(theta))(theta), want.stage1(want.initial_eta(theta))(theta)


def test_planted_breaks_in_the_pass_sums_are_caught(monkeypatch):
    """One Laplace deviance at a θ of two crossed terms (R's start, PIRLS: ~10 passes)
    is the in-memory one; each planted break misses it: the response constants
    Σ 2 wt c(y) left out, the cross block Z_RᵀWZ₁ placed one level off, Z₁ᵀWz read
    from another basis column."""
    from mixeq.remote import passes
    from mixeq.remote.glmm import glmm_design

    ref = load_glmm_reference("grouseticks_poisson")
    model = mixeq.Model(ref["formula"], source(parquet_of("grouseticks.csv"),
                                               factors=factors_of(ref["dataset"])),
                        family="poisson")
    model.design = glmm_design(model.design.plan, "passes")
    memory = glmm_fit("grouseticks_poisson").model
    theta = np.array([0.6, 0.5])
    got, want = _laplace_at(model, memory, theta)
    assert got == pytest.approx(want, rel=1e-12)
    original = passes.CellProducts.products

    def shifted(self, sums, F):
        pr = original(self, sums, F)
        pr.cross = np.roll(pr.cross, 1)
        return pr

    def other_column(self, sums, F):
        return original(self, sums, F[:-1] + [1])

    plan = model.design.plan
    for name, patch in (("constants", None), ("cross", shifted), ("column", other_column)):
        with monkeypatch.context() as m:
            if patch is None:
                m.setitem(plan.const, "c_dev", 0.0)
            else:
                m.setattr(passes.CellProducts, "products", patch)
            try:
                broken = _laplace_at(model, memory, theta)[0]
            except Exception:
                continue                           # PIRLS failing also catches it
            assert abs(broken - want) > 1e-6 * abs(want), name


def test_the_staged_rows_live_as_long_as_the_fit():
    """The rows staged once in the engine (a DuckDB temp table) serve the fit's later
    queries (summary) and are dropped when the fit is released."""
    import gc

    import duckdb
    import ibis

    con = duckdb.connect()
    frame = load_dataset("cbpp").assign(x=np.random.default_rng(0).normal(size=56))
    con.register("frame", frame)
    con.execute("CREATE TABLE cb AS SELECT * FROM frame")
    table = ibis.duckdb.from_connection(con).table("cb")
    staged = "SELECT table_name FROM duckdb_tables() WHERE temporary"
    fit = passes_fit("cbind(incidence, size - incidence) ~ x + (1 | herd)", table,
                     family="binomial")
    names = [r[0] for r in con.execute(staged).fetchall()]
    assert len(names) == 1 and names[0].startswith("mixeq_stage_")
    assert "Laplace" in str(fit.summary())
    del fit
    gc.collect()
    assert con.execute(staged).fetchall() == []
