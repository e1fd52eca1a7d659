"""Round trip: a model rendered in the multilevel form or in Gelman–Hill's
notation (LaTeX and text, from the formula alone and with data) and read back is
the same ModelSpec, with no remark."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import load_dataset
from equations.helpers import MODELS  # the equations issue's models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mixeq
from mixeq.equations import render
from mixeq.reader import read_equations

FORMATS = ["latex", "text"]
FORMS = ["multilevel", "gelman-hill"]


def round_trip(obj, spec, fmt, form="multilevel", **options):
    text = getattr(render(obj, form=form, format=fmt, **options), fmt)
    result = read_equations(text, render=False)
    assert result.spec == spec, f"{spec.canonical()} read back as {result.formula}\n{text}"
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics)) + "\n" + text
    return result


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_reference_models_from_the_formula(model_id, fmt, form):
    spec = mixeq.parse(MODELS[model_id][0])
    round_trip(spec, spec, fmt, form)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("model_id", sorted(MODELS))
def test_reference_models_with_data(model_id, fmt, form):
    formula, dataset = MODELS[model_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mixeq.Model(formula, load_dataset(dataset))
    round_trip(model, mixeq.parse(formula), fmt, form)


def test_textbook_levels_come_back():
    spec = mixeq.parse(MODELS["textbook"][0])
    result = round_trip(spec, spec, "latex")
    assert result.levels == {"x": {"level": 1, "group": None},
                             "m": {"level": 2, "group": "school"}}


def test_hlm_symbols_u_and_r_read_back():
    spec = mixeq.parse(MODELS["textbook"][0])
    for fmt in FORMATS:
        round_trip(spec, spec, fmt, symbols="hlm")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("formula", ["y ~ x * m + (1 + x | j)",
                                     "y ~ 1 + (1 | j) + (1 | k) + (1 | l)",
                                     "y ~ 1 + (1 | plate) + (1 | k)"])
def test_factors_named_by_their_index_letter_read_back(formula, fmt, form):
    """Equations read without --group name the factor by its letter (j); written
    again as "cluster j" / "for j = 1, …, J", they read back as the same model."""
    spec = mixeq.parse(formula)
    round_trip(spec, spec, fmt, form)


def test_nested_levels_are_three():
    spec = mixeq.parse("y ~ x + w + (1 | g/h)")
    text = render(spec, form="multilevel", format="latex", levels={"w": "g", "x": None}).latex
    result = read_equations(text, render=False)
    assert result.spec == spec and not result.diagnostics
    assert result.levels["w"] == {"level": 3, "group": "g"}


# -- generated formulas (the shapes of tests/equations/test_generated_models.py) --
LEVEL1, LEVEL2 = ["x", "z"], ["m", "w"]


@st.composite
def formulas(draw):
    fixed = [v for v in LEVEL1 + LEVEL2 if draw(st.booleans())]
    if {"x", "m"} <= set(fixed) and draw(st.booleans()):
        fixed.append("x:m")
    if draw(st.booleans()) and "x" in fixed:
        fixed.append("I(x ** 2)")
    rhs = ([] if draw(st.booleans()) else ["0"]) + fixed
    structure = draw(st.sampled_from(["single", "nested", "crossed"]))
    groups = {"single": ["g"], "nested": ["g/h"], "crossed": ["g", "k"]}[structure]
    terms = []
    for group in groups:
        slopes = [v for v in LEVEL1 if draw(st.booleans())] if group != "g/h" else []
        bar = "||" if slopes and draw(st.booleans()) else "|"
        lhs = " + ".join((["1"] if draw(st.booleans()) or not slopes else ["0"]) + slopes)
        terms.append(f"({lhs} {bar} {group})")
    return "y ~ " + " + ".join((rhs or ["1"]) + terms)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.sampled_from(FORMATS), st.sampled_from(FORMS))
def test_generated_formulas_round_trip(formula, fmt, form):
    spec = mixeq.parse(formula)
    round_trip(spec, spec, fmt, form)


# the same shapes with columns Python cannot spell: keywords (plain names, as in R) and
# backticked names (a space, a leading digit, a hyphen, R's reserved word)
SPELLINGS = {"x": ["class", "`my var`"], "z": ["lambda", "`2nd`"], "m": ["import", "`if`"],
             "w": ["`a-b`", "not"]}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.fixed_dictionaries({k: st.sampled_from(v) for k, v in SPELLINGS.items()}),
       st.sampled_from(FORMATS), st.sampled_from(FORMS))
def test_generated_formulas_with_keyword_and_quoted_names_round_trip(formula, names, fmt, form):
    import re

    spec = mixeq.parse(re.sub(r"\b[xzmw]\b", lambda m: names[m.group()], formula))
    round_trip(spec, spec, fmt, form)


GOLDEN = Path(__file__).resolve().parents[1] / "equations" / "golden"


@pytest.mark.parametrize("name", [f"textbook_{form}.{ext}"
                                  for form in ("multilevel", "composite", "gelman-hill")
                                  for ext in ("tex", "txt", "md")])
def test_equations_golden_files_read_back(name):
    """The equations helper's human-checked golden files (multilevel and
    composite forms, every format) read back as the textbook model."""
    path = GOLDEN / name
    if not path.exists():
        pytest.skip(f"{name} not in tests/equations/golden")
    result = read_equations(path.read_text(), render=False)
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics))
    assert result.spec == mixeq.parse(MODELS["textbook"][0])


def test_a_factor_the_legend_names_as_nested_keeps_its_own_name():
    """(1 | BROOD) + (1 | LOCATION) with broods nested in locations is written as three
    levels with the legend "j: BROOD (J = 118), nested in LOCATION": it reads back as
    (1 | BROOD), not (1 | BROOD:LOCATION); named by the user (--group), the cluster of j
    within k stays the safe interaction."""
    data = load_dataset("grouseticks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", data,
                        family="poisson")
    for fmt in FORMATS:
        text = getattr(render(m, form="multilevel", format=fmt), fmt)
        assert "nested in LOCATION" in text
        result = read_equations(text, render=False)
        assert result.spec == m.spec and result.diagnostics == [], result.formula
    plain = "y_ijk = p0jk + e_ijk\np0jk = b00k + r0jk\nb00k = g000 + u00k"
    result = read_equations(plain, group_map={"j": "BROOD", "k": "LOCATION"}, render=False)
    assert result.formula == "y ~ 1 + (1 | LOCATION) + (1 | BROOD:LOCATION)"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.sampled_from(FORMATS), st.sampled_from(["matrix", "observation"]))
def test_generated_formulas_round_trip_in_the_matrix_and_observation_forms(formula, fmt, form):
    """Exact, except where the form cannot show it: crossed factors have no one-cluster
    matrix form, and one row does not show whether random effects are correlated."""
    from mixeq.equations import symbolic_model
    from mixeq.errors import RenderError

    spec = mixeq.parse(formula)
    try:
        eq = render(spec, form=form, format=fmt, max_cols=0)
    except RenderError as exc:
        assert form == "matrix" and "crossed" in str(exc)
        return
    text = getattr(eq, fmt)
    letters = {g.letter: g.name for g in symbolic_model(spec).groups.values()}
    result = read_equations(text, group_map=letters, render=False)
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics)) + "\n" + text
    if form == "observation" and "||" in formula:
        got = result.spec
        assert (got.intercept, set(got.fixed)) == (spec.intercept, set(spec.fixed)), text
        return
    assert result.spec == spec, f"{formula} read back as {result.formula}\n{text}"
