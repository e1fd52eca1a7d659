"""Round trip of the composite and one-observation forms (LaTeX) of every model of the
equation tests: read back, they give the same model. The one-observation form cannot
show whether random effects are correlated (a `||` model reads as correlated) and an
interaction's variables may come back in another order: those are compared as sets."""
from __future__ import annotations

import pytest
from equations.helpers import MODELS

import mixeq
from mixeq.equations import render, symbolic_model
from mixeq.reader import read_equations


def _letters(spec) -> dict:
    return {g.letter: g.name for g in symbolic_model(spec).groups.values()}


def _columns(spec) -> tuple:
    fixed = frozenset(frozenset(t.split(":")) for t in spec.fixed)
    random = frozenset((r.group_name, frozenset(frozenset(t.split(":")) for t in
                                                 (["1"] if r.intercept else []) + list(r.terms)))
                       for r in spec.random)
    return spec.response, spec.intercept, fixed, random


def _random_columns(spec) -> frozenset:
    return frozenset((r.group_name, frozenset(t.split(":"))) for r in spec.random
                     for t in (["1"] if r.intercept else []) + list(r.terms))


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_composite_form_reads_back(model_id):
    spec = mixeq.parse(MODELS[model_id][0])
    for fmt in ("latex", "text"):
        text = getattr(render(spec, form="composite", format=fmt), fmt)
        result = read_equations(text, render=False)
        assert result.diagnostics == [], text
        assert _columns(result.spec) == _columns(spec), text


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_observation_form_reads_back(model_id):
    spec = mixeq.parse(MODELS[model_id][0])
    text = render(spec, form="observation").latex
    result = read_equations(text, group_map=_letters(spec), render=False)
    assert result.diagnostics == [], text
    got = result.spec
    assert (got.response, got.intercept) == (spec.response, spec.intercept)
    assert {frozenset(t.split(":")) for t in got.fixed} == \
        {frozenset(t.split(":")) for t in spec.fixed}
    assert _random_columns(got) == _random_columns(spec), text
