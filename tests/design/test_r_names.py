"""Column names and model matrices equal to lme4's where R names and codes columns its
own way: a logical inside I() is a factor (``I(Days > 5)TRUE``; in an interaction with a
factor, one column per FALSE/TRUE × level, as R's coding rule gives), a factor of an
interaction without its margins is coded by indicators as R codes it, and contrasts named
in C() keep the name as written, numbered as R numbers them (``C(f, sum)1``)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from design.r_names import models, sleep_names
from mixeq.design.logical import r_coding

LOGICAL = models(contrasts=False)
CONTRASTS = models(contrasts=True)


def _model(formula):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = mixeq.Model(formula, sleep_names())
    return m, [str(w.message) for w in caught]


@pytest.mark.parametrize("ref", LOGICAL, ids=[r["formula"] for r in LOGICAL])
def test_logical_and_interaction_columns_equal_lme4(ref):
    m, messages = _model(ref["formula"])
    assert list(m.X.columns) == ref["X_columns"]
    np.testing.assert_allclose(m.X.to_numpy(), np.column_stack(ref["X"]), rtol=0, atol=1e-12)
    # lme4 drops the aliased columns of R's rank-deficient coding, and says so; so does mixeq
    deficient = any("rank deficient" in n for n in ref["notes"])
    assert any("rank deficient" in w for w in messages) == deficient
    assert [list(t.columns) for t in m.terms] == ref["Z_term_columns"]


@pytest.mark.parametrize("ref", CONTRASTS, ids=[r["formula"] for r in CONTRASTS])
def test_named_contrast_columns_equal_lme4(ref):
    """C(f, sum) → C(f, sum)1, C(f, contr.treatment) → C(f, contr.treatment)2 …: the
    contrast as written, the columns named or numbered as R's contrasts() names them."""
    m, _ = _model(ref["formula"])
    assert list(m.X.columns) == ref["X_columns"]
    np.testing.assert_allclose(m.X.to_numpy(), np.column_stack(ref["X"]), rtol=0, atol=1e-12)
    assert [list(t.columns) for t in m.terms] == ref["Z_term_columns"]


@pytest.mark.parametrize("written, first", [
    ("Sum", "C(f, Sum)1"), ("Helmert", "C(f, Helmert)1"), ("Treatment", "C(f, Treatment)b"),
    ("'sum'", "C(f, sum)1"), ("contrasts = sum", "C(f, contrasts=sum)1"),
    ("diff", "C(f, diff)b"), ("contr.diff", "C(f, contr.diff)b"),
    ("contr.treatment('b')", "C(f, contr.treatment('b'))a")])
def test_formulaic_spellings_keep_the_written_name(written, first):
    """Spellings R does not have (formulaic's capitals, diff, a base level) are coded as
    the bare name would be; a quoted name reads as the name."""
    m, _ = _model(f"Reaction ~ C(f, {written}) + (1 | Subject)")
    assert m.X.columns[1] == first


def test_a_column_named_like_a_contrast_does_not_shadow_it():
    data = sleep_names()
    data["sum"] = 1.0 + np.arange(len(data)) % 4
    m = mixeq.Model("Reaction ~ C(f, sum) + C(h, poly) + sum + poly(Days, 2) + (1 | Subject)",
                    data)
    assert list(m.X.columns) == ["(Intercept)", "C(f, sum)1", "C(f, sum)2", "C(h, poly).L",
                                 "sum", "poly(Days, 2)1", "poly(Days, 2)2"]
    np.testing.assert_array_equal(m.X["C(f, sum)1"].to_numpy()[:3], [1, 0, -1])
    np.testing.assert_array_equal(m.X["sum"], data["sum"])


def test_errors_name_the_contrast_as_written():
    with pytest.raises(mixeq.MixeqError) as caught:
        mixeq.Model("Reaction ~ C(f, sum) + scale(h) + (1 | Subject)", sleep_names())
    assert "C(f, sum)" in str(caught.value) and "'sum'" not in str(caught.value)


