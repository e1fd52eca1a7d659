"""The remote compiler names arithmetic inside calls as lme4 does (R's deparse:
``exp(Days/10)``, ``log(Days + 1)``, ``I(Days * 1e+05)``), from the formula as written:
fitted from Parquet through DuckDB, every supported model of
tests/data/names/deparse_lme4.json has lme4's names, β and REML criterion."""
from __future__ import annotations

import warnings

import pytest

import mixeq
from design.r_names import NAMES, assert_fit_is_lme4s, deparse_models
from mixeq.remote import source
from remote.helpers import FOLDER

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

MODELS = [m for m in deparse_models() if "poly(" not in m["formula"]]   # poly: not remote


@pytest.fixture(scope="module")
def parquet():
    import pandas as pd

    out = FOLDER / "sleepstudy_deparse.parquet"
    pd.read_csv(NAMES.parent / "sleepstudy.csv").to_parquet(out, index=False)
    return str(out)


@pytest.mark.parametrize("ref", MODELS, ids=[r["formula"] for r in MODELS])
def test_remote_deparse_names_equal_lme4(parquet, ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], source(parquet))
    assert_fit_is_lme4s(fit, ref)
    assert len(MODELS) >= 20
