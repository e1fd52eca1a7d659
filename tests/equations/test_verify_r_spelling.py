"""verify()'s read-back compares terms as R's deparse spells them: the equations print
the columns' names (``exp(Days/10)``, as lme4 names them) where the formula's term is
formulaic's ``exp(Days / 10)`` — the same R code, so the same model; a different
expression still is not."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import mixeq
from conftest import DATA
from mixeq.equations.proof import _same_spec
from mixeq.spec.parser import parse


@pytest.fixture(scope="module")
def sleep():
    return pd.read_csv(DATA / "sleepstudy.csv")


@pytest.mark.parametrize("formula", [
    "Reaction ~ exp(Days/10) + (1 | Subject)",
    "Reaction ~ I(Days/2) + (1 | Subject)",
    "Reaction ~ Days + (exp(-Days/5) | Subject)",
    "Reaction ~ log(Days+1) * I(Days^2) + (1 | Subject)",
])
def test_models_with_r_spelled_columns_verify(sleep, formula):
    report = mixeq.Model(formula, sleep).verify()
    assert report.ok, str(report)


def test_the_spelling_is_the_only_thing_forgiven():
    """Specs as the reader gives them (terms in R's spelling, not re-parsed)."""
    model = parse("Reaction ~ exp(Days / 10) + (exp(-Days / 5) | Subject)")
    assert model.fixed == ("exp(Days / 10)",)

    def read(fixed, slope):
        r = dataclasses.replace(model.random[0], terms=(slope,))
        return dataclasses.replace(model, fixed=(fixed,), random=(r,))

    assert _same_spec(read("exp(Days/10)", "exp(-Days/5)"), model)
    assert not _same_spec(read("exp(Days/5)", "exp(-Days/5)"), model)
    assert not _same_spec(read("exp(Days/10)", "exp(Days/5)"), model)
    assert not _same_spec(None, model)
