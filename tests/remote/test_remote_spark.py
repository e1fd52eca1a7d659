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
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-3)
    eta = fit.fitted_query().to_pandas()["eta"].to_numpy()
    np.testing.assert_allclose(np.sort(eta), np.sort(glmm_fit("cbpp_binomial").linear_predictor),
                               rtol=1e-7, atol=1e-9)