def test_a_logical_column_in_the_data_and_in_I_are_coded_alike():
    data = sleep_names()
    data["late"] = data["Days"] > 5
    with pytest.warns(mixeq.MixeqWarning, match="rank deficient"):   # as lme4: TRUE:fc
        by_column = mixeq.Model("Reaction ~ late:f + (1 | Subject)", data)
    with pytest.warns(mixeq.MixeqWarning, match="rank deficient"):
        by_call = mixeq.Model("Reaction ~ I(Days > 5):f + (1 | Subject)", data)
    np.testing.assert_array_equal(by_column.X.to_numpy(), by_call.X.to_numpy())
    assert [c.replace("late", "I(Days > 5)") for c in by_column.X.columns] == \
        list(by_call.X.columns)


def test_a_logical_that_is_always_true_is_an_aliased_column_as_in_lme4():
    with pytest.warns(mixeq.MixeqWarning, match=r"dropping 1 column: I\(Days > -1\)TRUE"):
        m = mixeq.Model("Reaction ~ Days + I(Days > -1) + (1 | Subject)", sleep_names())
    assert list(m.X.columns) == ["(Intercept)", "Days"]


def test_predictions_rebuild_the_logical_factor_on_new_data():
    data = sleep_names()
    fit = mixeq.fit("Reaction ~ I(Days > 5) * f + (1 | Subject)", data)
    np.testing.assert_allclose(fit.predict(data.iloc[::7]), fit.fitted[::7], rtol=1e-10)
    only_early = data[data.Days < 3]        # every row FALSE: still both levels known
    np.testing.assert_allclose(fit.predict(only_early), fit.fitted[data.Days < 3], rtol=1e-10)


@pytest.mark.parametrize("column", ["f", "h"])
def test_a_new_level_of_a_coded_factor_is_still_refused(column):
    """The unseen-level check reads C(f, sum) and factor(h) as their columns (and skips
    only computed factors such as I(Days > 5)): a planted new level is caught."""
    fit = mixeq.fit("Reaction ~ C(f, sum) + factor(h) + I(Days > 5) + (1 | Subject)",
                    sleep_names())
    new = sleep_names().head(4)
    new.loc[0, column] = "z"
    with pytest.raises(mixeq.MixeqError, match=f"column '{column}' has level\\(s\\) 'z'"):
        fit.predict(new)


def test_response_and_offset_read_a_logical_as_numbers_as_in_r():
    data = sleep_names()
    m = mixeq.Model("Reaction ~ Days + offset(I(Days > 5)) + (1 | Subject)", data)
    np.testing.assert_array_equal(m.offset, (data.Days > 5).astype(float))
    b = mixeq.Model("I(Reaction > 300) ~ Days + (1 | Subject)", data)
    np.testing.assert_array_equal(b.y, (data.Reaction > 300).astype(float))


@pytest.mark.parametrize("terms, intercept, want", [
    ([[("f", True)]], True, [{"f": True}]),                                  # f: contrasts
    ([[("f", True), ("h", True)]], True, [{"f": False, "h": False}]),        # f:h: indicators
    ([[("f", True)], [("f", True), ("h", True)]], True,                      # f + f:h
     [{"f": True}, {"f": False, "h": True}]),
    ([[("x", False)], [("x", False), ("f", True)]], True, [{}, {"f": True}]),  # x + x:f
    ([[("x", False), ("f", True)]], False, [{"f": False}]),                  # 0 + x:f
    ([[("f", True)], [("h", True)]], False, [{"f": False}, {"h": True}]),    # 0 + f + h
    ([[("x", False)], [("h", True)], [("f", True)]], False, [{}, {"h": False}, {"f": True}]),
    ([[("x", False), ("f", True)], [("x", False), ("f", True), ("h", True)]], True,
     [{"f": False}, {"f": False, "h": True}]),                               # x:f + x:f:h
])
def test_r_coding_is_termcode(terms, intercept, want):
    """R's TermCode: the margin (term without the factor) within a term before → contrasts;
    without an intercept, the first factor by indicators. Planted: formulaic's own choice
    (contrasts for the first factor of f:h) and the exact-margin rule the remote compiler
    had (0 + f + h: indicators for h) are not R's."""
    assert r_coding(terms, intercept) == want
    assert r_coding([[("f", True), ("h", True)]], True) != [{"f": True, "h": False}]
    assert r_coding([[("f", True)], [("h", True)]], False) != [{"f": False}, {"h": False}]
