"""Factors built from given cross-products (mixeq/fitting/products.py) are the
factors built from the rows: the same criterion at any θ, for the dense, one-term
and blocked kinds (pattern, classes and dense later blocks), and a wrong product
is caught."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
import mixeq.fitting.pairs as pairs
from conftest import load_dataset
from mixeq.fitting.blocks import level_blocks
from mixeq.fitting.engine import make_factor
from mixeq.fitting.later import ClassBlock
from mixeq.fitting.products import Products, products_factor

DATA = Path(__file__).resolve().parent.parent / "data"


def products_of(model) -> Products:
    """The products as sums over the model's rows (Z formed: independent of the
    factors' own code paths)."""
    X, y = model.X.to_numpy(dtype=float), model.y.to_numpy(dtype=float)
    F = np.column_stack([X, y])
    terms = model.terms
    own, ZF = zip(*(level_blocks(t, F) for t in terms))
    Zs = [t.Z() for t in terms]
    cross = {(i, j): (Zs[i].T @ Zs[j]).tocsc() for i in range(len(terms)) for j in range(i)}
    return Products(len(y), F.T @ F, list(own), list(ZF), cross)


def _synthetic(seed: int = 3, n: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"a": rng.integers(0, 70, n).astype(str), "b": rng.integers(0, 9, n).astype(str),
                      "x": rng.normal(size=n)})
    d["y"] = 1 + d.x + rng.normal(size=n) + d.a.str.len() * 0.4 + (d.b == "3") * 1.5
    return d


CASES = [
    ("diameter ~ 1 + (1 | plate) + (1 | sample)", lambda: load_dataset("Penicillin")),
    ("y ~ x + (1 | a) + (1 | b)", lambda: pd.read_csv(DATA / "crossed_counts.csv")),
    ("y ~ x + (1 + x | a) + (1 | b)", _synthetic),
    ("y ~ x + (1 | a) + (0 + x | a) + (1 + x | b)", _synthetic),
    ("Reaction ~ Days + (Days | Subject)", lambda: load_dataset("sleepstudy")),
]


def _thetas(layout):
    base = layout.start()
    return [base, base * 0.4, base * 2.5 + 0.1 * (~layout.diagonal)]


@pytest.mark.parametrize("formula, data", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("kind", ["dense", "blocked"])
def test_given_products_give_the_rows_criterion(formula, data, kind):
    model = mixeq.Model(formula, data())
    rows, layout = make_factor(model, kind)
    given = products_factor(products_of(model), model.terms, layout, kind)
    assert type(given).__name__ in {"DenseFactor", "OneTermFactor", "BlockedFactor"}
    assert type(given) is type(rows)            # the same factor, and the same later-block kind
    assert type(getattr(given, "later", None)) is type(getattr(rows, "later", None))
    for theta in _thetas(layout):
        for reml in (True, False):
            a, b = rows.objective(theta, reml), given.objective(theta, reml)
            assert abs(b - a) <= 1e-12 * abs(a)
    theta = layout.start() * 0.7
    fa, fb = rows.factorization(theta), given.factorization(theta)
    np.testing.assert_allclose(fb.beta, fa.beta, rtol=1e-10)
    for ua, ub in zip(fa.u, fb.u):
        np.testing.assert_allclose(ub, ua, rtol=1e-8, atol=1e-10)


def test_given_products_reach_the_class_block(monkeypatch):
    """Without the pair operator (as for 100,000 × 2,000 levels) the given pair
    counts go to the classes' update (crossed_classes.py), as the rows' do."""
    model = mixeq.Model("y ~ x + (1 | a) + (1 | b)", pd.read_csv(DATA / "crossed_counts.csv"))
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    rows, layout = make_factor(model, "blocked")
    given = products_factor(products_of(model), model.terms, layout, "blocked")
    assert isinstance(given.later, ClassBlock) and isinstance(rows.later, ClassBlock)
    theta = np.array([0.9, 0.4])
    assert given.objective(theta, True) == pytest.approx(rows.objective(theta, True), rel=1e-12)


@pytest.mark.parametrize("kind", ["dense", "blocked"])
def test_a_wrong_pair_count_is_caught(kind):
    """The comparison above can fail: one pair's count off by one changes the criterion."""
    model = mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)", load_dataset("Penicillin"))
    rows, layout = make_factor(model, kind)
    pr = products_of(model)
    pr.cross[(1, 0)].data[5] += 1.0
    given = products_factor(pr, model.terms, layout, kind)
    theta = layout.start()
    a, b = rows.objective(theta, True), given.objective(theta, True)
    assert abs(b - a) > 1e-6 * abs(a)
