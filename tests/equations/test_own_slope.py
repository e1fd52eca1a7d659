"""A level-2 predictor with a random slope on its own grouping factor
(``y ~ m + (1 + m | g)``, m constant within g): written at its level, m_j in the level-2
equation with its random slope U_01j m_j, and a note that the slope is confounded with the
intercept (issue 9 §2)."""
from __future__ import annotations

import warnings

import pytest

import mixeq
from conftest import load_dataset
from mixeq.equations import render, verify
from mixeq.reader import read_equations

FORMULA = "y ~ m + (1 + m | school)"


@pytest.fixture(scope="module")
def model():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(FORMULA, load_dataset("seedlike"))


def test_m_is_written_at_its_level_in_every_form(model):
    ml = render(model, "multilevel", "text", wrap=None).text
    assert "yᵢⱼ = β₀ⱼ + εᵢⱼ" in ml and "β₀ⱼ = γ₀₀ + γ₀₁ mⱼ + U₀ⱼ + U₀₁ⱼ mⱼ" in ml
    assert "mᵢⱼ" not in ml
    comp = render(model, "composite", "text").text
    assert "yᵢⱼ = γ₀₀ + γ₀₁ mⱼ + U₀ⱼ + U₀₁ⱼ mⱼ + εᵢⱼ" in comp
    latex = render(model, "multilevel").latex
    assert r"\beta_{0j} &= \gamma_{00} + \gamma_{01} m_{j} + U_{0j} + U_{01j} m_{j}" in latex


def test_the_note_says_the_slope_is_confounded_with_the_intercept(model):
    (note,) = render(model).notes
    assert "written at its level (level 2" in note
    assert "U₀₁ⱼ is one number per school as U₀ⱼ is" in note
    assert "confounded with the random intercept" in note


def test_without_data_levels_given_do_the_same_and_assumed_ones_do_not():
    given = render(FORMULA, "multilevel", "text", levels={"m": "school"}, wrap=None).text
    assert "β₀ⱼ = γ₀₀ + γ₀₁ mⱼ + U₀ⱼ + U₀₁ⱼ mⱼ" in given
    assumed = render(FORMULA, "multilevel", "text", wrap=None).text  # m: a random slope → 1
    assert "yᵢⱼ = β₀ⱼ + β₁ⱼ mᵢⱼ + εᵢⱼ" in assumed


def test_verify_proves_it_against_the_data_and_the_fit(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = verify(model.fit())
    assert report.ok, str(report)
    names = report.check("coefficient names").detail
    assert "named by slot and predictor" in names


@pytest.mark.parametrize("fmt", ["text", "latex"])
@pytest.mark.parametrize("form", ["multilevel", "composite", "gelman-hill", "observation",
                                  "matrix"])
def test_every_form_reads_back(model, form, fmt):
    read = read_equations(str(render(model, form, fmt)))
    assert read.spec is not None
    assert read.spec.canonical().replace("(1 + m | j)", "(1 + m | school)") == \
        "y ~ 1 + m + (1 + m | school)"


def test_the_reader_accepts_u01_beside_m_without_a_remark(model):
    read = read_equations(render(model, "multilevel").latex)
    assert read.ok, [d.message for d in read.diagnostics]


def test_its_latex_renders_in_katex_and_compiles_in_pdflatex(model, tmp_path):
    from .helpers import assert_latex_compiles_everywhere

    forms = ["multilevel", "composite", "gelman-hill", "matrix", "explain"]
    latex = {f: render(model, f).latex for f in forms}
    assert_latex_compiles_everywhere(latex, tmp_path)
