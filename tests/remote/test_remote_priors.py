"""Prior weights and offsets given as columns (lme4's ``weights =``, ``offset =``) and
predictions on new data, for linear mixed models fitted from Parquet through DuckDB:
the in-memory fit's criterion and predictions, and lme4's weighted fit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from fitting.glmm_helpers import load_glmm_reference
from mixeq.remote import source
from remote.helpers import FOLDER, parquet_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")


def test_weights_column_gives_lme4s_weighted_fit():
    """sleepstudy_weights (lme4 1.1-31, weights = w): the criterion subtracts Σ log w."""
    ref = load_glmm_reference("sleepstudy_weights")
    memory = mixeq.fit(ref["formula"], load_dataset("sleepweights"), weights="w")
    remote = mixeq.fit(ref["formula"], source(parquet_of("sleepweights.csv"),
                                              factors={"Subject": None}), weights="w")
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9)
    assert remote.objective == pytest.approx(ref["REMLcrit"], rel=1e-6)
    np.testing.assert_allclose(remote.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-5)
    np.testing.assert_allclose(remote.sigma, ref["sigma"], rtol=1e-5)
    unweighted = mixeq.fit(ref["formula"], parquet_of("sleepweights.csv"))
    assert abs(unweighted.objective - remote.objective) > 1.0   # the weights did something


def test_weights_in_products_mode():
    """Crossed factors (Penicillin: a cell per row) bring weighted per-level sums and
    per-pair sums of w instead of cell sums: still the in-memory weighted fit."""
    raw = pd.read_csv(DATA / "Penicillin.csv")
    raw["w"] = np.resize([1.0, 2.0, 0.5], len(raw))
    path = FOLDER / "penicillin_w.parquet"
    raw.to_parquet(path, index=False)
    formula = "diameter ~ 1 + (1 | plate) + (1 | sample)"
    memory = mixeq.fit(formula, load_dataset("Penicillin").assign(w=raw["w"].to_numpy()),
                       weights="w")
    remote = mixeq.fit(formula, str(path), weights="w")
    assert remote.optimizer_summary.options["remote"]["mode"] == "products"
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9)


def test_offset_column():
    raw = pd.read_csv(DATA / "sleepstudy.csv")
    raw["o"] = 3.0 * raw["Days"] + 100.0
    path = FOLDER / "sleep_offset.parquet"
    raw.to_parquet(path, index=False)
    frame = load_dataset("sleepstudy").assign(o=raw["o"].to_numpy())
    formula = "Reaction ~ Days + (Days | Subject)"
    memory = mixeq.fit(formula, frame, offset="o")
    remote = mixeq.fit(formula, str(path), offset="o")
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9)
    np.testing.assert_allclose(remote.fixef.to_numpy(), memory.fixef.to_numpy(), rtol=1e-6)
    assert remote.fixef["Days"] == pytest.approx(mixeq.fit(formula, frame).fixef["Days"] - 3.0,
                                                 rel=1e-6)


def test_predict_new_data_equals_the_in_memory_predict():
    formula = "Reaction ~ Days + (Days | Subject)"
    frame = load_dataset("sleepstudy")
    memory = mixeq.fit(formula, frame)
    remote = mixeq.fit(formula, parquet_of("sleepstudy.csv"))
    new = frame.iloc[[3, 40, 41, 170]].copy()
    extra = pd.DataFrame({"Reaction": [0.0], "Days": [4.0], "Subject": ["999"]})   # a new level
    new = pd.concat([new, extra.astype({"Subject": new["Subject"].dtype}
                                       if not isinstance(new["Subject"].dtype, pd.CategoricalDtype)
                                       else {})], ignore_index=True)
    for random in (True, False):
        np.testing.assert_allclose(
            remote.predict(new, include_random=random, allow_new_levels=True).to_numpy(),
            memory.predict(new, include_random=random, allow_new_levels=True).to_numpy(),
            rtol=1e-8)
    for fit in (remote, memory):   # lme4's default allow.new.levels = FALSE
        with pytest.raises(mixeq.DataError, match="'Subject'.*999.*allow_new_levels=True"):
            fit.predict(new)
    missing = new.iloc[[0]].assign(Subject=None)
    with pytest.raises(mixeq.DataError, match="missing values .*'Subject'"):
        remote.predict(missing)
    on_rows = remote.predict()          # the source's rows, computed by DuckDB
    np.testing.assert_allclose(np.sort(on_rows.to_numpy()), np.sort(memory.fitted.to_numpy()),
                               rtol=1e-8)


def test_predict_needs_the_models_columns():
    remote = mixeq.fit("Reaction ~ Days + (Days | Subject)", parquet_of("sleepstudy.csv"))
    with pytest.raises(mixeq.UnknownColumnError, match="'Days'"):
        remote.predict(pd.DataFrame({"Subject": ["308"]}))
