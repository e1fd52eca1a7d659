"""Columns of calls with arithmetic inside are named as R's deparse writes the call, as
lme4 names them: ``exp(Days/10)``, ``log(Days + 1)``, ``I(-(Days + 1)^2)``,
``I(Days * 0.001)`` (tests/data/names/deparse_lme4.json, made by
tools/make_deparse_references.R with lme4 1.1-31)."""
from __future__ import annotations

import warnings

import pytest

import mixeq
from design.r_names import deparse_models, sleepstudy
from mixeq.design.deparse import r_deparse, r_number
from mixeq.design.names import r_column_name

MODELS = deparse_models()


@pytest.mark.parametrize("ref", MODELS, ids=[r["formula"] for r in MODELS])
def test_columns_of_arithmetic_in_calls_are_named_as_lme4(ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model(ref["formula"], sleepstudy())
    assert list(m.X.columns) == ref["X_columns"]
    assert [list(t.columns) for t in m.terms] == ref["Z_term_columns"]


def test_the_reference_covers_the_spacing_rules():
    names = {n for r in MODELS for n in r["X_columns"] + sum(r["Z_term_columns"], [])}
    assert {"exp(Days/10)", "I(Days * 0.001)", "I(Days * 1e+05)", "I(Days^2 * 1e-05)",
            "I((Days + 1)^-0.5)", "I(-(Days + 1)^2)", "log(Days + 1):sqrt(Days + 1)",
            "exp(-Days/5)", "I(Days/10)", "poly(Days, 2)1", "I(Days > 2)TRUE"} <= names
    assert len(MODELS) >= 20


# R 4.2.2: deparse(quote(x * <number>)) and print(<number>) write these (checked with Rscript)
@pytest.mark.parametrize("value, r", [
    (1e-3, "0.001"), (2.50, "2.5"), (1e5, "1e+05"), (100000, "1e+05"), (1e-5, "1e-05"),
    (123456789, "123456789"), (1234567.0, "1234567"), (0.1, "0.1"), (2.0, "2"), (0, "0"),
    (1e100, "1e+100"), (0.5, "0.5"), (1 / 3, "0.333333333333333"), (True, "TRUE")])
def test_numbers_are_written_as_r_prints_them(value, r):
    assert r_number(value) == r


@pytest.mark.parametrize("formulaic, r", [
    ("exp(Days / 10)", "exp(Days/10)"), ("I(Days ** (-1) + 1)", "I(Days^-1 + 1)"),
    ("I(-Days ** 2)", "I(-Days^2)"), ("I((-Days) ** 2)", "I((-Days)^2)"),
    ("I(Days - (1 - Days))", "I(Days - (1 - Days))"), ("I((2 ** Days) ** 2)", "I((2^Days)^2)"),
    ("I(Days % 2)", "I(Days%%2)"), ("I(Days // 3)", "I(Days%/%3)"),
    ("log(`my.var` / 2)", "log(my.var/2)"), ("scale(Days, center=False)",
                                              "scale(Days, center = FALSE)"),
    ("I(Days > 2.0)[T.True]", "I(Days > 2)True"), ("f[T.b]:I(Days / 2)", "fb:I(Days/2)"),
    ("C(f, 'sum')[S.a]", "C(f, sum)a"), ("C(f, contrasts=sum)[S.a]", "C(f, contrasts=sum)a")])
def test_formulaic_names_are_respaced_as_r_deparses(formulaic, r):
    assert r_column_name(formulaic) == r


def test_what_r_deparse_is_not_known_for_is_left_alone():
    assert r_deparse("f('a')") is None and r_deparse("x[1]") is None
    assert r_column_name("g(x, 'a')") == "g(x, 'a')"
