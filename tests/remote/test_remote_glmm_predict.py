"""A remote GLMM's predict(newdata) on a data frame: lme4's fitted values (the
reference's fitted_head, response scale), and a factor given where the fit had a
number refused by name (was a KeyError from the compiler)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA
from fitting.glmm_helpers import load_glmm_reference
from mixeq.datasets import apply_factors
from mixeq.remote import source
from remote.helpers import parquet_of
from remote.test_remote_glmm import factors_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

FORMULA = "cbind(incidence, size - incidence) ~ period + (1 | herd)"


def _cbpp():
    return apply_factors(pd.read_csv(DATA / "cbpp.csv"), factors_of("cbpp"))


def test_predict_on_a_frame_gives_lme4s_fitted_values():
    ref = load_glmm_reference("cbpp_binomial")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(FORMULA, source(parquet_of("cbpp.csv"), factors=factors_of("cbpp")),
                        family="binomial")
    want = np.asarray(ref["fitted_head"], dtype=float)
    got = np.asarray(fit.predict(_cbpp().head(len(want)), type="response"), dtype=float)
    np.testing.assert_allclose(got, want, rtol=2e-3)


def test_a_factor_where_the_fit_had_a_number_is_named():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(FORMULA, parquet_of("cbpp.csv"), family="binomial")   # period: 1..4
    with pytest.raises(mixeq.MixeqError, match=r"column 'period' is a factor .* numeric"):
        fit.predict(_cbpp().head(3))
