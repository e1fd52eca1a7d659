"""The sources a remote fit reads — a Parquet glob, CSV, a DuckDB relation, an Ibis
table — give the in-memory fit; fitted values come back from an engine query;
a remote Model finds the levels of its predictors with aggregate queries."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from fitting.helpers import reference_fit, reference_model
from mixeq.remote import source
from remote.helpers import FOLDER, parquet_of

duckdb = pytest.importorskip("duckdb")
ibis = pytest.importorskip("ibis")

SLEEP = "Reaction ~ Days + (Days | Subject)"


@pytest.fixture(scope="module")
def memory():
    return reference_fit("sleepstudy_slope_reml")


def _same(fit, memory):
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9)
    np.testing.assert_allclose(fit.fixef.to_numpy(), memory.fixef.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(fit.ranef["Subject"].to_numpy(),
                               memory.ranef["Subject"].to_numpy(), rtol=1e-6, atol=1e-9)


def test_parquet_glob_over_two_files(memory):
    df = pd.read_csv(DATA / "sleepstudy.csv")
    folder = FOLDER / "split"
    folder.mkdir(exist_ok=True)
    df.iloc[:97].to_parquet(folder / "part1.parquet", index=False)
    df.iloc[97:].to_parquet(folder / "part2.parquet", index=False)
    fit = mixeq.fit(SLEEP, data=str(folder / "*.parquet"))
    _same(fit, memory)
    assert fit.optimizer_summary.options["remote"]["pseudo_rows"] < 180


def test_csv_path(memory):
    _same(mixeq.fit(SLEEP, data=str(DATA / "sleepstudy.csv")), memory)


def test_duckdb_relation_and_table(memory):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE visits AS SELECT * FROM read_parquet('{parquet_of('sleepstudy.csv')}')")
    _same(mixeq.fit(SLEEP, data=con.table("visits")), memory)
    _same(mixeq.fit(SLEEP, data=con.sql("SELECT * FROM visits WHERE Days >= 0")), memory)


def test_ibis_table(memory):
    con = ibis.duckdb.connect()
    t = con.read_parquet(parquet_of("sleepstudy.csv"))
    _same(mixeq.fit(SLEEP, data=t), memory)


def test_fitted_query_is_lazy_and_equals_the_in_memory_fitted(memory):
    fit = mixeq.fit(SLEEP, data=parquet_of("sleepstudy.csv"))
    q = fit.fitted_query()
    assert "fitted" in q.columns and "residual" in q.columns   # an expression, not rows
    got = q.to_pandas().sort_values(["Subject"], kind="stable")
    df = load_dataset("sleepstudy").assign(fitted=memory.fitted.to_numpy())
    expected = df.assign(Subject=df["Subject"].astype(int))
    got = got.merge(pd.read_parquet(parquet_of("sleepstudy.csv")).assign(
        key=lambda d: d.index)[["Subject", "Reaction", "key"]], left_on=["Subject", "y"],
        right_on=["Subject", "Reaction"])
    np.testing.assert_allclose(got.sort_values("key")["fitted"].to_numpy(),
                               expected["fitted"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(np.sort(fit.residuals.to_numpy()),
                               np.sort(memory.residuals.to_numpy()), rtol=1e-7, atol=1e-9)


def test_fitted_query_of_a_duckdb_relation(memory):
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{parquet_of('sleepstudy.csv')}')")
    fit = mixeq.fit(SLEEP, data=rel)
    out = fit.fitted_query().df()
    np.testing.assert_allclose(np.sort(out["fitted"].to_numpy()), np.sort(memory.fitted.to_numpy()),
                               rtol=1e-9)


def test_summary_and_repr_use_the_datas_n(memory):
    fit = mixeq.fit(SLEEP, data=parquet_of("sleepstudy.csv"))
    text = fit.summary()
    assert "Number of obs: 180, groups:  Subject, 18" in text
    # a remote fit's summary is lme4's layout (df and p-values need the rows in memory)
    assert text.split("Random effects:")[1] == memory.summary(ddf="lme4").split("Random effects:")[1]


def test_missing_rows_dropped_and_counted():
    ref_mem = reference_model("sleepstudy_slope_reml")
    df = pd.read_csv(DATA / "sleepstudy.csv")
    df.loc[[3, 50], "Reaction"] = np.nan
    df.loc[[7], "Days"] = np.nan
    path = FOLDER / "sleep_missing.parquet"
    df.to_parquet(path, index=False)
    with pytest.warns(mixeq.MixeqWarning, match=r"dropped 3 of 180 rows .*Reaction \(2\), Days \(1\)"):
        m = mixeq.Model(SLEEP, data=str(path))
    assert m.nobs == 177 and m.dropped_rows == 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem = mixeq.fit(SLEEP, load_dataset("sleepstudy").drop(index=[3, 50, 7]))
    assert m.fit().objective == pytest.approx(mem.objective, rel=1e-9)
    assert ref_mem.nobs == 180


def test_offset_is_subtracted_from_the_response():
    df = pd.read_csv(DATA / "sleepstudy.csv").assign(off=lambda d: 2.5 * d["Days"] + 3.0)
    path = FOLDER / "sleep_offset.parquet"
    df.to_parquet(path, index=False)
    fit = mixeq.fit("Reaction ~ Days + offset(off) + (Days | Subject)", data=str(path))
    mem = mixeq.fit("adj ~ Days + (Days | Subject)",
                    load_dataset("sleepstudy").assign(adj=df["Reaction"] - df["off"]))
    assert fit.objective == pytest.approx(mem.objective, rel=1e-9)
    np.testing.assert_allclose(fit.fixef.to_numpy(), mem.fixef.to_numpy(), rtol=1e-9)
    resid = np.sort(fit.residuals.to_numpy())
    np.testing.assert_allclose(resid, np.sort(mem.residuals.to_numpy()), rtol=1e-7, atol=1e-8)


def test_model_levels_and_equations_from_aggregate_queries():
    mem = reference_model("seedlike_crosslevel")
    m = mixeq.Model("y ~ x * m + (1 + x | school)", data=parquet_of("seedlike.csv"))
    assert {k: (v.level, v.group) for k, v in m.levels.items()} == \
        {k: (v.level, v.group) for k, v in mem.levels.items() if k in m.levels}
    assert m.levels["m"].level == 2 and m.levels["x"].level == 1
    assert m.equations(form="multilevel", format="text") == mem.equations(form="multilevel", format="text")


def test_large_response_offset_keeps_digits():
    """Centring happens in the engine: Reaction + 1e8 fits as Reaction does."""
    df = pd.read_csv(DATA / "sleepstudy.csv")
    df["Reaction"] += 1e8
    path = FOLDER / "sleep_shifted.parquet"
    df.to_parquet(path, index=False)
    fit = mixeq.fit(SLEEP, data=str(path))
    base = reference_fit("sleepstudy_slope_reml")
    assert fit.objective == pytest.approx(base.objective, rel=1e-9)
    assert fit.fixef["(Intercept)"] - 1e8 == pytest.approx(base.fixef["(Intercept)"], rel=1e-6)


def test_residual_quantiles_in_the_engine(memory):
    fit = mixeq.fit(SLEEP, data=parquet_of("sleepstudy.csv"))
    probs = [0, 0.25, 0.5, 0.75, 1]
    np.testing.assert_allclose(fit.residual_quantiles(probs),
                               np.quantile(memory.residuals.to_numpy(), probs), rtol=1e-7)
    assert fit.summary().split("Scaled residuals:")[1] == \
        memory.summary(ddf="lme4").split("Scaled residuals:")[1]
    assert fit.quantile_note is None           # DuckDB's quantile_cont: exact, no note


def test_approximate_quantiles_are_said_in_the_summary(monkeypatch, memory):
    """An engine without an exact quantile (planted: DuckDB taken out of the exact ones)
    is asked for approx_quantile, and the LMM's and GLMM's summaries say so under the
    quantiles; with DuckDB exact again, no note (the test above)."""
    from fitting.glmm_helpers import glmm_fit, load_glmm_reference
    from mixeq.remote import fitted
    from remote.test_remote_glmm import factors_of

    monkeypatch.setattr(fitted, "EXACT_QUANTILES", fitted.EXACT_QUANTILES - {"duckdb"})
    fit = mixeq.fit(SLEEP, data=parquet_of("sleepstudy.csv"))
    lines = fit.summary().splitlines()
    at = lines.index("Scaled residuals:")
    assert lines[at + 3] == "(quantiles approximate: the duckdb engine's approx_quantile, " \
                            "not the rows' exact quantiles)"
    assert lines[at + 4] == "" and lines[at + 5] == "Random effects:"
    probs = [0.25, 0.5, 0.75]
    exact = np.quantile(memory.residuals.to_numpy(), probs)
    got = np.asarray(fit.residual_quantiles(probs))
    assert np.all(np.abs(got - exact) < 0.1 * memory.sigma)      # a t-digest's estimate
    ref = load_glmm_reference("cbpp_binomial")
    glmm = mixeq.fit(ref["formula"], source(parquet_of("cbpp.csv"),
                                            factors=factors_of(ref["dataset"])),
                     family="binomial")
    lines = glmm.summary().splitlines()
    at = lines.index("Scaled residuals:")
    assert lines[at + 3].startswith("(quantiles approximate") and lines[at + 5] == "Random effects:"
    want = glmm_fit("cbpp_binomial").summary().splitlines()
    assert lines[:at + 2] == want[:at + 2] and lines[at + 4:] == want[at + 3:]


def test_cli_fit_from_a_parquet_glob(capsys, memory):
    import json

    from mixeq.cli.main import main

    folder = FOLDER / "cli"
    folder.mkdir(exist_ok=True)
    pd.read_csv(DATA / "sleepstudy.csv").to_parquet(folder / "a.parquet", index=False)
    assert main(["fit", SLEEP, "--data", str(folder / "*.parquet"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["REMLcrit"] == pytest.approx(memory.objective, rel=1e-9)
    assert out["nobs"] == 180
