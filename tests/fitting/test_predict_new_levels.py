"""predict() on new data with levels the fit never saw and missing values, against
lme4 1.1-31's predict.merMod (tests/data/predict_newlevels_lme4.json): a new level
of a fixed-effect factor is refused (no coefficient exists for it), a new or missing
grouping level is refused unless allow_new_levels=True (then b = 0), a missing
predictor gives an NA row."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import DataError

REF = json.loads((Path(__file__).parents[1] / "data" / "predict_newlevels_lme4.json").read_text())


def _nan(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _frame(rows):
    return pd.DataFrame(rows).replace({None: np.nan})


@pytest.fixture(scope="module")
def lmm():
    return mixeq.fit(REF["lmm"]["formula"], load_dataset("cake"), reml=True)


@pytest.fixture(scope="module")
def glmm():
    return mixeq.fit(REF["glmm"]["formula"], load_dataset("cbpp"), family="binomial")


def test_lmm_allow_new_levels_matches_lme4(lmm):
    new = _frame(REF["lmm"]["newdata"])
    got = lmm.predict(new, allow_new_levels=True).to_numpy()
    np.testing.assert_allclose(got, _nan(REF["lmm"]["allow_new"]), rtol=1e-5)
    pop = lmm.predict(new, include_random=False).to_numpy()
    np.testing.assert_allclose(pop, _nan(REF["lmm"]["population"]), rtol=1e-5)


def test_lmm_new_or_missing_grouping_level_is_refused_by_default(lmm):
    new = _frame(REF["lmm"]["newdata"])
    with pytest.raises(DataError, match=r"grouping factor 'replicate': 99.*allow_new_levels=True"):
        lmm.predict(new)
    with pytest.raises(DataError, match=r"missing values .* 'replicate'.*allow_new_levels"):
        lmm.predict(new.iloc[[0, 3]])
    assert np.isfinite(lmm.predict(new.iloc[[0]]).to_numpy()).all()   # seen levels: no error


def test_lmm_unseen_fixed_level_names_column_level_and_fix(lmm):
    assert REF["lmm"]["unseen_fixed_error"] != "none"   # lme4 refuses it too
    new = pd.DataFrame({"recipe": ["A", "D"], "temp": [175.0, 175.0], "replicate": ["1", "1"]})
    for kwargs in ({}, {"allow_new_levels": True}, {"include_random": False}):
        with pytest.raises(DataError, match=r"column 'recipe' has level\(s\) 'D'.*fitted levels"):
            lmm.predict(new, **kwargs)
    with pytest.raises(DataError, match="'recipe'"):
        lmm.predict(new, interval="confidence")


def test_lmm_missing_fixed_factor_gives_na_row(lmm):
    new = pd.DataFrame({"recipe": ["A", None], "temp": [175.0, 175.0], "replicate": ["1", "1"]})
    got = lmm.predict(new).to_numpy()
    assert np.isfinite(got[0]) and np.isnan(got[1])


def test_glmm_allow_new_levels_matches_lme4(glmm):
    new = _frame(REF["glmm"]["newdata"])
    got = glmm.predict(new, allow_new_levels=True).to_numpy()
    np.testing.assert_allclose(got, REF["glmm"]["allow_new_link"], rtol=1e-4)
    got = glmm.predict(new, type="response", allow_new_levels=True).to_numpy()
    np.testing.assert_allclose(got, REF["glmm"]["allow_new_response"], rtol=1e-4)
    with pytest.raises(DataError, match="grouping factor 'herd': 99"):
        glmm.predict(new)
    with pytest.raises(DataError, match=r"column 'period' has level\(s\) '5'"):
        glmm.predict(pd.DataFrame({"period": ["5"], "herd": ["1"]}), allow_new_levels=True)


def test_numeric_grouping_labels_match_as_in_the_fit(lmm):
    """A grouping column read back as floats (1.0 for '1', as a column with a NaN
    becomes) finds its fitted level."""
    new = pd.DataFrame({"recipe": ["A"], "temp": [175.0], "replicate": [1.0]})
    np.testing.assert_allclose(lmm.predict(new).to_numpy(), REF["lmm"]["allow_new"][:1],
                               rtol=1e-5)
