"""The remote compiler codes factors of interactions by R's rule (the in-memory design's
one rule, mixeq.design.logical.r_coding): fitted from Parquet through DuckDB, every model
of tests/data/names — logical terms (``I(Days > 5)``, ``factor(Days > 5)``, a logical
column), ``C(f, sum)`` and R's other named contrasts — has lme4's coefficient names and
estimates; ``0 + f + h`` too, where an exact-margin rule gave ``hp`` instead of lme4's
``hq``."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from design.r_names import NAMES, assert_fit_is_lme4s, models
from mixeq.remote import source
from remote.helpers import FOLDER

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

ALL = models()


@pytest.fixture(scope="module")
def parquet():
    import pandas as pd

    out = FOLDER / "sleep_names.parquet"
    pd.read_csv(NAMES / "sleep_names.csv", dtype={"lg": str}).to_parquet(out, index=False)
    return str(out)


@pytest.mark.parametrize("ref", ALL, ids=[r["formula"] for r in ALL])
def test_remote_r_coding_equals_lme4(parquet, ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], source(parquet))
    assert_fit_is_lme4s(fit, ref)


def test_there_are_models_to_compare():
    formulas = {m["formula"] for m in ALL}
    assert {"Reaction ~ 0 + f + h + (1 | Subject)", "Reaction ~ f:h + (1 | Subject)",
            "Reaction ~ I(Days > 5):f + (1 | Subject)", "Reaction ~ factor(Days > 5) + (1 | Subject)",
            "Reaction ~ Days + C(k, poly) + (1 | Subject)",
            "Reaction ~ I(Days > 5) * C(f, sum) + (1 | Subject)"} <= formulas
    assert len(ALL) >= 31


@pytest.mark.parametrize("formula", [
    "Reaction ~ I(Days > 5) * C(f, sum) + (1 | Subject)",
    "Reaction ~ factor(Days > 5) + C(k, poly) + (I(Days > 5) | Subject)",
    "Reaction ~ factor(Days) + (1 | Subject)",
])
def test_remote_predict_with_logical_and_contrast_terms_equals_in_memory(parquet, formula):
    """New rows are coded with the fit's levels and contrasts: the engine's predictions
    equal the in-memory fit's on the same rows (which the lme4 comparisons above pin)."""
    from design.r_names import sleep_names

    data = sleep_names()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = mixeq.fit(formula, source(parquet))
        local = mixeq.fit(formula, data)
    new = data.iloc[[0, 7, 33, 95, 150]].copy()
    before = new.copy()
    np.testing.assert_allclose(remote.predict(new).to_numpy(), local.predict(new).to_numpy(),
                               rtol=1e-6)
    assert new.equals(before)


def test_factor_of_a_comparison_keeps_the_levels_present(parquet):
    """factor(Days > 20) is TRUE nowhere: R's factor() keeps FALSE only, so there is no
    column for it (I(Days > 20) would have FALSE and TRUE, TRUE aliased and dropped)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit("Reaction ~ Days + factor(Days > 20) + (1 | Subject)", source(parquet))
    assert list(fit.fixef.index) == ["(Intercept)", "Days"]
    assert fit.model.design.passes == 3     # the profile, the cells and the one logical query


def test_remote_glmm_with_a_logical_term_equals_in_memory(parquet):
    """A Poisson GLMM with I(Days > 5) and C(f, sum) from the engine's cells equals the
    in-memory fit (the GLMM path compiles the same atoms)."""
    from design.r_names import sleep_names

    data = sleep_names()
    data["count"] = np.round(data["Reaction"] / 25).astype(int)
    path = FOLDER / "sleep_names_counts.parquet"
    data.assign(Subject=data["Subject"].astype(str)).to_parquet(path, index=False)
    formula = "count ~ I(Days > 5) + C(f, sum) + (1 | Subject)"
    remote = mixeq.fit(formula, source(str(path)), family="poisson")
    local = mixeq.fit(formula, data, family="poisson")
    assert list(remote.fixef.index) == list(local.fixef.index) == \
        ["(Intercept)", "I(Days > 5)TRUE", "C(f, sum)1", "C(f, sum)2"]
    # both end with the Newton polish (fit.py's _newton: batched in memory, one by one from
    # the cells), on the same optimum: β 5e-12 apart (BOBYQA alone stopped 2.7e-7 apart)
    np.testing.assert_allclose(remote.fixef.to_numpy(), local.fixef.to_numpy(), rtol=1e-7,
                               atol=1e-7)
    assert all(f.optimizer_summary.options["polish"]["newton"] == "taken" for f in (remote, local))
    np.testing.assert_allclose(remote.loglik, local.loglik, rtol=1e-9)
