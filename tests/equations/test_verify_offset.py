"""verify() on offsets (a term with coefficient fixed at 1, R's ``offset()``): a plain
column (``offset(Days)``, also a predictor or not), a function (``offset(log(t))``) and
arithmetic (``offset(Days * 0.5)``, ``offset(10 * log(t))``, printed as the ``I()`` it is
evaluated in) — each read back from the printed equations as the same offset; the
offset deleted from the printed equations, or given a coefficient, fails the read-back."""
from __future__ import annotations

import pytest
from conftest import DATA

import pandas as pd

import mixeq
from equations.test_verify import failed, map_tree
from mixeq.equations import verify
from mixeq.equations.proof import Rendering, render_for_proof
from mixeq.equations.tree import Add, Mul, Relation, Sym

READ_BACK = "printed equations read back as the same model"
SLEEP = ["Reaction ~ Days + offset(Days) + (1 | Subject)",
         "Reaction ~ 1 + offset(Days) + (1 | Subject)",
         "Reaction ~ Days + offset(Days * 0.5) + (Days | Subject)",
         "Reaction ~ Days + offset(Days*0.5) + (1 | Subject)"]
COUNTS = ["y ~ x + offset(log(t)) + (1 | g)", "y ~ x + offset(10 * log(t)) + (1 | g)",
          "y ~ x + offset(t) + (1 | g)"]


@pytest.fixture(scope="module")
def sleep():
    return pd.read_csv(DATA / "sleepstudy.csv")


@pytest.fixture(scope="module")
def counts():
    return pd.read_csv(DATA / "poisson_offset.csv")


@pytest.mark.parametrize("formula", SLEEP)
def test_an_offset_of_a_column_verifies(sleep, formula):
    report = verify(mixeq.Model(formula, data=sleep))
    assert report.ok, str(report)
    assert "offset(Days" in report.check(READ_BACK).detail


@pytest.mark.parametrize("formula", COUNTS)
def test_a_poisson_offset_verifies(counts, formula):
    report = verify(mixeq.Model(formula, data=counts, family="poisson"))
    assert report.ok, str(report)
    assert "offset(" in report.check(READ_BACK).detail


def test_an_offset_argument_reads_back_as_its_offset_term(counts):
    """``offset="exposure"`` prints as ``exposureᵢⱼ``, coefficient 1: read back, the
    offset term (it read back as a predictor, and verify() failed)."""
    report = verify(mixeq.Model("y ~ x + (1 | g)", data=counts, family="poisson",
                                offset="exposure"))
    assert report.ok, str(report)
    assert "offset(exposure)" in report.check(READ_BACK).detail


def _level1(rendering: Rendering, change) -> Rendering:
    """``change`` applied to the terms of the multilevel form's level-1 equation only."""
    doc = rendering.documents["multilevel"]

    def fn(node):
        if isinstance(node, Relation) and isinstance(node.rhs, Add) \
                and any(isinstance(t, Sym) and t.kind == "greek" and t.base == "epsilon"
                        for t in node.rhs.terms):
            return Relation(node.lhs, node.rel, Add(change(node.rhs.terms)))
        return node
    docs = dict(rendering.documents, multilevel=map_tree(doc, fn))
    return Rendering(docs, rendering.estimates)


def _offset_first(terms):
    assert isinstance(terms[0], Sym) and terms[0].kind == "var", terms  # printed first
    return terms[0]


@pytest.mark.parametrize("formula", SLEEP[:3])
def test_the_offset_deleted_from_the_printed_equations_fails(sleep, formula):
    m = mixeq.Model(formula, data=sleep)
    broken = _level1(render_for_proof(m), lambda t: (_offset_first(t), *t[1:])[1:])
    assert READ_BACK in failed(verify(m, rendering=broken))


@pytest.mark.parametrize("formula", SLEEP[:3])
def test_the_offset_given_a_coefficient_fails(sleep, formula):
    m = mixeq.Model(formula, data=sleep)
    gamma = Sym("gamma", ("9", "0"), kind="greek")
    broken = _level1(render_for_proof(m),
                     lambda t: (Mul((gamma, _offset_first(t))), *t[1:]))
    assert READ_BACK in failed(verify(m, rendering=broken))
