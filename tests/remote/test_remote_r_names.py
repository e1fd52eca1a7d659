"""The remote compiler codes factors of interactions by R's rule (the in-memory design's
one rule, mixeq.design.logical.r_coding): fitted from Parquet through DuckDB, the models
of tests/data/names without logical terms or C() (which the engine path does not compute)
have lme4's coefficient names and estimates — ``0 + f + h`` too, where an exact-margin rule
gave ``hp`` instead of lme4's ``hq``."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from design.r_names import NAMES, models
from mixeq.remote import source
from remote.helpers import FOLDER

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

PLAIN = [m for m in models(contrasts=False) if "I(" not in m["formula"]
         and "factor(" not in m["formula"]]


@pytest.fixture(scope="module")
def parquet():
    import pandas as pd

    out = FOLDER / "sleep_names.parquet"
    pd.read_csv(NAMES / "sleep_names.csv", dtype={"lg": str}).to_parquet(out, index=False)
    return str(out)


@pytest.mark.parametrize("ref", PLAIN, ids=[r["formula"] for r in PLAIN])
def test_remote_r_coding_equals_lme4(parquet, ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], source(parquet))
    assert list(fit.fixef.index) == ref["X_columns"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(fit.reml_criterion, ref["REMLcrit"], rtol=1e-7)


def test_there_are_models_to_compare():
    assert {"Reaction ~ 0 + f + h + (1 | Subject)", "Reaction ~ f:h + (1 | Subject)"} <= \
        {m["formula"] for m in PLAIN}
