"""verify() on stateful transforms (``poly(x, 2)``, ``scale(x)``, ``center(x)``): a
term calling one is rebuilt by materialising that term alone with the design's own
definition (mixeq/equations/proof_data.py: Evaluator.designed), never copied from
X — so every form is verified, and a wrong X or wrong symbols still fail. A stateful
call inside arithmetic (``I(scale(x)^2)``) is valued the same way."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from equations.test_verify import everywhere, failed, model
from mixeq.equations import verify
from mixeq.equations.proof import proof_options, render_for_proof
from mixeq.equations.proof_data import Evaluator
from mixeq.equations.proof_expr import NotArithmetic, expression_values
from mixeq.equations.render import symbolic_model
from mixeq.equations.tree import Call, Sym

X_CHECK = "columns of X rebuilt from the equations' symbols"
Z_CHECK = "columns of Z rebuilt from the equations' symbols"
ROWS_CHECK = "rows 1, 2, n_j of the matrix form equal every cluster's"

POLY = "Reaction ~ poly(Days, 2) + (1 | Subject)"
POLY_SLOPE = "Reaction ~ poly(Days, 2) + (poly(Days, 2) | Subject)"
NESTED = "Reaction ~ log(center(Days + 1) + 10) + (I(scale(Days)^2) | Subject)"
FORMULAS = [POLY, POLY_SLOPE, "Reaction ~ poly(Days + 1, 2) + (1 | Subject)",
            "Reaction ~ scale(Days) + (scale(Days) | Subject)",
            "Reaction ~ center(Days) + (1 | Subject)",
            "Reaction ~ scale(Days + 1) + (1 | Subject)",
            "Reaction ~ center(log(Days + 1)) + (1 | Subject)",
            NESTED]


def sleep(formula):
    return model(formula, "sleepstudy")


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_form_of_a_stateful_transform_is_verified(formula):
    report = verify(sleep(formula))
    assert report.ok, str(report)
    assert "on all 180 rows" in report.check(X_CHECK).detail


def test_poly_is_rebuilt_by_its_definition_not_copied():
    """R's poly(x, 2)'s first column is (x − x̄)/‖x − x̄‖; sleepstudy's Days is 0…9 in
    each of 18 subjects, so ‖x − x̄‖² = 18 · Σ(d − 4.5)² = 18 · 82.5."""
    m = sleep(POLY)
    ev = Evaluator(symbolic_model(m, **proof_options({})), m)
    first = ev.designed("poly(Days, 2)", "1")
    np.testing.assert_allclose(first, (m.data["Days"] - 4.5) / np.sqrt(18 * 82.5),
                               rtol=1e-12)
    second = ev.designed("poly(Days, 2)", "2")
    assert abs(first @ second) < 1e-12 and np.isclose(second @ second, 1.0)


def swapped_labels(base, a, b):
    def fn(n):
        if isinstance(n, Sym) and n.base == base and n.label in (a, b):
            return dataclasses.replace(n, label=b if n.label == a else a)
        return n
    return fn


@pytest.mark.parametrize("formula", [POLY, POLY_SLOPE])
def test_swapped_poly_columns_fail(formula):
    m = sleep(formula)
    broken = everywhere(render_for_proof(m), swapped_labels("poly(Days, 2)", "1", "2"))
    report = verify(m, rendering=broken)
    assert X_CHECK in failed(report)
    if formula == POLY_SLOPE:
        assert Z_CHECK in failed(report)


def test_a_poly_column_that_does_not_exist_fails():
    m = sleep(POLY)
    broken = everywhere(render_for_proof(m), swapped_labels("poly(Days, 2)", "2", "3"))
    report = verify(m, rendering=broken)
    assert X_CHECK in failed(report)
    assert "poly(Days, 2)3 is not a column of poly(Days, 2)" in report.check(X_CHECK).detail


@pytest.mark.parametrize("formula, column", [(POLY, "poly(Days, 2)2"),
                                             ("Reaction ~ scale(Days + 1) + (1 | Subject)",
                                              "scale(Days + 1)")])
def test_a_wrong_value_in_x_fails(formula, column):
    m = sleep(formula)
    m.design.X.loc[m.design.X.index[1], column] += 1e-3   # row 2 of cluster 1
    report = verify(m)
    assert X_CHECK in failed(report)
    assert ROWS_CHECK in failed(report)


def renamed(old, new):
    def fn(n):
        if isinstance(n, Sym) and n.base == old:
            return dataclasses.replace(n, base=new)
        if isinstance(n, Call) and n.name == old:
            return dataclasses.replace(n, name=new)
        return n
    return fn


@pytest.mark.parametrize("formula, old, new", [
    ("Reaction ~ scale(Days) + (scale(Days) | Subject)", "scale", "center"),
    ("Reaction ~ center(Days) + (1 | Subject)", "center", "scale"),
    ("Reaction ~ scale(Days + 1) + (1 | Subject)", "scale(Days + 1)", "center(Days + 1)"),
    ("Reaction ~ center(log(Days + 1)) + (1 | Subject)", "center(log(Days + 1))",
     "center(log(Days + 2))"),
    (NESTED, "I(scale(Days)^2)", "I(center(Days)^2)"),   # Z's column only
    (NESTED, "log(center(Days + 1) + 10)", "log(scale(Days + 1) + 10)"),
])
def test_scale_written_as_center_fails(formula, old, new):
    m = sleep(formula)
    report = verify(m, rendering=everywhere(render_for_proof(m), renamed(old, new)))
    assert (Z_CHECK if old.startswith("I(") else X_CHECK) in failed(report)


def test_a_stateful_call_inside_arithmetic_needs_the_design():
    """Without the design's definition (no ``stateful``), scale() inside arithmetic is
    refused, never guessed; with it, the call's text is what is materialised."""
    d = sleep(POLY).data
    with pytest.raises(NotArithmetic, match="scale"):
        expression_values("I(scale(Days)^2)", d)
    seen = []
    out = expression_values("I(scale(Days)^2)", d, lambda t: seen.append(t) or d["Days"] * 0 + 2)
    assert seen == ["scale(Days)"] and np.allclose(out, 4.0)


RAW = "Reaction ~ poly(Days, 2, raw = TRUE) + (poly(Days, 2, raw = TRUE) | Subject)"


@pytest.mark.parametrize("formula", [RAW, "Reaction ~ poly(Days, 2, raw=True) + (1 | Subject)"])
def test_raw_poly_is_verified_in_rs_spelling(formula):
    """The raw columns are named as lme4 names them, poly(Days, 2, raw = TRUE)1 and 2:
    the atom is R's spelling of the term, rebuilt with R's TRUE (design/context.py)."""
    m = sleep(formula)
    assert list(m.X.columns)[1:] == ["poly(Days, 2, raw = TRUE)1", "poly(Days, 2, raw = TRUE)2"]
    report = verify(m)
    assert report.ok, str(report)
    ev = Evaluator(symbolic_model(m, **proof_options({})), m)
    np.testing.assert_array_equal(ev.designed("poly(Days, 2, raw = TRUE)", "2"),
                                  m.data["Days"].to_numpy() ** 2)


def test_swapped_raw_poly_columns_fail():
    m = sleep(RAW)
    broken = everywhere(render_for_proof(m), swapped_labels("poly(Days, 2, raw = TRUE)", "1", "2"))
    report = verify(m, rendering=broken)
    assert X_CHECK in failed(report) and Z_CHECK in failed(report)
