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
