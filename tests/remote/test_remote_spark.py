"""Fits from PySpark DataFrames in local mode (through Ibis's PySpark backend):
sleepstudy and Penicillin give the in-memory criterion and lme4's estimates.
One SparkSession for the module, one shuffle partition, no UI: the data are tiny
and the time is Spark's start-up and query planning."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

import mixeq
from fitting.helpers import reference_fit
from conftest import load_reference
from remote.helpers import parquet_of

pytest.importorskip("pyspark", reason="pyspark is not installed")
pytest.importorskip("ibis.backends.pyspark", reason="Ibis's PySpark backend is not installed")
if shutil.which("java") is None:
    pytest.skip("no Java runtime (Debian: apt-get install default-jre-headless)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("mixeq-tests")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.default.parallelism", "1")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.sql.codegen.wholeStage", "false")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("ref_id, csv", [("sleepstudy_slope_reml", "sleepstudy.csv"),
                                         ("penicillin_crossed", "Penicillin.csv")])
def test_spark_fit_equals_the_in_memory_fit_and_lme4(spark, ref_id, csv):
    ref = load_reference(ref_id)
    df = spark.read.parquet(parquet_of(csv))
    fit = mixeq.fit(ref["formula"], data=df, reml=ref["REML"])
    memory = reference_fit(ref_id)
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9)
    assert fit.nobs == ref["nobs"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-4)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)
    if ref_id.startswith("sleepstudy"):   # fitted values as a Spark query, pulled on request
        q = fit.fitted_query()
        np.testing.assert_allclose(np.sort(q.to_pandas()["fitted"].to_numpy()),
                                   np.sort(memory.fitted.to_numpy()), rtol=1e-9)
        # Spark's percentile (Ibis's quantile) is exact, R's type 7: the summary's
        # residual quantiles are the rows' and no note says otherwise
        assert fit.quantile_note is None
        probs = [0, 0.25, 0.5, 0.75, 1]
        np.testing.assert_allclose(fit.residual_quantiles(probs),
                                   np.quantile(memory.residuals.to_numpy(), probs), rtol=1e-8)


def test_spark_glmm_equals_the_in_memory_glmer_fit(spark):
    """cbpp's binomial GLMM (cbind response) from a Spark DataFrame: the cells' one
    aggregate query, then glmer's criterion as in memory."""
    from fitting.glmm_helpers import glmm_fit, load_glmm_reference
    from mixeq.remote import source

    ref = load_glmm_reference("cbpp_binomial")
    df = spark.read.parquet(parquet_of("cbpp.csv"))
    fit = mixeq.fit(ref["formula"], data=source(df, factors={"period": None}),
                    family="binomial")
    assert fit.objective == pytest.approx(glmm_fit("cbpp_binomial").objective, rel=1e-9)
    assert fit.remote_passes == 4 and fit.nobs == 56
    assert fit.quantile_note is None             # exact quantiles: no note in the summary
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-3)
    eta = fit.fitted_query().to_pandas()["eta"].to_numpy()
    np.testing.assert_allclose(np.sort(eta), np.sort(glmm_fit("cbpp_binomial").linear_predictor),
                               rtol=1e-7, atol=1e-9)


def test_spark_pirls_passes_give_the_in_memory_laplace_deviance(spark):
    """A GLMM by passes on Spark (mixeq/remote/passes.py; the rows staged as a cached
    view, each PIRLS step one spark.sql query): the Laplace deviance at a θ — PIRLS at
    that θ from the in-memory modes, three passes — is the in-memory one; the first
    step's query (R's mustart per row) gives DuckDB's sums. A whole fit takes hundreds
    of passes, too slow for Spark's per-query cost in a unit test (by DuckDB:
    test_remote_passes.py)."""
    import pandas as pd

    from fitting.glmm_helpers import load_glmm_reference
    from mixeq.fitting.glmm.fit import GlmmProblem
    from mixeq.remote import source
    from mixeq.remote.glmm import glmm_design
    from mixeq.remote.passes import START, PassProblem

    ref = load_glmm_reference("cbpp_binomial")

    def by_passes(data):
        model = mixeq.Model(ref["formula"], source(data, factors={"period": None}),
                            family="binomial")
        model.design = glmm_design(model.design.plan, "passes")
        return PassProblem(model, 1)

    got = by_passes(spark.read.parquet(parquet_of("cbpp.csv")))
    memory = mixeq.Model(ref["formula"], pd.read_parquet(parquet_of("cbpp.csv")).astype(
        {"period": str}), family="binomial")
    theta = np.array([0.7])
    want = GlmmProblem(memory, 1)
    mode = want.pirls(theta, want.initial_eta(theta))
    start = got._point(got.pred.lambdas(theta), mode.u, mode.beta)
    value = got.laplace(got.pirls(theta, start))
    assert value == pytest.approx(want.laplace(mode), rel=1e-9)
    assert got.engine.staged is not False and 1 + 3 <= got.engine.passes <= 1 + 5   # staging, PIRLS
    first, duck = got.engine.step(START), by_passes(parquet_of("cbpp.csv")).engine.step(START)
    assert first.dev == pytest.approx(duck.dev, rel=1e-12)
    order, duck_order = np.lexsort(first.codes.T), np.lexsort(duck.codes.T)
    np.testing.assert_allclose(first.G[order], duck.G[duck_order], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("formula", ["Reaction ~ I(Days > 5) * C(f, sum) + (1 | Subject)",
                                     "Reaction ~ factor(Days > 5) + (1 | Subject)"])
def test_spark_logical_and_contrast_terms_equal_lme4(spark, formula):
    """Spark SQL computes R's logical factor (I(Days > 5), factor(Days > 5)) and sum
    contrasts: lme4's names and estimates (tests/data/names)."""
    import pandas as pd

    from design.r_names import NAMES, assert_fit_is_lme4s, models

    ref = next(m for m in models() if m["formula"] == formula)
    df = spark.createDataFrame(pd.read_csv(NAMES / "sleep_names.csv", dtype={"lg": str}))
    fit = mixeq.fit(formula, data=df)
    assert_fit_is_lme4s(fit, ref)
