"""Work the design build does once per formula text (formulaic's parse, the formula
check, the variables a formula reads) carries nothing from one data set to the next:
a second model of the same formula on other data has that data's matrices, levels and
errors, and the caller's frame is left as it was."""
import numpy as np
import pandas as pd
import pytest

import mixeq
from mixeq.errors import FormulaSyntaxError, UnknownColumnError


def _frame(levels, n=40, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "y": rng.normal(size=n),
        "x": rng.normal(size=n) + shift,
        "f": pd.Categorical([levels[i % len(levels)] for i in range(n)], categories=levels),
        "g": [f"g{i % 5}" for i in range(n)],
    })


def test_factor_columns_follow_each_data_set():
    a = mixeq.Model("y ~ f + (1 | g)", _frame(["a", "b", "c"]))
    b = mixeq.Model("y ~ f + (1 | g)", _frame(["p", "q", "r", "s"], seed=1))
    assert list(a.X.columns) == ["(Intercept)", "fb", "fc"]
    assert list(b.X.columns) == ["(Intercept)", "fq", "fr", "fs"]
    d = _frame(["p", "q", "r", "s"], seed=1)
    expected = np.column_stack([np.ones(len(d))] + [(d["f"] == v).to_numpy(float) for v in "qrs"])
    np.testing.assert_array_equal(b.X.to_numpy(), expected)


def test_stateful_transform_is_learnt_from_each_data_set():
    """scale(x) centres and scales by the data's own mean and SD, not the first model's."""
    first, second = _frame(["a", "b"]), _frame(["a", "b"], seed=3, shift=10.0)
    mixeq.Model("y ~ scale(x) + (1 | g)", first)
    m = mixeq.Model("y ~ scale(x) + (1 | g)", second)
    x = second["x"].to_numpy()
    np.testing.assert_allclose(m.X.iloc[:, 1].to_numpy(), (x - x.mean()) / x.std(ddof=1),
                               rtol=1e-12)


def test_unknown_column_and_bad_formula_raise_every_time():
    df = _frame(["a", "b"])
    for _ in range(2):
        with pytest.raises(UnknownColumnError, match="'w'"):
            mixeq.Model("y ~ w + (1 | g)", df)
        with pytest.raises(FormulaSyntaxError):
            mixeq.Model("y ~ x + (1 | g) + __import__('os')", df)
    other = df.rename(columns={"x": "w"})
    assert list(mixeq.Model("y ~ w + (1 | g)", other).X.columns) == ["(Intercept)", "w"]


def test_own_function_names_are_part_of_the_formula_meaning():
    """A name is a function only when passed in transforms= — for the same text too."""
    df = _frame(["a", "b"])
    m = mixeq.Model("y ~ twice(x) + (1 | g)", df, transforms={"twice": lambda v: 2 * v})
    np.testing.assert_allclose(m.X.iloc[:, 1].to_numpy(), 2 * df["x"].to_numpy())
    with pytest.raises(FormulaSyntaxError, match="twice"):
        mixeq.Model("y ~ twice(x) + (1 | g)", df)


def test_data_not_mutated_and_levels_found_later():
    df = _frame(["a", "b", "c"])
    df["m"] = np.repeat(np.arange(8.0), 5)  # constant within g? no: g cycles every 5 rows
    df["k"] = [float(i % 5) for i in range(len(df))]  # constant within g
    before = df.copy()
    m = mixeq.Model("y ~ x + k + m + (1 | g)", df)
    pd.testing.assert_frame_equal(df, before)
    assert m.levels["k"].group == "g" and m.levels["x"].group is None
    assert m.levels["m"].group is None


def test_a_name_set_on_one_models_columns_stays_there():
    """X's column labels are made once per set of names; each model gets its own Index."""
    a = mixeq.Model("y ~ f + (1 | g)", _frame(["a", "b", "c"]))
    b = mixeq.Model("y ~ f + (1 | g)", _frame(["a", "b", "c"], seed=2))
    a.X.columns.name = "term"
    assert b.X.columns.name is None and list(b.X.columns) == list(a.X.columns)
