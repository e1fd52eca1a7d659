"""verify() on transforms with arithmetic inside (``log(x + 5)``, ``I(m^2 - 1)``):
every form is verified — the term's value comes from its text as arithmetic on the
data (mixeq/equations/proof_expr.py) — and planted breaks in such a model still fail."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from equations.test_verify import everywhere, failed, model
from mixeq.equations import verify
from mixeq.equations.proof import render_for_proof
from mixeq.equations.proof_expr import NotArithmetic, expression_values
from mixeq.equations.tree import Sym

FORMULA = "y ~ log(x + 5) + I(m^2 - 1) + (1 + log(x + 5) | school)"


@pytest.fixture(scope="module")
def arithmetic():
    return model(FORMULA)


def rename(old: str, new: str, sub=None):
    def fn(n):
        if isinstance(n, Sym) and n.base == old:
            return dataclasses.replace(n, base=new, sub=n.sub if sub is None else sub(n.sub))
        return n
    return fn


def test_every_form_of_an_arithmetic_transform_is_verified(arithmetic):
    report = verify(arithmetic)
    assert report.ok, str(report)
    assert "not a column of the data" not in str(report)
    assert "3 columns of X equal, by name (β) and value, on all 977 rows" in str(report)
    assert "120 columns of Z" in str(report)
    fit_report = verify(arithmetic.fit())
    assert all(c.passed for c in fit_report.checks), str(fit_report)


def test_a_wrong_constant_inside_the_transform_fails(arithmetic):
    broken = everywhere(render_for_proof(arithmetic), rename("log(x + 5)", "log(x + 6)"))
    report = verify(arithmetic, rendering=broken)
    assert "columns of X rebuilt from the equations' symbols" in failed(report)
    assert "columns of Z rebuilt from the equations' symbols" in failed(report)


def test_a_wrong_variable_inside_the_transform_fails(arithmetic):
    broken = everywhere(render_for_proof(arithmetic), rename("I(m^2 - 1)", "I(x^2 - 1)"))
    report = verify(arithmetic, rendering=broken)
    assert "columns of X rebuilt from the equations' symbols" in failed(report)


def test_a_cluster_level_transform_written_per_observation_fails(arithmetic):
    def to_ij(sub):
        return ("i", "j") if sub == ("j",) else sub
    broken = everywhere(render_for_proof(arithmetic), rename("I(m^2 - 1)", "I(m^2 - 1)", to_ij))
    report = verify(arithmetic, rendering=broken)
    assert "subscripts agree with the data" in failed(report)


def test_expression_values_are_arithmetic_only():
    d = pd.DataFrame({"x": [1.0, 2.0], "my var": [3.0, 4.0], "f": ["a", "b"]})
    np.testing.assert_allclose(expression_values("log(x + 5)", d), np.log([6.0, 7.0]))
    np.testing.assert_allclose(expression_values("I(x^2 - 1)", d), [0.0, 3.0])
    np.testing.assert_allclose(expression_values("log(`my var` + 5)", d), np.log([8.0, 9.0]))
    for text in ('__import__("os")', "x.real", "open(x)", "f + 1", "z + 1", "x[0]"):
        with pytest.raises(NotArithmetic):
            expression_values(text, d)
    np.testing.assert_allclose(expression_values("I(x > 1)", d), [0.0, 1.0])  # R's 0/1
    with pytest.raises(NotArithmetic, match=r"1 < x < 5 is not arithmetic") as caught:
        expression_values("I(1 < x < 5)", d)   # the column's name, never its internal alias
    assert "mixeq_c" not in str(caught.value)
