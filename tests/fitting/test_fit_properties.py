"""Property tests: on random data and random θ the blocked factor (with vector-valued
and crossed terms in any position) computes the same criterion and solution as the
dense one, and both match the definition written with explicit matrices."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixeq
from mixeq.fitting.engine import make_factor

FORMULAS = [
    "y ~ x + (1 | g)",
    "y ~ x + (1 + x | g)",
    "y ~ x + (1 | g) + (1 | h)",
    "y ~ x + (1 + x | g) + (1 | h)",
    "y ~ x + (1 | g) + (1 + x | h)",
    "y ~ x + (1 + x | g) + (0 + z | h) + (1 | h)",
    "y ~ x * z + (1 + x + z | g)",
    "y ~ x + (1 | h/g)",                       # nested: the later block stays block-diagonal
    "y ~ x + (1 + x | g:h) + (1 + x | h)",
]


def _data(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 9, n)
    h = rng.integers(0, 5, n)
    x = rng.normal(size=n)
    z = rng.normal(size=n)
    y = 1 + 0.5 * x + rng.normal(size=9)[g] + rng.normal(size=5)[h] + x * rng.normal(size=9)[g] \
        + rng.normal(size=n)
    return pd.DataFrame({"y": y, "x": x, "z": z, "g": [f"g{v}" for v in g], "h": [f"h{v}" for v in h]})


def _brute_force(model, theta, reml):
    """The criterion from its definition (Bates et al. 2015 eqs. 34, 41)."""
    from mixeq.fitting.theta import ThetaLayout
    import scipy.linalg as sl

    layout = ThetaLayout.from_terms(model.terms)
    lam = sl.block_diag(*[np.kron(np.eye(t.nlevels), l) for t, l in zip(model.terms, layout.lambdas(theta))])
    Z, X, y = model.Z.toarray(), model.X.to_numpy(), model.y.to_numpy()
    n, p = X.shape
    ZL = Z @ lam
    A = np.block([[ZL.T @ ZL + np.eye(ZL.shape[1]), ZL.T @ X], [X.T @ ZL, X.T @ X]])
    sol = np.linalg.solve(A, np.concatenate([ZL.T @ y, X.T @ y]))
    u, beta = sol[:ZL.shape[1]], sol[ZL.shape[1]:]
    r2 = np.sum((y - ZL @ u - X @ beta) ** 2) + u @ u
    ld_l = np.linalg.slogdet(ZL.T @ ZL + np.eye(ZL.shape[1]))[1]
    if reml:
        ld_x = np.linalg.slogdet(A)[1] - ld_l
        return ld_l + ld_x + (n - p) * (1 + np.log(2 * np.pi * r2 / (n - p))), beta
    return ld_l + n * (1 + np.log(2 * np.pi * r2 / n)), beta


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formula=st.sampled_from(FORMULAS), seed=st.integers(0, 10_000), n=st.integers(100, 160),
       raw=st.lists(st.floats(-1.5, 1.5), min_size=10, max_size=10), reml=st.booleans())
def test_blocked_dense_and_definition_agree(formula, seed, n, raw, reml):
    model = mixeq.Model(formula, _data(seed, n))
    dense, layout = make_factor(model, "dense")
    blocked, _ = make_factor(model, "blocked")
    theta = np.array(raw[:layout.size])
    theta[layout.diagonal] = np.abs(theta[layout.diagonal]) + 0.05
    expected, beta = _brute_force(model, theta, reml)
    assert blocked.objective(theta, reml) == pytest.approx(expected, rel=1e-9)
    assert dense.objective(theta, reml) == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(blocked.factorization(theta).beta, beta, rtol=1e-7, atol=1e-9)
    for cb, cd in zip(blocked.condvar_u(theta), dense.condvar_u(theta)):
        np.testing.assert_allclose(cb, cd, rtol=1e-7, atol=1e-10)


@settings(max_examples=8, deadline=None)
@given(formula=st.sampled_from(FORMULAS[:5]), seed=st.integers(0, 10_000))
def test_fit_is_a_minimum(formula, seed):
    """No θ near the optimum has a lower criterion; σ² and β solve their equations."""
    model = mixeq.Model(formula, _data(seed, 100))
    fit = model.fit()
    fac, layout = make_factor(model)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        trial = fit.theta + rng.normal(scale=1e-3, size=fit.theta.size)
        trial[layout.diagonal] = np.abs(trial[layout.diagonal])
        assert fac.objective(trial, True) >= fit.objective - 1e-7 * abs(fit.objective)
