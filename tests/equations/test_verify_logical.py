"""verify() on models with a logical term (``I(Days > 5)``, coded by R as a factor:
columns ``I(Days > 5)TRUE``, and FALSE/TRUE × levels in an interaction): the comparison
is read from the term's text as data (mixeq/equations/proof_expr.py, parsed with ast,
never run), every form is proved, and planted breaks of the comparison fail."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from equations.test_verify import everywhere, failed
from equations.verify_helpers import X_CHECK, Z_CHECK, quiet_model, relabel
from mixeq.equations import verify
from mixeq.equations.proof import render_for_proof
from mixeq.equations.proof_expr import (NotArithmetic, expression_result,
                                        expression_values, level_indicator)

FORMULA = "Reaction ~ Days + I(Days > 5) * f + (1 + I(Days > 5) | Subject)"
DEFICIENT = "Reaction ~ I(Days > 5):f + Days:I(Days >= 5) + I(Days != 3) + (1 | Subject)"


@pytest.fixture(scope="module")
def logical():
    return quiet_model(FORMULA)


def test_every_form_of_a_logical_term_is_proved(logical):
    assert list(logical.X.columns) == ["(Intercept)", "Days", "I(Days > 5)TRUE", "fb", "fc",
                                       "I(Days > 5)TRUE:fb", "I(Days > 5)TRUE:fc"]
    report = verify(logical)
    assert report.ok, str(report)
    assert "7 columns of X equal, by name (β) and value, on all 180 rows" in str(report)
    assert "36 columns of Z" in str(report)
    fit_report = verify(logical.fit())
    assert all(c.passed for c in fit_report.checks), str(fit_report)


def test_rank_deficient_interactions_and_every_comparison_are_proved():
    m = quiet_model(DEFICIENT)
    assert "I(Days > 5)FALSE:fa" in m.X.columns and "Days:I(Days >= 5)TRUE" in m.X.columns
    report = verify(m)
    assert report.ok, str(report)


@pytest.mark.parametrize("wrong", ["I(Days > 6)", "I(Days >= 5)", "I(Days < 5)",
                                   "I(Days == 5)", "I(Reaction > 5)"])
def test_a_wrong_comparison_in_the_equations_fails(logical, wrong):
    broken = everywhere(render_for_proof(logical), relabel("I(Days > 5)", wrong))
    report = verify(logical, rendering=broken)
    assert X_CHECK in failed(report)
    assert Z_CHECK in failed(report)


def test_the_other_level_of_the_logical_fails(logical):
    flip = {"TRUE": "FALSE", "FALSE": "TRUE"}
    broken = everywhere(render_for_proof(logical),
                        relabel("I(Days > 5)", label=lambda lab: flip.get(lab, lab)))
    report = verify(logical, rendering=broken)
    assert X_CHECK in failed(report)
    assert "printed equations read back as the same model" in failed(report)


def test_a_chained_comparison_is_not_read_either_way(logical):
    """R reads 1 < Days < 5 as (1 < Days) < 5, Python as 1 < Days and Days < 5: neither."""
    broken = everywhere(render_for_proof(logical), relabel("I(Days > 5)", "I(1 < Days < 5)"))
    report = verify(logical, rendering=broken)
    assert X_CHECK in failed(report)
    assert "chain" in str(report) or "not arithmetic" in str(report)


def test_comparisons_are_computed_as_numpy_computes_them():
    d = pd.DataFrame({"x": [1.0, 5.0, 7.0], "my var": [5.0, 5.0, 1.0], "f": ["a", "b", "a"]})
    x = d.x.to_numpy()
    for op, want in [(">", x > 5), ("<", x < 5), (">=", x >= 5), ("<=", x <= 5),
                     ("==", x == 5), ("!=", x != 5)]:
        got = expression_result(f"I(x {op} 5)", d)
        assert got.dtype == bool
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(expression_result("I(x > `my var`)", d), [False, False, True])
    np.testing.assert_array_equal(expression_values("I((x > 5) * 2)", d), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(level_indicator("I(x >= 5)", "TRUE", d), [0, 1, 1])
    np.testing.assert_array_equal(level_indicator("I(x >= 5)", "FALSE", d), [1, 0, 0])
    np.testing.assert_array_equal(level_indicator("f", "b", d), [0, 1, 0])
    for name, label in [("I(x + 1)", "TRUE"), ("f", "z"), ("I(x > 5)", "yes")]:
        with pytest.raises(NotArithmetic):
            level_indicator(name, label, d)


@pytest.mark.parametrize("text", [
    "I(1 < x < 5)", "I(x > 5 > 1)", "I(x if x > 5 else 1)", "I(x > 5 and x < 9)",
    "I(__import__('os').system('true') > 5)", "I(x.real > 5)", "I(f > 'a')"])
def test_comparisons_are_data_never_code(text):
    d = pd.DataFrame({"x": [1.0, 7.0], "f": ["a", "b"]})
    with pytest.raises(NotArithmetic):
        expression_result(text, d)
