"""``poly(x, 2, raw = TRUE)``: lme4 names the raw columns 1 and 2, as the orthogonal
ones (formulaic numbers them from 0). Reference: lme4 1.1-31 on R 4.2.2, run here with
``lmer(Reaction ~ poly(Days, 2, raw = TRUE) + (1 | Subject), sleepstudy)`` (REML):
``colnames(model.matrix(f))`` and ``fixef(f)``."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA

LME4_NAMES = ["(Intercept)", "poly(Days, 2, raw = TRUE)1", "poly(Days, 2, raw = TRUE)2"]
LME4_FIXEF = [255.4493728, 7.4340850, 0.3370223]


@pytest.fixture(scope="module")
def sleep():
    return pd.read_csv(DATA / "sleepstudy.csv")


@pytest.mark.parametrize("written", ["poly(Days, 2, raw = TRUE)", "poly(Days, 2, raw=TRUE)"])
def test_raw_poly_columns_are_named_and_fitted_as_lme4(sleep, written):
    fit = mixeq.fit(f"Reaction ~ {written} + (1 | Subject)", sleep)
    assert list(fit.fixef.index) == LME4_NAMES
    np.testing.assert_allclose(fit.fixef.to_numpy(), LME4_FIXEF, rtol=1e-6)
    # the columns are Days and Days², whatever their names
    X = fit.model.X.to_numpy()
    np.testing.assert_array_equal(X[:, 1], sleep["Days"].to_numpy())
    np.testing.assert_array_equal(X[:, 2], sleep["Days"].to_numpy() ** 2)


def test_orthogonal_poly_keeps_its_names(sleep):
    m = mixeq.Model("Reaction ~ poly(Days, 2) + (1 | Subject)", sleep)
    assert list(m.X.columns) == ["(Intercept)", "poly(Days, 2)1", "poly(Days, 2)2"]
