"""Remote predict() with new levels, as lme4 1.1-31's predict.merMod
(tests/data/predict_newlevels_lme4.json): the same refusals as the in-memory
predict, and with allow_new_levels=True lme4's numbers (b = 0 for a new level)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
from remote.helpers import parquet_of

pytest.importorskip("duckdb")
REF = json.loads((Path(__file__).parents[1] / "data" / "predict_newlevels_lme4.json").read_text())


def _frame(rows):
    return pd.DataFrame(rows).replace({None: np.nan})


def test_remote_lmm_new_levels_as_lme4():
    fit = mixeq.fit(REF["lmm"]["formula"], parquet_of("cake.csv"), reml=True)
    new = _frame(REF["lmm"]["newdata"])
    got = fit.predict(new, allow_new_levels=True).to_numpy()
    want = np.array([np.nan if v is None else v for v in REF["lmm"]["allow_new"]])
    np.testing.assert_allclose(got, want, rtol=1e-5)
    with pytest.raises(mixeq.DataError, match="'replicate'.*99"):
        fit.predict(new)
    bad = pd.DataFrame({"recipe": ["A", "D"], "temp": [175.0, 175.0], "replicate": ["1", "1"]})
    with pytest.raises(mixeq.DataError, match=r"column 'recipe' has level\(s\) 'D'"):
        fit.predict(bad, allow_new_levels=True)

