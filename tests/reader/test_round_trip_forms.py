"""Round trip of the composite, matrix and one-observation forms (LaTeX and text) of every
model of the equation tests, from the formula and with data: read back, they give the same
model (ModelSpec), with no remark. The matrix and observation forms carry no legend of the
index letters, so the letters' factors are given (group_map), as `mixeq check --group`.

Where a form cannot show something, the test says so and compares what it shows:
- crossed factors have no one-cluster matrix form (render refuses it);
- the one-observation form cannot show whether random effects are correlated, so a
  `||` model reads as correlated: compared column by column;
- the composite form of a model read from the formula alone may order an interaction's
  variables otherwise: compared as sets (the multilevel and Gelman–Hill forms are
  compared exactly in test_round_trip.py)."""
from __future__ import annotations

import warnings

import pytest
from conftest import load_dataset
from equations.helpers import MODELS, model

import mixeq
from mixeq.equations import render, symbolic_model
from mixeq.errors import RenderError
from mixeq.reader import read_equations

FORMATS = ("latex", "text")
TRANSFORMED = "Reaction ~ Days + I(Days ** 2) + log(w) + scale(u) + (Days | Subject)"


def _letters(obj) -> dict:
    return {g.letter: g.name for g in symbolic_model(obj).groups.values()}


def _columns(spec) -> tuple:
    fixed = frozenset(frozenset(t.split(":")) for t in spec.fixed)
    random = frozenset((r.group_name, frozenset(frozenset(t.split(":")) for t in
                                                 (["1"] if r.intercept else []) + list(r.terms)))
                       for r in spec.random)
    return spec.response, spec.intercept, fixed, random


def _random_columns(spec) -> frozenset:
    return frozenset((r.group_name, frozenset(t.split(":"))) for r in spec.random
                     for t in (["1"] if r.intercept else []) + list(r.terms))


def _read(obj, form, fmt):
    text = getattr(render(obj, form=form, format=fmt, max_cols=0), fmt)
    result = read_equations(text, group_map=_letters(obj), render=False)
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics)) + "\n" + text
    return result, text


def _crossed(spec) -> bool:
    return len(spec.group_names) > 1 and not any(
        ":" in g for g in spec.group_names)


@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_composite_form_reads_back(model_id):
    spec = mixeq.parse(MODELS[model_id][0])
    for fmt in FORMATS:
        text = getattr(render(spec, form="composite", format=fmt), fmt)
        result = read_equations(text, render=False)
        assert result.diagnostics == [], text
        assert _columns(result.spec) == _columns(spec), text


@pytest.mark.parametrize("with_data", [False, True], ids=["formula", "data"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_matrix_form_reads_back_exactly(model_id, fmt, with_data):
    spec = mixeq.parse(MODELS[model_id][0])
    obj = model(model_id) if with_data else spec
    if model_id == "penicillin_crossed":
        with pytest.raises(RenderError, match="crossed"):
            render(obj, form="matrix", format=fmt)
        return
    result, text = _read(obj, "matrix", fmt)
    assert result.spec == spec, f"read back as {result.formula}\n{text}"
    assert any(n.startswith("The matrix form") for n in result.notes), result.notes


@pytest.mark.parametrize("with_data", [False, True], ids=["formula", "data"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_observation_form_reads_back(model_id, fmt, with_data):
    spec = mixeq.parse(MODELS[model_id][0])
    result, text = _read(model(model_id) if with_data else spec, "observation", fmt)
    if model_id == "sleepstudy_uncorrelated":  # correlation is not visible in one row
        assert result.spec != spec and _random_columns(result.spec) == _random_columns(spec)
        assert (result.spec.fixed, result.spec.intercept) == (spec.fixed, spec.intercept)
        return
    assert result.spec == spec, f"read back as {result.formula}\n{text}"


@pytest.mark.parametrize("form", ["multilevel", "gelman-hill", "composite", "matrix",
                                  "observation"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_log_and_scale_models_read_back(form, fmt):
    """Functions of a variable (log(w), scale(u)) and powers read back as the formula's
    terms, in every form, with data and from the formula alone."""
    df = load_dataset("sleepstudy")
    df = df.assign(w=df["Days"] + 1, u=df["Reaction"] ** 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = mixeq.Model(TRANSFORMED, df)
    for obj in (fitted, mixeq.parse(TRANSFORMED)):
        result, text = _read(obj, form, fmt)
        assert result.spec == fitted.spec, f"read back as {result.formula}\n{text}"
        assert result.spec.fixed == ("Days", "I(Days ** 2)", "log(w)", "scale(u)")


def test_latex_square_root_reads_as_sqrt_of_its_argument():
    """LaTeX writes sqrt(z) as \\sqrt{z_{ij}} (a brace group, not brackets): it reads back
    as the one predictor sqrt(z), not as the interaction sqrt:z."""
    formula = "y ~ x + sqrt(z) + (1 + x | g)"
    text = render(formula, form="composite").latex
    assert r"\sqrt{" in text
    assert read_equations(text, render=False).spec.fixed == ("x", "sqrt(z)")
    broken = text.replace(r"\sqrt{z_{ij}}", r"\sqrt{z_{ij}")
    result = read_equations(broken, render=False)
    assert result.spec is None
    assert any(d.code == "parse-error" and "to close \\sqrt{" in d.message
               for d in result.diagnostics), result.diagnostics


def test_an_elided_matrix_form_is_said_to_be_unchecked():
    """The default matrix form of a wide X leaves columns out (⋯): the reader says it cannot
    check it instead of reading a smaller model."""
    cake = model("cake_factor")
    text = render(cake, form="multilevel").latex + "\n" + render(cake, form="matrix").latex
    assert r"\cdots" in text
    result = read_equations(text, group_map=_letters(cake), render=False)
    assert result.spec == cake.spec and result.diagnostics == []
    assert any("leaves columns out" in n for n in result.notes), result.notes
