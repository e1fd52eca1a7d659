"""R's terms() orders the variables inside an interaction by their first appearance
in the formula; lme4's X column names (and so the equations' coefficient names)
follow. Reference: tests/data/hsb82_lme4.json (lme4 1.1-31 on mlmRev's Hsb82)."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq

DATA = Path(__file__).resolve().parents[1] / "data"
FORMULA = "mAch ~ meanses * cses + sector * cses + (cses | school)"


@pytest.fixture(scope="module")
def hsb():
    ref = json.loads((DATA / "hsb82_lme4.json").read_text())
    d = pd.read_csv(DATA / "Hsb82.csv")
    d["sector"] = pd.Categorical(d["sector"], categories=ref["sector_levels"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(FORMULA, d), ref


def test_interaction_variables_in_order_of_first_appearance():
    assert mixeq.parse(FORMULA).fixed == ("meanses", "cses", "sector", "meanses:cses",
                                          "cses:sector")
    assert mixeq.parse("y ~ a:b + b + a").fixed == ("b", "a", "a:b")
    assert mixeq.parse("y ~ x * m + (1 | g)").fixed == ("x", "m", "x:m")
    assert mixeq.parse("y ~ m * x + (x:m | g)").random[0].terms == ("x:m",)


def test_x_columns_are_lme4s(hsb):
    model, ref = hsb
    assert list(model.X.columns) == ref["x_columns"]


def test_fit_matches_lme4_and_equations_name_the_column(hsb):
    model, ref = hsb
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit()
    for col, value in ref["fixef"].items():
        assert np.isclose(float(fit.fixef[col]), value, rtol=1e-4, atol=1e-6), col
    assert np.isclose(float(fit.sigma), ref["sigma"], rtol=1e-4)
    stacked = mixeq.render(model, form="stacked", format="text").text
    assert "cses:sectorCatholic" in stacked and "sectorCatholic:cses" not in stacked
