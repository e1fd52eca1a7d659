"""Formula functions evaluate to what they say, offsets and cbind() responses are
evaluated, and the old misleading messages are gone (issue 8, sections 1 and 3)."""
import numpy as np
import pandas as pd
import pytest

import mixeq
from mixeq.errors import DataError, FitError, FormulaSyntaxError, UnknownColumnError


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    n = 60
    return pd.DataFrame({
        "y": rng.normal(size=n) + 10, "x": rng.uniform(0.5, 3, size=n),
        "t": rng.uniform(1, 4, size=n), "k": rng.integers(0, 5, size=n),
        "n": np.full(n, 5), "g": np.repeat(list("abcdef"), 10),
        "f": np.tile(list("pqr"), 20), "my.var": rng.uniform(1, 2, size=n),
    })


@pytest.mark.parametrize("term, numpy", [
    ("log(x)", np.log), ("log2(x)", np.log2), ("log10(x)", np.log10),
    ("log1p(x)", np.log1p), ("exp(x)", np.exp), ("expm1(x)", np.expm1),
    ("sqrt(x)", np.sqrt), ("abs(x - 2)", lambda v: np.abs(v - 2)),
    ("I(x ** 2)", lambda v: v ** 2), ("I(x^2)", lambda v: v ** 2),
    ("I(x + 1e-3)", lambda v: v + 0.001), ("np.log(x)", np.log),
])
def test_functions_compute_what_they_name(data, term, numpy):
    model = mixeq.Model(f"y ~ {term} + (1 | g)", data)
    np.testing.assert_allclose(model.X.iloc[:, 1], numpy(data.x), rtol=1e-12)


def test_scale_center_and_dotted_names(data):
    model = mixeq.Model("y ~ center(x) + log(my.var) + (1 | g)", data)
    assert list(model.X.columns) == ["(Intercept)", "center(x)", "log(my.var)"]
    np.testing.assert_allclose(model.X["center(x)"], data.x - data.x.mean(), atol=1e-12)
    np.testing.assert_allclose(model.X["log(my.var)"], np.log(data["my.var"]), rtol=1e-12)


def test_contrasts_by_name(data):
    model = mixeq.Model("y ~ C(f, sum) + (1 | g)", data)
    block = model.X.iloc[:, 1:].to_numpy()
    # R's contr.sum: the last level is coded -1 in every column
    assert (block[data.f.to_numpy() == "r"] == -1).all()
    assert block.shape[1] == 2
    treat = mixeq.Model("y ~ factor(f) + (1 | g)", data)
    assert list(treat.X.columns) == ["(Intercept)", "factor(f)q", "factor(f)r"]


