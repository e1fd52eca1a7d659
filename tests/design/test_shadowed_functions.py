"""A data column named like a function the formula calls does not hide the function.

R looks a called name up skipping objects that are not functions, so in lme4
``log(x)`` is the logarithm beside a column ``log``, and ``log + log(x)`` reads both.
formulaic looks names up in the data first; mixeq hands it columns so named under an
alias when the formula reads them, and leaves them out when it does not
(:mod:`mixeq.spec.aliases`): the fixed part, random-effects left sides, the response,
offsets and predictions on new data, with lme4's names and estimates."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from design.shadow import FUNCTION_COLUMNS, models, sleep_shadow

ALL = models()


@pytest.mark.parametrize("ref", ALL, ids=[r["formula"] for r in ALL])
def test_columns_named_like_functions_fit_as_lme4(ref):
    data = sleep_shadow()
    before = data.copy()
    m = mixeq.Model(ref["formula"], data)
    assert list(m.X.columns) == ref["X_columns"]
    assert [list(t.columns) for t in m.terms] == ref["Z_term_columns"]
    fit = m.fit()
    assert list(fit.fixef.index) == ref["X_columns"]
    np.testing.assert_allclose(fit.reml_criterion, ref["REMLcrit"], rtol=1e-9)
    scale = np.max(np.abs(ref["fixef"]))
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-5, atol=1e-7 * scale)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-5)
    # predict() rebuilds the model matrices (and the offset) on new rows, which hold the
    # same columns named like functions
    rows = data.iloc[np.asarray(ref["predict_rows"]) - 1].copy()
    rows_before = rows.copy()
    np.testing.assert_allclose(fit.predict(rows).to_numpy(), ref["predict"], rtol=1e-7)
    pd.testing.assert_frame_equal(rows, rows_before)
    pd.testing.assert_frame_equal(data, before)


def test_the_references_cover_every_place_a_formula_is_evaluated():
    formulas = [r["formula"] for r in ALL]
    assert "Reaction ~ log(Days + 1) + (1 | Subject)" in formulas              # column unused
    assert "Reaction ~ log + log(Days + 1) + (1 | Subject)" in formulas        # both
    assert any(f.startswith("log(Reaction) ~ log") for f in formulas)          # the response
    assert any("(log(Days + 1) | Subject)" in f for f in formulas)             # random side
    assert any("offset + offset(" in f for f in formulas)                      # offsets
    assert any("offset(10 * " in f for f in formulas)          # a number outside the calls
    called = {name for f in formulas for name in FUNCTION_COLUMNS if f"{name}(" in f}
    assert called == set(FUNCTION_COLUMNS)


def _brief_data() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"y": rng.normal(size=60), "x": rng.uniform(1, 2, 60),
                      "g": np.repeat(list("abcdef"), 10)})
    d["log"] = rng.normal(size=60)
    d["poly"] = rng.normal(size=60)
    return d


def _renamed(formula: str, data: pd.DataFrame, names: dict):
    """The same model with the columns named like functions renamed (lg, pl …)."""
    for old, new in names.items():
        formula = formula.replace(f"{old} +", f"{new} +").replace(f"+ {old} ", f"+ {new} ")
        formula = formula.replace(f"({old} |", f"({new} |").replace(f"+ {old})", f"+ {new})")
    return formula, data.rename(columns=names)


@pytest.mark.parametrize("formula, columns", [
    ("y ~ log(x) + (1 | g)", ["(Intercept)", "log(x)"]),
    ("y ~ log + log(x) + (1 | g)", ["(Intercept)", "log", "log(x)"]),
    ("y ~ poly(x, 2) + poly + (1 | g)", ["(Intercept)", "poly(x, 2)1", "poly(x, 2)2", "poly"]),
    ("y ~ x + (1 + log + log(x) | g)", ["(Intercept)", "x"]),
    ("log(x) ~ log + poly(y, 2) + (1 | g)", ["(Intercept)", "log", "poly(y, 2)1", "poly(y, 2)2"]),
    ("y ~ log + offset(log(x)) + (1 | g)", ["(Intercept)", "log"]),
])
def test_the_same_model_as_with_the_columns_renamed(formula, columns):
    """Each model equals the one whose columns do not collide (log → lg, poly → pl):
    the same X, response, offset, deviance and predictions."""
    data = _brief_data()
    before = data.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (1 + log + log(x) | g): a singular fit
        fit = mixeq.fit(formula, data)
        plain = mixeq.fit(*_renamed(formula, data, {"log": "lg", "poly": "pl"}))
    assert list(fit.fixef.index) == columns
    assert list(plain.fixef.index) == [c.replace("log", "lg", 1) if c == "log" else
                                       c.replace("poly", "pl") if c == "poly" else c
                                       for c in columns]
    np.testing.assert_array_equal(fit.model.X.to_numpy(), plain.model.X.to_numpy())
    np.testing.assert_array_equal(fit.model.y.to_numpy(), plain.model.y.to_numpy())
    for ours, theirs in zip(fit.model.terms, plain.model.terms):
        np.testing.assert_array_equal(ours.matrix, theirs.matrix)
    assert [list(t.columns) for t in fit.model.terms] == \
        [[c.replace("lg", "log") for c in t.columns] for t in plain.model.terms]
    np.testing.assert_allclose(fit.reml_criterion, plain.reml_criterion, rtol=1e-12)
    new = data.iloc[[0, 13, 59]].copy()
    np.testing.assert_allclose(fit.predict(new).to_numpy(),
                               plain.predict(new.rename(columns={"log": "lg", "poly": "pl"})
                                             ).to_numpy(), rtol=1e-10)
    pd.testing.assert_frame_equal(data, before)


def test_a_binomial_response_beside_columns_named_cbind_and_log():
    data = _brief_data()
    rng = np.random.default_rng(2)
    data["n"] = rng.integers(3, 8, 60)
    data["k"] = rng.binomial(data["n"], 0.4)
    data["cbind"] = rng.normal(size=60)
    before = data.copy()
    fit = mixeq.fit("cbind(k, n - k) ~ log + log(x) + (1 | g)", data, family="binomial")
    plain = mixeq.fit("cbind(k, n - k) ~ lg + log(x) + (1 | g)",
                      data.drop(columns="cbind").rename(columns={"log": "lg"}),
                      family="binomial")
    assert list(fit.fixef.index) == ["(Intercept)", "log", "log(x)"]
    np.testing.assert_allclose(fit.deviance, plain.deviance, rtol=1e-12)
    pd.testing.assert_frame_equal(data, before)


def test_transforms_and_numpy_spellings_are_not_hidden_either():
    data = _brief_data()
    data["logit"] = np.arange(60) % 7
    data["np"] = np.arange(60) % 5
    before = data.copy()
    transforms = {"logit": lambda v: np.log(v / (3 - v))}
    m = mixeq.Model("y ~ logit(x) + logit + np.log(x) + np + (1 | g)", data,
                    transforms=transforms)
    assert list(m.X.columns) == ["(Intercept)", "logit(x)", "logit", "np.log(x)", "np"]
    x = data["x"].to_numpy()
    np.testing.assert_allclose(m.X.to_numpy()[:, 1:],
                               np.column_stack([np.log(x / (3 - x)), np.arange(60) % 7, np.log(x),
                                                np.arange(60) % 5]))
    pd.testing.assert_frame_equal(data, before)


def test_equations_name_the_column_and_the_function_apart():
    """The column ``log`` is a variable and ``log(x)`` the logarithm in the equations,
    and verify() rebuilds X (both columns) from them."""
    m = mixeq.Model("y ~ log + log(x) + (1 + log | g)", _brief_data())
    latex = str(m.equations())
    assert r"{\operatorname{log}}_{ij}" in latex and r"\log\left(x_{ij}\right)" in latex
    proof = m.verify()
    assert proof.ok, str(proof)


def test_type3_anova_builds_its_cell_matrices_beside_the_columns():
    """The inference's term contrasts rebuild each term on the data (formulaic again):
    the F tests equal those of the model whose columns do not collide."""
    from mixeq.inference.anova3 import term_anova

    data = sleep_shadow()
    fit = mixeq.fit("Reaction ~ log + log(Days + 1) + C(f, sum) + C + (1 | Subject)", data)
    plain = mixeq.fit("Reaction ~ lg + log(Days + 1) + C(f, sum) + cc + (1 | Subject)",
                      data.drop(columns=["I"]).rename(columns={"log": "lg", "C": "cc"}))
    ours, theirs = term_anova(fit, 3), term_anova(plain, 3)
    assert list(ours.index) == ["log", "log(Days + 1)", "C(f, sum)", "C"]
    np.testing.assert_allclose(ours.to_numpy(dtype=float), theirs.to_numpy(dtype=float),
                               rtol=1e-8)
