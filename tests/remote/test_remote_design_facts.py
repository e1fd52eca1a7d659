"""`mixeq design` on data left in the engine: the data's X and Z dimensions (lme4's
Z_dim in tests/data/reference), not the pseudo-rows or cross-products held in memory."""
from __future__ import annotations

import json

import pytest

import mixeq
from conftest import DATA
from mixeq.design.report import design_facts, design_text
from remote.helpers import parquet_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

CASES = [("penicillin_crossed", "Penicillin.csv", "diameter ~ 1 + (1 | plate) + (1 | sample)"),
         ("sleepstudy_slope_reml", "sleepstudy.csv", "Reaction ~ Days + (Days | Subject)")]


@pytest.mark.parametrize("ref_id, csv, formula", CASES)
def test_the_data_dimensions_are_lme4s(ref_id, csv, formula):
    ref = json.loads((DATA / "reference" / f"{ref_id}.json").read_text())
    facts = design_facts(mixeq.Model(formula, parquet_of(csv)))
    assert facts["X_shape"] == [ref["nobs"], len(ref["X_colnames"])]
    assert facts["Z_shape"] == ref["Z_dim"]
    assert facts["Z_nnz"] is None               # not counted: the rows stay in the engine
    assert facts["held_in_engine"].startswith("the rows stay in the engine")


def test_the_text_says_how_the_rows_are_held():
    text = design_text(design_facts(mixeq.Model("Reaction ~ Days + (Days | Subject)",
                                                parquet_of("sleepstudy.csv"))))
    assert "X            180 x 2" in text and "Z            180 x 36\n" in text
    assert "pseudo-rows" in text and "non-zeros" not in text


def test_in_memory_designs_still_count_non_zeros():
    import pandas as pd

    facts = design_facts(mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)",
                                     pd.read_csv(DATA / "Penicillin.csv")))
    ref = json.loads((DATA / "reference" / "penicillin_crossed.json").read_text())
    assert facts["Z_nnz"] == ref["Z_nnz"] and facts["held_in_engine"] is None


def test_grouping_and_level_facts_are_the_in_memory_ones():
    """One definition of each fact (design/grouping.py, design/levels.py) on cells as on
    rows: the refusals of a factor with one level (cells) or a level per row (crossed:
    products mode) are the in-memory messages word for word, and the predictors'
    levels (x varies within g, m is constant within g, k within g's text) are equal."""
    import numpy as np
    import pandas as pd

    from remote.helpers import FOLDER

    def message(formula, data):
        with pytest.raises(mixeq.GroupingFactorError) as info:
            mixeq.Model(formula, data)
        return str(info.value)

    rng = np.random.default_rng(5)
    n = 40
    g = np.repeat(np.arange(8), 5)
    frame = pd.DataFrame({"y": rng.normal(size=n), "x": rng.normal(size=n),
                          "m": g * 0.5, "k": [f"k{v % 3}" for v in g], "g": g,
                          "one": ["a"] * n, "row": np.arange(n)})
    path = FOLDER / "facts.parquet"
    frame.to_parquet(path, index=False)
    for formula in ("y ~ x + (1 | one)", "y ~ x + (1 | g) + (1 | row)"):
        assert message(formula, str(path)) == message(formula, frame)
    remote = mixeq.Model("y ~ x + m + k + (1 | g)", str(path))
    memory = mixeq.Model("y ~ x + m + k + (1 | g)", frame)
    assert remote.levels == memory.levels
    assert remote.levels["x"].level == 1 and remote.levels["m"].group == "g"
    assert remote.levels["k"].group == "g"
