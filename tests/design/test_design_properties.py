"""Property tests of the design on generated data."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import mixeq


@st.composite
def frames(draw):
    n = draw(st.integers(30, 60))
    ng = draw(st.integers(2, 5))
    nh = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    g = np.arange(n) % ng  # every level used
    rng.shuffle(g)
    return pd.DataFrame({
        "y": rng.normal(size=n), "x": rng.normal(size=n), "z": rng.normal(size=n),
        "g": np.array([f"g{v}" for v in g]),
        "h": rng.integers(0, nh, size=n).astype(str),
    })


LHS = ["1", "x", "0 + x", "1 + x + z", "0 + h"]


@settings(max_examples=40, deadline=None)
@given(frames(), st.sampled_from(LHS))
def test_Z_is_indicator_khatri_rao_term_matrix(df, lhs):
    m = mixeq.Model(f"y ~ x + ({lhs} | g)", df)
    term = m.terms[0]
    dense = np.zeros((len(df), term.nlevels * term.ncols))
    for i in range(len(df)):
        c = term.codes[i]
        dense[i, c * term.ncols:(c + 1) * term.ncols] = term.matrix[i]
    np.testing.assert_array_equal(m.Z.toarray(), dense)
    assert term.levels == sorted(df["g"].unique())
    assert [term.levels[c] for c in term.codes] == list(df["g"])


@settings(max_examples=40, deadline=None)
@given(frames())
def test_X_matches_the_formula_and_y_the_response(df):
    m = mixeq.Model("y ~ x * z + (1 | g)", df)
    expected = np.column_stack([np.ones(len(df)), df.x, df.z, df.x * df.z])
    np.testing.assert_allclose(m.X.to_numpy(), expected)
    np.testing.assert_array_equal(m.y.to_numpy(), df.y.to_numpy())


@settings(max_examples=30, deadline=None)
@given(frames())
def test_crossed_terms_stack_in_lme4_order(df):
    m = mixeq.Model("y ~ x + (1 | h) + (1 | g)", df)
    nl = [t.nlevels for t in m.terms]
    assert nl == sorted(nl, reverse=True)
    assert m.Z.shape[1] == sum(nl)
    assert np.all(np.asarray(m.Z.sum(axis=1)).ravel() == 2)  # one indicator per factor
