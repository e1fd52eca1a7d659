"""Issue 10's bad inputs: each a clear MixeqError naming the column and the fix;
a Gaussian fit of a 0/1 response runs but warns."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import DataError, FitError, MixeqError, MixeqWarning


@pytest.fixture
def cbpp():
    return load_dataset("cbpp")


@pytest.fixture
def binary():
    rng = np.random.default_rng(3)
    n = 200
    d = pd.DataFrame({"g": np.repeat([f"g{i}" for i in range(20)], 10), "x": rng.normal(size=n)})
    d["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-d["x"]))).astype(float)
    d["count"] = rng.poisson(2.0, size=n).astype(float)
    d["exposure"] = rng.uniform(1, 3, size=n)
    return d


def _raises(exc, match, fn):
    with pytest.raises(exc, match=match) as info:
        fn()
    assert isinstance(info.value, MixeqError)
    return str(info.value)


def test_binomial_response_outside_0_1_without_weights(cbpp):
    msg = _raises(DataError, "outside \\[0, 1\\]",
                  lambda: mixeq.fit("incidence ~ period + (1 | herd)", cbpp, family="binomial"))
    assert "incidence" in msg and "cbind" in msg


def test_non_integer_poisson_count(binary):
    binary["count"] = binary["count"] + 0.5
    msg = _raises(DataError, "non-integer", lambda: mixeq.fit("count ~ x + (1 | g)", binary,
                                                              family="poisson"))
    assert "'count'" in msg and "offset" in msg


def test_negative_poisson_count(binary):
    binary.loc[3, "count"] = -1
    _raises(DataError, "negative", lambda: mixeq.fit("count ~ x + (1 | g)", binary, family="poisson"))


def test_negative_weights(cbpp):
    cbpp["w"] = 1.0
    cbpp.loc[5, "w"] = -2.0
    msg = _raises(DataError, "negative", lambda: mixeq.fit("incidence/size ~ period + (1 | herd)",
                                                           cbpp, family="binomial", weights="w"))
    assert "'w'" in msg


def test_missing_weights(cbpp):
    cbpp["w"] = 1.0
    cbpp.loc[5, "w"] = np.nan
    msg = _raises(DataError, "missing", lambda: mixeq.fit("incidence/size ~ period + (1 | herd)",
                                                          cbpp, family="binomial", weights="w"))
    assert "'w'" in msg


def test_unknown_weights_column(cbpp):
    _raises(mixeq.UnknownColumnError, "'nope'",
            lambda: mixeq.fit("incidence/size ~ period + (1 | herd)", cbpp, family="binomial",
                              weights="nope"))


def test_offset_with_missing_values_in_formula(binary):
    binary.loc[7, "exposure"] = np.nan
    msg = _raises(DataError, "missing", lambda: mixeq.fit(
        "count ~ x + offset(log(exposure)) + (1 | g)", binary, family="poisson"))
    assert "exposure" in msg


def test_offset_argument_with_missing_values(binary):
    off = np.log(binary["exposure"].to_numpy())
    off[4] = np.nan
    _raises(DataError, "offset.*missing", lambda: mixeq.fit("count ~ x + (1 | g)", binary,
                                                            family="poisson", offset=off))


def test_unknown_family(binary):
    msg = _raises(FitError, "unknown family", lambda: mixeq.fit("y ~ x + (1 | g)", binary,
                                                                family="gamma-ish"))
    assert "binomial" in msg


def test_unknown_link(binary):
    msg = _raises(FitError, "link", lambda: mixeq.fit("y ~ x + (1 | g)", binary,
                                                      family="binomial", link="sqrt"))
    assert "probit" in msg


def test_unknown_link_in_constructor():
    _raises(FitError, "link", lambda: mixeq.Binomial(link="log"))


def test_nagq_with_vector_valued_term(binary):
    msg = _raises(FitError, "single scalar", lambda: mixeq.fit("y ~ x + (1 + x | g)", binary,
                                                               family="binomial", nagq=5))
    assert "nagq=1" in msg


def test_nagq_with_several_terms(binary):
    binary["h"] = np.tile([f"h{i}" for i in range(10)], 20)
    _raises(FitError, "2 random-effects terms", lambda: mixeq.fit(
        "y ~ x + (1 | g) + (1 | h)", binary, family="binomial", nagq=3))


def test_nagq_not_a_count(binary):
    _raises(FitError, "nagq must be", lambda: mixeq.fit("y ~ x + (1 | g)", binary,
                                                        family="binomial", nagq=2.5))


def test_reml_for_a_glmm(binary):
    _raises(FitError, "REML", lambda: mixeq.fit("y ~ x + (1 | g)", binary, family="binomial",
                                                reml=True))


def test_response_that_cannot_be_binomial(binary):
    binary["grade"] = np.resize(["a", "b", "c"], len(binary))
    msg = _raises(DataError, "3 levels", lambda: mixeq.fit("grade ~ x + (1 | g)", binary,
                                                           family="binomial"))
    assert "grade" in msg


def test_cbind_without_binomial_family(cbpp):
    _raises(DataError, "family='binomial'", lambda: mixeq.fit(
        "cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp))


def test_gaussian_fit_of_binary_response_warns(binary):
    with pytest.warns(MixeqWarning, match="binary.*family='binomial'"):
        fit = mixeq.fit("y ~ x + (1 | g)", binary)
    assert fit.sigma > 0


def test_no_warning_for_a_non_binary_gaussian_response(binary):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MixeqWarning)
        mixeq.fit("count ~ x + (1 | g)", binary)


def test_user_data_not_mutated(cbpp):
    before = cbpp.copy()
    mixeq.fit("cbind(incidence, size - incidence) ~ period + (1 | herd)", cbpp, family="binomial")
    pd.testing.assert_frame_equal(cbpp, before)
