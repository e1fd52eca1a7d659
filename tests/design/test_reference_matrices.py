"""X and Z against lme4's, for every reference model (tests/data/reference)."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, REFERENCE_IDS, load_dataset, load_reference
from mixeq.datasets import apply_factors


@pytest.fixture(scope="module")
def models():
    out = {}
    for rid in REFERENCE_IDS:
        ref = load_reference(rid)
        out[rid] = (ref, mixeq.Model(ref["formula"], load_dataset(ref["dataset"])))
    return out


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_X_columns_match_lme4(models, rid):
    ref, m = models[rid]
    assert list(m.X.columns) == ref["X_colnames"]
    assert m.X.shape == (ref["nobs"], len(ref["X_colnames"]))


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_Z_shape_and_nonzeros_match_lme4(models, rid):
    ref, m = models[rid]
    assert list(m.Z.shape) == ref["Z_dim"]
    assert m.Z.nnz == ref["Z_nnz"]
    assert m.Z.format == "csc"


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_Z_column_names_match_lme4(models, rid):
    ref, m = models[rid]
    head = ref["Z_colnames_head"]
    assert [level for _, level, _ in m.Z_columns[:len(head)]] == head
    assert len(m.Z_columns) == ref["Z_dim"][1]


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_grouping_factors_and_term_order_match_lme4(models, rid):
    ref, m = models[rid]
    assert {g: m.groups[g].nlevels for g in ref["ngrps"]} == ref["ngrps"]
    names = list(dict.fromkeys(t.group for t in m.terms))
    assert names == list(ref["ngrps"])


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_theta_names_match_lme4(models, rid):
    ref, m = models[rid]
    assert [n for t in m.terms for n in t.theta_names()] == ref["theta_names"]


@pytest.mark.parametrize("rid", REFERENCE_IDS)
def test_ranef_levels_follow_lme4_order(models, rid):
    ref, m = models[rid]
    for group, block in ref["ranef"].items():
        assert m.groups[group].levels == block["levels"]


def test_Z_is_the_khatri_rao_product_for_sleepstudy(models):
    _, m = models["sleepstudy_slope_reml"]
    Z = m.Z.toarray()
    days = m.data["Days"].to_numpy()
    subj = m.terms[0].codes
    for i in (0, 17, 100, 179):
        expected = np.zeros(36)
        expected[2 * subj[i]] = 1.0
        expected[2 * subj[i] + 1] = days[i]
        np.testing.assert_array_equal(Z[i], expected)


def test_insteval_Z_stays_sparse(models):
    _, m = models["insteval_crossed"]
    assert m.Z.shape == (73421, 4114)
    assert m.Z.nnz == 220263
    assert all(t.matrix.shape == (73421, 1) for t in m.terms)


def test_X_values_for_the_factor_model(models):
    ref, m = models["cake_interaction"]
    df = load_dataset("cake")
    row = 5  # recipe A, temperature 225
    assert df.loc[row, "recipe"] == "A" and df.loc[row, "temperature"] == "225"
    x = m.X.iloc[row]
    assert x["(Intercept)"] == 1 and x["temperature225"] == 1 and x["recipeB"] == 0
    assert x.sum() == 2


# -- more lme4 references (tests/data/reference_extra, made with tools/make_references.R) --
EXTRA = sorted((DATA / "reference_extra").glob("*.json"))


def _extra_model(path):
    ref = json.loads(path.read_text())
    df = apply_factors(pd.read_csv(DATA / Path(ref["dataset_file"]).name), ref.get("factors") or {})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = mixeq.Model(ref["formula"], df)
    return ref, model, [str(w.message) for w in caught]


@pytest.mark.parametrize("path", EXTRA, ids=[p.stem for p in EXTRA])
def test_extra_references_X_and_Z_match_lme4(path):
    ref, m, _ = _extra_model(path)
    assert list(m.X.columns) == ref["X_colnames"]
    assert list(m.Z.shape) == ref["Z_dim"] and m.Z.nnz == ref["Z_nnz"]
    head = ref["Z_colnames_head"]
    assert [lev for _, lev, _ in m.Z_columns[:len(head)]] == head
    assert m.nobs == ref["nobs"]
    assert m.dropped_columns == (ref.get("X_dropped") or [])
    assert [n for t in m.terms for n in t.theta_names()] == ref["theta_names"]


def test_extra_reference_missing_rows_counted():
    ref, m, messages = _extra_model(DATA / "reference_extra" / "sleepstudy_missing.json")
    assert m.dropped_rows == ref["rows_in_data"] - ref["nobs"] == 8
    assert any("dropped 8 of 180 rows" in msg for msg in messages)


def test_extra_reference_rank_deficient_reports_the_dropped_column():
    ref, m, messages = _extra_model(DATA / "reference_extra" / "cake_rank_deficient.json")
    assert m.dropped_columns == ref["X_dropped"] and ref["X_dropped"]
    assert any("rank deficient" in msg and ref["X_dropped"][0] in msg for msg in messages)
