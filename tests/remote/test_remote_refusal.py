"""What a remote fit refuses (mixeq/remote/refusal.py): profiles, simulations and the
bootstrap need the rows; the message says how the fit was made (cells, products,
passes: the passes case is in test_remote_passes.py, on its module's fit) and gives
the code that loads the rows — which, run, fits the in-memory model lme4 fits."""
from __future__ import annotations

import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest

import mixeq
from fitting.glmm_helpers import glmm_fit, load_glmm_reference
from mixeq.remote import source
from mixeq.remote.refusal import load_hint
from remote.helpers import parquet_of
from remote.test_remote_glmm import factors_of

pytest.importorskip("ibis")

FIX = ": load the rows and fit them in memory, "


def refused(call) -> str:
    with pytest.raises(mixeq.InferenceError) as info:
        call()
    return str(info.value)


def run_fix(message: str, fit):
    """The code the message gives (between the fix's words and what it reads)."""
    code = message.split(FIX, 1)[1].split(" (to_pandas() reads", 1)[0]
    space = {"mixeq": mixeq, "fit": fit}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(code, space)       # our own message's code, not user text
    return space["in_memory"]


def test_a_glmm_by_cells_says_cells_and_its_fix_fits_lme4s_model():
    ref = load_glmm_reference("cbpp_binomial")
    fit = mixeq.fit(ref["formula"], source(parquet_of("cbpp.csv"),
                                           factors=factors_of(ref["dataset"])),
                    family="binomial")
    for call in (lambda: fit.confint("profile"), lambda: fit.bootstrap(2),
                 lambda: fit.simulate(1)):
        text = refused(call)
        assert "by cells" not in text      # the mode is said in words, with its count
        assert "per-cell sums of its rows (remote_glmm='cells': 56 cells" in text
        assert "passes" not in text
        assert "as pandas.read_parquet('" in text and "makes herd, period factors" in text
        assert "Wald intervals (confint('Wald')) and coef_table() apply" in text
    memory = run_fix(text, fit)
    assert memory.objective == pytest.approx(glmm_fit("cbpp_binomial").objective, rel=1e-9)
    np.testing.assert_allclose(memory.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-3)


def test_an_lmm_names_pseudo_rows_or_products_and_the_fix():
    sleep = "Reaction ~ Days + (Days | Subject)"
    fit = mixeq.fit(sleep, parquet_of("sleepstudy.csv"))
    text = refused(lambda: fit.confint("profile"))
    assert "this model was fitted from a remote source" in text
    assert "54 pseudo-rows" in text and "passes" not in text
    assert run_fix(text, fit).objective == pytest.approx(fit.objective, rel=1e-9)
    rng = np.random.default_rng(3)
    n = 300
    crossed = pd.DataFrame({"y": rng.normal(size=n), "a": rng.integers(0, 150, n),
                            "b": rng.integers(0, 140, n)})
    con = duckdb.connect()
    rel = con.from_df(crossed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit("y ~ 1 + (1 | a) + (1 | b)", rel)
    assert fit.model.design.mode == "products"
    text = refused(lambda: fit.confint("profile"))
    assert "cross-products of its crossed grouping factors" in text and "cells" not in text
    assert "as relation.df() does" in text
    assert run_fix(text, fit).objective == pytest.approx(fit.objective, rel=1e-9)


@pytest.mark.parametrize("path, hint", [
    ("d.parquet", "pandas.read_parquet('d.parquet')"),
    ("d.csv", "pandas.read_csv('d.csv')"),
    ("d.tsv", "pandas.read_csv('d.tsv', sep='\\t')"),
    ("parts/*.parquet", "duckdb.read_parquet('parts/*.parquet').df()"),
])
def test_the_load_hint_is_the_sources_reader(path, hint):
    assert load_hint(mixeq.remote.Source(path, kind="duckdb-path")) == hint


def test_to_pandas_gives_factors_the_remote_levels():
    """factors= with levels: those levels (their order: the reference level); None: the
    values sorted as numbers, as the remote fit sorts them (text would put 10 before 2)."""
    src = source(parquet_of("cbpp.csv"), factors={"herd": None, "period": ["4", "3", "2", "1"]})
    frame = src.to_pandas()
    assert len(frame) == 56
    assert list(frame["herd"].cat.categories) == [str(i) for i in range(1, 16)]
    assert list(frame["period"].cat.categories) == ["4", "3", "2", "1"]
    assert (frame["period"].astype(str) == pd.read_parquet(parquet_of("cbpp.csv"))["period"]
            .astype(str)).all()
