"""The remote compiler reads a formula with :mod:`ast`, where a call's name and a column
are told apart by their place: columns named like functions (``log + log(Days + 1)``)
fitted from Parquet through DuckDB equal lme4's fit (tests/data/shadow)."""
from __future__ import annotations

import numpy as np
import pytest

import mixeq
from design.shadow import models, sleep_shadow
from mixeq.remote import source
from remote.helpers import FOLDER

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

FORMULAS = ["Reaction ~ log + log(Days + 1) + (1 | Subject)",
            "Reaction ~ log + (log(Days + 1) | Subject)"]
REFS = [m for m in models() if m["formula"] in FORMULAS]


@pytest.mark.parametrize("ref", REFS, ids=[r["formula"] for r in REFS])
def test_remote_columns_named_like_functions_equal_lme4(ref):
    path = FOLDER / "sleep_shadow.parquet"
    sleep_shadow().to_parquet(path, index=False)
    fit = mixeq.fit(ref["formula"], source(str(path)))
    assert list(fit.fixef.index) == ref["X_columns"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-5)
    np.testing.assert_allclose(fit.reml_criterion, ref["REMLcrit"], rtol=1e-7)


def test_both_formulas_are_compared():
    assert len(REFS) == len(FORMULAS)
