"""Crossed factors fitted from Parquet through DuckDB by their cross-products
(mixeq/remote/products.py): per-level sums in the engine, the rows' level codes
read in Arrow batches and summed per pair; no rows are kept. The criterion equals
the in-memory fit's and lme4's; at the same θ the factor is the in-memory one's
for slopes, weights, interaction factors and three factors."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
import mixeq.fitting.pairs as pairs
from conftest import DATA
from mixeq.fitting.later import ClassBlock
import mixeq.remote.design as remote_design
from mixeq.remote import products
from remote.helpers import FOLDER, parquet_of

pytest.importorskip("duckdb")
pytest.importorskip("ibis")

COUNTS = json.loads((DATA / "crossed_counts_lme4.json").read_text())


@pytest.fixture(scope="module")
def synthetic():
    """500 rows: a (70 levels) × b (9) × c (12), almost a cell per row; weights."""
    rng = np.random.default_rng(11)
    n = 500
    d = pd.DataFrame({"a": rng.integers(0, 70, n), "b": rng.choice(list("pqrstuvwz"), n),
                      "c": rng.integers(0, 12, n), "x": rng.normal(size=n) + 2.0,
                      "z": rng.normal(size=n), "w": rng.uniform(0.5, 2.0, n)})
    d["y"] = 3 + d.x + rng.normal(size=n) + 0.3 * (d.a % 5) + (d.b == "q") + 0.2 * (d.c % 3)
    path = FOLDER / "crossed_synthetic.parquet"
    d.to_parquet(path, index=False)
    return str(path), d


@pytest.mark.parametrize("reml", [True, False])
def test_crossed_counts_equal_lme4_by_the_classes(reml, monkeypatch):
    """The benchmark's path at small size: pair counts from the codes, then the level
    classes (no pair operator, as for 100,000 × 2,000 levels). Its pairs repeat (about
    three rows each: cells mode by default), so the products are asked for."""
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    monkeypatch.setattr(remote_design, "ROWS_SHARE", 0.0)
    fit = mixeq.fit("y ~ x + (1 | a) + (1 | b)", parquet_of("crossed_counts.csv"), reml=reml,
                    factor="blocked")
    info = fit.optimizer_summary.options["remote"]
    assert info["mode"] == "products" and info["pseudo_rows"] == 0
    raw = pd.read_csv(DATA / "crossed_counts.csv")
    assert info["pairs"] == len(raw.drop_duplicates(["a", "b"]))
    assert isinstance(fit._factor.later, ClassBlock)
    ref = COUNTS["REML" if reml else "ML"]
    assert fit.objective == pytest.approx(ref["objective"], rel=1e-7)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=1e-4)
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-6)
    memory = mixeq.fit("y ~ x + (1 | a) + (1 | b)", raw, reml=reml)
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9)


FORMULAS = ["y ~ x + (1 | a) + (1 | b)", "y ~ x + (1 + x | a) + (1 | b)",
            "y ~ x + z + (1 | a) + (1 + z | b) + (1 | c)", "y ~ x + (1 | a) + (0 + x | a) + (1 | b)",
            "y ~ x + (1 | a:b) + (1 | c)", "y ~ 1 + (1 | a) + (1 | b:c)"]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("formula", FORMULAS)
def test_factor_equals_the_in_memory_one(synthetic, formula, weighted):
    path, memory = synthetic
    kw = {"weights": "w"} if weighted else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = mixeq.Model(formula, path, **kw)
        local = mixeq.Model(formula, memory, **kw)
    assert remote.design.mode == "products" and len(remote.X) == 0
    assert [t.group for t in remote.terms] == [t.group for t in local.terms]
    assert [t.levels for t in remote.terms] == [t.levels for t in local.terms]
    for name, g in remote.groups.items():   # the rows' codes, and the nesting found from them
        np.testing.assert_array_equal(g.codes, local.groups[name].codes)
        assert g.nested_in == local.groups[name].nested_in
    fit = remote.fit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem_fit = local.fit()
    theta = mem_fit.theta
    a = mem_fit._factor.objective(theta, True)
    b = fit._factor.objective(theta, True)
    # the remote problem is centred in the engine: the same criterion to rounding
    assert abs(b - a) <= 1e-11 * abs(a)
    assert fit.objective <= mem_fit.objective * (1 + 1e-8)


def test_relation_source_streams_its_codes():
    """A DuckDB relation (con.sql) is read a batch at a time by its own connection."""
    import duckdb

    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{parquet_of('Penicillin.csv')}')")
    fit = mixeq.fit("diameter ~ 1 + (1 | plate) + (1 | sample)", rel)
    memory = mixeq.fit("diameter ~ 1 + (1 | plate) + (1 | sample)",
                       pd.read_csv(DATA / "Penicillin.csv"))
    assert fit.optimizer_summary.options["remote"]["mode"] == "products"
    assert fit.objective == pytest.approx(memory.objective, rel=1e-9)


def test_a_changed_row_count_is_refused():
    """The codes fill arrays of the counted rows: a stream with more or fewer rows
    is an error naming the source, not a silent misfit."""
    model = mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)", parquet_of("Penicillin.csv"))
    d = model.design
    sums = {name: products.FactorSums(g, tuple(name.split(":")), np.zeros((g.nlevels, 2, 2)))
            for name, g in d.groups.items()}
    for n in (d.nobs - 1, d.nobs + 1):
        with pytest.raises(mixeq.remote.SourceError, match="complete rows"):
            products.row_codes(d.source, d.complete, sums, [], None, n)
    codes, _, _ = products.row_codes(d.source, d.complete, sums, [], None, d.nobs)
    np.testing.assert_array_equal(codes["plate"], d.groups["plate"].codes)


def test_products_design_keeps_no_rows(synthetic):
    """What the design holds: no X or y rows, term matrices of no rows; the per-level
    sums' and pair tables' sizes."""
    path, _ = synthetic
    m = mixeq.Model("y ~ x + (1 + x | a) + (1 | b)", path)
    assert m.X.shape == (0, 2) and len(m.y) == 0 and m.nobs == 500
    assert all(t.matrix.shape[0] == 0 for t in m.terms)
    pr = m.design.products
    assert [o.shape for o in pr.own] == [(70, 2, 2), (9, 1, 1)]
    assert pr.cross[(1, 0)].shape == (9, 140)
    assert 0 < pr.pairs <= 2 * 500


@pytest.mark.parametrize("values, column, expected", [
    ([5, 7, 100], [7, 5, 100, 7], [1, 0, 2, 1]),                    # a lookup table
    ([0, 10 ** 12, 3], [3, 10 ** 12, 0], [2, 1, 0]),                # too wide: hashed
    (["p", "q", "r"], ["r", "p", "q"], [2, 0, 1]),                  # text: hashed
])
def test_level_codes_of_a_column(values, column, expected):
    import pyarrow as pa

    col = pa.array(column)
    index = products._column_map(pd.Series(values), col.type)
    np.testing.assert_array_equal(index(col), expected)
    stranger = 6 if isinstance(values[0], int) else "s"      # a value the levels lack
    for bad in ([stranger], [values[0], None]):
        assert index(pa.array(bad, type=col.type)) is None
    if values[0] == 5:
        assert index(pa.array([1000, 5], type=col.type)) is None   # beyond the table
