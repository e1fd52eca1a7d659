"""The search for large crossed models (search.py, profile.py, start.py): profiling
out small trailing terms, the float32 first search, the start from terms fitted
alone and the level classes of P all reach the optimum plain BOBYQA reaches, and
each shortcut equals the criterion it stands for."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

import mixeq
from mixeq.fitting.criterion import small_pivots
from mixeq.fitting.engine import make_factor
from mixeq.fitting.profile import TailProfile


@lru_cache(maxsize=None)
def crossed_model(seed: int = 7) -> mixeq.Model:
    """a (900 levels) crossed with b (450) and c (4): the later block is dense, 454
    columns, with c small enough to be profiled out."""
    rng = np.random.default_rng(seed)
    n = 7000
    a, b, c = rng.integers(0, 900, n), rng.integers(0, 450, n), rng.integers(0, 4, n)
    x = rng.normal(size=n)
    y = (2 + 0.3 * x + 0.6 * rng.normal(size=900)[a] + 0.8 * rng.normal(size=450)[b]
         + 0.3 * rng.normal(size=4)[c] + rng.normal(size=n))
    df = pd.DataFrame({"y": y, "x": x, "a": [f"a{v}" for v in a], "b": [f"b{v}" for v in b],
                       "c": [f"c{v}" for v in c]})
    return mixeq.Model("y ~ x + (1 | a) + (1 | b) + (1 | c)", df)


def test_profiled_tail_equals_the_full_criterion():
    model = crossed_model()
    fac, layout = make_factor(model)
    profile = TailProfile.of(fac)
    assert profile is not None and [layout.names[i] for i in profile.tail_idx] == ["c.(Intercept)"]
    rng = np.random.default_rng(1)
    for reml in (True, False):
        for _ in range(3):
            theta = rng.uniform(0.05, 1.5, size=3)
            ld, S0 = profile.corner(theta[profile.outer_idx])
            profiled = profile.tail_criterion(ld, S0, theta[profile.tail_idx], reml)
            assert profiled == pytest.approx(fac.objective(theta, reml), rel=1e-10)
            # the float32 factor is close enough for a first search, not more
            single = fac.objective(theta, reml, single=True)
            assert single == pytest.approx(fac.objective(theta, reml), rel=1e-5)


def test_level_classes_equal_the_per_level_operator():
    """G depends on a level's count alone: grouping levels by count changes nothing."""
    fac, _ = make_factor(crossed_model())
    assert fac.later.classes is not None and fac.xy_cross.classes is fac.later.classes
    theta = np.array([0.7, 0.4, 0.2])
    with_classes = fac.objective(theta, True)
    fac.later.classes = fac.xy_cross.classes = None
    assert fac.objective(theta, True) == pytest.approx(with_classes, rel=1e-12)


def test_search_reaches_the_plain_bobyqa_optimum(monkeypatch):
    import mixeq.fitting.search as search

    monkeypatch.setattr(search, "SINGLE_MIN", 400)   # the float32 search too, on this small block
    model = crossed_model()
    fast = model.fit()
    plain = model.fit(profile=False, float32_search=False, start=[1.0, 1.0, 1.0])
    s = fast.optimizer_summary
    assert s.options["profiled"] == ["c.(Intercept)"]
    assert s.options["float32_evaluations"] > 0
    assert len(s.options["search_start"]) == 3
    np.testing.assert_array_equal(s.start, [1.0, 1.0, 1.0])      # lme4's nominal start
    assert "profiled" not in plain.optimizer_summary.options
    assert fast.objective <= plain.objective + 1e-9 * abs(plain.objective)
    np.testing.assert_allclose(fast.theta, plain.theta, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(fast.fixef, plain.fixef, rtol=1e-6)
    assert s.evaluations < plain.optimizer_summary.evaluations


def test_given_start_is_used_as_given():
    fit = crossed_model().fit(start=[0.5, 0.5, 0.5])
    assert fit.optimizer_summary.options["search_start"] == [0.5, 0.5, 0.5]


@pytest.mark.parametrize("f", [1, 2, 3, 4, 6])
def test_small_pivots_are_the_squared_cholesky_diagonal(f):
    rng = np.random.default_rng(f)
    A = rng.normal(size=(f, f))
    A = A @ A.T + 0.1 * np.eye(f)
    expected = np.diag(np.linalg.cholesky(A)) ** 2
    np.testing.assert_allclose(small_pivots(A.ravel().tolist(), f), expected, rtol=1e-12)
    A[-1, -1] = -1.0
    assert small_pivots(A.ravel().tolist(), f) is None