def test_offset_is_recorded_and_evaluated(data):
    model = mixeq.Model("y ~ x + offset(log(t)) + offset(x) + (1 | g)", data)
    assert model.spec.offsets == ("log(t)", "x")
    assert list(model.X.columns) == ["(Intercept)", "x"]    # not a column of X
    np.testing.assert_allclose(model.offset, np.log(data.t) + data.x, rtol=1e-12)
    assert mixeq.Model("y ~ x + (1 | g)", data).offset is None
    # the LMM with an offset is the LMM of y − offset (issue 10: offsets in every fit)
    fit = model.fit()
    moved = mixeq.fit("I(y - log(t) - x) ~ x + (1 | g)", data)
    np.testing.assert_allclose(fit.fixef.to_numpy(), moved.fixef.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(fit.fitted - model.offset, moved.fitted, rtol=1e-8)


def test_offset_with_missing_values_is_an_error(data):
    # issue 10's bad input: a row without its offset cannot be fitted (not silently dropped)
    data.loc[3, "t"] = np.nan
    with pytest.raises(DataError, match="offset 'log\\(t\\)' has 1 missing value.*'t'"):
        mixeq.Model("y ~ x + offset(log(t)) + (1 | g)", data)


def test_offset_with_a_number_outside_its_functions(data):
    """offset(2 * log(t)) reads t: a number at the top of an offset is arithmetic, not
    a formula term (its columns are found as those of offset(…), the spec's own word)."""
    model = mixeq.Model("y ~ x + offset(2 * log(t)) + offset(x * 0.5) + (1 | g)", data)
    np.testing.assert_allclose(model.offset, 2 * np.log(data.t) + 0.5 * data.x, rtol=1e-12)
    data.loc[3, "t"] = np.nan
    with pytest.raises(DataError, match="offset '2 \\* log\\(t\\)' has 1 missing value.*'t'"):
        mixeq.Model("y ~ x + offset(2 * log(t)) + (1 | g)", data)


def test_cbind_response_is_evaluated_then_refused(data):
    # without family="binomial"; with it, see tests/fitting/test_glmm_forms.py
    with pytest.raises(DataError, match=r"cbind\(k, n - k\)' is a binomial.*family='binomial'"):
        mixeq.Model("cbind(k, n - k) ~ x + (1 | g)", data)
    with pytest.raises(UnknownColumnError, match="unknown column 'm'"):
        mixeq.Model("cbind(k, m - k) ~ x + (1 | g)", data)   # its columns are checked first


@pytest.mark.parametrize("formula, words", [
    ("y ~ sqrt(xx) + (1 | g)", "unknown column 'xx'"),       # the column, not 'sqrt'
    ("y ~ offset(tt) + (1 | g)", "unknown column 'tt'"),     # not 'offset'
    ("log(yy) ~ x + (1 | g)", "unknown column 'yy'"),
    ("y ~ x + (1 | gg)", "unknown column 'gg'"),
])
def test_unknown_column_names_the_column(data, formula, words):
    with pytest.raises(UnknownColumnError, match=words):
        mixeq.Model(formula, data)


def test_numbers_are_not_columns(data):
    for formula in ("y ~ x + 1e-3 + (1 | g)", "y ~ x + 1e12 + (1 | g)"):
        with pytest.raises(FormulaSyntaxError, match="is not a model term") as info:
            mixeq.fit(formula, data)
        assert "unknown column" not in str(info.value)
        assert "reproduce the response" not in str(info.value)


def test_backticks_and_non_ascii_names(data):
    data = data.rename(columns={"g": "my school", "x": "Größe", "y": "ÿ"})
    fit = mixeq.fit("ÿ ~ Größe + (1 | `my school`)", data)
    plain = mixeq.fit("y ~ x + (1 | g)", data.set_axis(
        ["y", "x", "t", "k", "n", "g", "f", "my.var"], axis=1))
    assert list(fit.fixef.index) == ["(Intercept)", "Größe"]
    np.testing.assert_allclose(fit.fixef.to_numpy(), plain.fixef.to_numpy(), rtol=1e-10)
    assert list(fit.model.groups) == ["my school"]


def test_braces_are_refused_with_the_fix(data):
    with pytest.raises(FormulaSyntaxError, match=r"braces.*I\(x \+ 1\)") as info:
        mixeq.Model("y ~ {x + 1} + (1 | g)", data)
    assert info.value.position == 4


def test_type3_anova_evaluates_terms_with_the_vocabulary(data):
    """lmerTest's type III contrasts rebuild each term's cells: with the formula's
    functions and the caller's transforms, equal to the same model on computed columns."""
    import warnings

    logit = lambda p: np.log(p / (1 - p))  # noqa: E731 - a user's function
    data = data.assign(sx=np.sqrt(data.x), lx=logit(data.x / 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = mixeq.anova(mixeq.fit("y ~ sqrt(x) * f + (1 | g)", data), type=3)
        plain = mixeq.anova(mixeq.fit("y ~ sx * f + (1 | g)", data), type=3)
        np.testing.assert_allclose(ours.to_numpy(float), plain.to_numpy(float), rtol=1e-6)
        user = mixeq.anova(mixeq.fit("y ~ logit(x / 3) * f + (1 | g)", data,
                                     transforms={"logit": logit}), type=3)
        plain = mixeq.anova(mixeq.fit("y ~ lx * f + (1 | g)", data), type=3)
        np.testing.assert_allclose(user.to_numpy(float), plain.to_numpy(float), rtol=1e-6)
