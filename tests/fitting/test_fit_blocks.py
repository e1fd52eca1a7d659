"""The blocked factor's block kinds (later.py) and their rank updates
(rankupdate.py): each design gets the kind its structure allows, every kind gives
the brute-force criterion (the property tests' definition), every factor declares
the Factor interface, and a pair of kinds without a method is refused."""
from __future__ import annotations

import numpy as np
import pytest

import mixeq
from mixeq.fitting.blocked import BlockedFactor
from mixeq.fitting.dense import DenseFactor
from mixeq.fitting.engine import make_factor
from mixeq.fitting.interface import Factor
from mixeq.fitting.later import DenseBlock, NestedBlock, PatternBlock
from mixeq.fitting.oneterm import OneTermFactor
from mixeq.fitting.rankupdate import rank_update
from mixeq.fitting.xyblocks import DenseCross

from fitting.test_fit_properties import _brute_force, _data

KINDS = [
    ("y ~ x + (1 | h/g)", NestedBlock),
    ("y ~ x + (1 | g) + (1 | h)", PatternBlock),
    ("y ~ x + (1 + x | g) + (1 | h)", PatternBlock),
    ("y ~ x + (1 | g) + (1 + x | h)", DenseBlock),
    ("y ~ x + (1 | g)", type(None)),
]


@pytest.mark.parametrize("formula,kind", KINDS)
def test_each_design_gets_its_kind_and_the_definition(formula, kind):
    model = mixeq.Model(formula, _data(3, 300))
    fac, layout = make_factor(model, "blocked")
    assert type(fac.later) is kind
    X, y = model.X.to_numpy(dtype=float), model.y.to_numpy(dtype=float)
    general = BlockedFactor(X, y, list(model.terms), layout)
    assert type(general.later) is kind
    rng = np.random.default_rng(5)
    for _ in range(3):
        theta = np.abs(rng.normal(size=layout.size)) + 0.1
        for reml in (True, False):
            expected, beta = _brute_force(model, theta, reml)
            assert fac.objective(theta, reml) == pytest.approx(expected, rel=1e-9)
            assert general.objective(theta, reml) == pytest.approx(expected, rel=1e-9)
        np.testing.assert_allclose(general.factorization(theta).beta, beta, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("formula", ["y ~ x + (1 | g) + (1 | h)", "y ~ x + (1 + x | g) + (1 + x | h)",
                                     "y ~ x + (1 | h/g)"])
@pytest.mark.parametrize("dense_cross", [True, False])
def test_a_reweighted_factor_is_the_factor_of_the_weighted_rows(formula, dense_cross, monkeypatch):
    """The GLMM's factor: ``reweight(w, F)`` gives what the LMM factor of the rows
    scaled by √w gives (weighted least squares), with a dense later block and no
    operator built from the products' values (they change at every PIRLS step)."""
    import mixeq.fitting.blocked as blocked
    from dataclasses import replace

    if not dense_cross:
        monkeypatch.setattr(blocked, "MAX_DENSE_CROSS", 0)
    model = mixeq.Model(formula, _data(4, 300))
    _, layout = make_factor(model, "blocked")
    X, y = model.X.to_numpy(dtype=float), model.y.to_numpy(dtype=float)
    terms = list(model.terms)
    fac = BlockedFactor(X, np.zeros_like(y), terms, layout, reweightable=True)
    assert type(fac.later) is DenseBlock and isinstance(fac.cross, DenseCross) == dense_cross
    w = np.random.default_rng(2).uniform(0.2, 3.0, size=y.size)
    fac.reweight(w, np.column_stack([X, y]))
    s = np.sqrt(w)
    scaled = BlockedFactor(X * s[:, None], y * s, [replace(t, matrix=t.matrix * s[:, None]) for t in terms],
                           layout)
    theta = np.full(layout.size, 0.7)
    theta[~np.asarray(layout.diagonal)] = 0.2
    assert fac.objective(theta, True) == pytest.approx(scaled.objective(theta, True), rel=1e-10)
    a, b = fac.factorization(theta), scaled.factorization(theta)
    np.testing.assert_allclose(a.beta, b.beta, rtol=1e-8)
    for ua, ub in zip(a.u, b.u):
        np.testing.assert_allclose(ua, ub, rtol=1e-7, atol=1e-9)
    for ca, cb in zip(fac.condvar_u(theta), scaled.condvar_u(theta)):
        np.testing.assert_allclose(ca, cb, rtol=1e-8, atol=1e-12)
    fac.reweight(w, y[:, None] * s[:, None])     # β held fixed: F is the response alone
    assert fac.p == 0 and fac.factorization(theta).beta.size == 0


@pytest.mark.parametrize("formula,factor,cls", [
    ("y ~ x + (1 | g)", "blocked", OneTermFactor), ("y ~ x + (1 | g) + (1 | h)", "blocked", BlockedFactor),
    ("y ~ x + (1 | g) + (1 | h)", "dense", DenseFactor)])
def test_every_factor_declares_the_interface(formula, factor, cls):
    fac, layout = make_factor(mixeq.Model(formula, _data(3, 300)), factor)
    assert type(fac) is cls and isinstance(fac, Factor)
    theta = layout.start()
    assert fac.criterion(True)(theta) == fac.objective(theta, True)


def test_a_pair_of_kinds_without_a_method_is_refused():
    model = mixeq.Model("y ~ x + (1 | h/g)", _data(3, 300))
    fac, _ = make_factor(model, "blocked")
    with pytest.raises(TypeError, match="no rank update of a NestedBlock by a XyBlock"):
        rank_update(fac.xy, fac.later, None)
