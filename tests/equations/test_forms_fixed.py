"""Forms that were wrong (issue 9 §2), each with a test that fails on the old output."""
from __future__ import annotations

import re
import warnings

import pytest
from conftest import load_dataset

import mixeq
from mixeq.equations import render
from mixeq.errors import RenderError

from .helpers import model


@pytest.mark.parametrize("formula, fixed_term", [
    ("Reaction ~ Days + I(Days^2) + (Days | Subject)", "Daysᵢ²"),
    ("y ~ x + z + (1 + x | g)", "zᵢ")])
def test_gelman_hill_gives_every_coefficient_its_own_symbol(formula, fixed_term):
    line = render(formula, form="gelman-hill", format="text").text.splitlines()[0]
    assert "β_(1j[i])" in line
    assert f"β₂ {fixed_term}" in line and f"β₁ {fixed_term}" not in line
    assert mixeq.verify(formula).ok


def test_stacked_form_says_crossed_blocks_are_indicator_patterns():
    text = render("diameter ~ 1 + (1 | plate) + (1 | sample)", form="stacked",
                  format="text").text
    assert text.count("not block-diagonal") == 2 and "indicator pattern" in text
    assert "Z⁽¹⁾ = [Z₁⁽¹⁾  Z₂⁽¹⁾  ⋯  Z_J⁽¹⁾]" in text
    one = render("y ~ x + (x | g)", form="stacked", format="text").text
    assert "block-diagonal only when the data are sorted by g" in one
    assert "m.Z keeps the data's row order" in one


def test_explain_cell_means_of_a_zero_intercept_factor_term():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("angle ~ recipe + (0 + recipe | replicate)", load_dataset("cake"))
    text = render(m, form="explain", format="text", wrap=None).text
    assert "no average effect" not in text
    assert "deviation in the mean of cell recipe = A" in text
    assert "A is the reference level of recipe: the mean of cell recipe = A is the intercept γ₀₀" \
        in text
    assert "cell B's mean is γ₀₀ + γ₁₀" in text


def test_explain_states_when_gamma_is_the_average_effect():
    cross = render("y ~ x * m + (1 + x | school)", form="explain", format="text",
                   wrap=None).text
    assert "carries its average effect" not in cross
    assert "X carries γ₁₀, its effect where m = 0 (the average effect only when m is centred " \
        "to mean 0)" in cross
    plain = render("y ~ x + (1 + x | school)", form="explain", format="text",
                   wrap=None).text
    assert "X carries its average effect γ₁₀" in plain


def test_levels_contradicted_by_the_data_is_an_error_naming_the_variable():
    m = model("textbook")
    with pytest.raises(RenderError, match=r"levels=\{'x': 'school'\} says x is constant within "
                                          r"school, but in the data x varies within school"):
        m.equations(levels={"x": "school"})
    assert "m_{j}" in m.equations(levels={"m": "school"}).latex  # true: accepted


def test_max_rows_0_shows_every_row_of_the_cluster():
    m = model("textbook")
    n = len(m.cluster("s001").rows)
    text = render(m, form="matrix", cluster="s001", max_rows=0, format="text").text
    assert f"n_j = {n} rows" in text.replace("ⱼ", "_j") or f"= {n} rows" in text
    assert "shown" not in text.split("\n\n")[-1]
    latex = render(m, form="matrix", cluster="s001", max_rows=0).latex
    x_block = latex[latex.index("X_{j} &="):]
    x_block = x_block[:x_block.index("\\end{bmatrix}")]
    assert x_block.count("\\\\") == n - 1 and "\\vdots" not in x_block


def test_notebook_fit_then_equations_with_estimates():
    m = model("sleepstudy_slope")
    with pytest.raises(RenderError, match=r"call m.fit\(\) first"):
        mixeq.Model(m.spec, load_dataset("sleepstudy")).equations(use_estimates=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = m.fit()
    text = m.equations(use_estimates=True, format="text").text
    assert f"{float(fit.fixef['(Intercept)']):.2f}" in text
    assert f"{float(fit.fixef['Days']):.2f}" in text
    assert m.verify().check("substituted estimates").passed


def test_verify_and_read_results_display_readably():
    report = mixeq.verify("y ~ x + (1 | g)")
    assert re.match(r"<VerifyReport 'y ~ 1 \+ x \+ \(1 \| g\)': ok, \d+ proved, 0 failed, "
                    r"\d+ n/a>", repr(report))
    assert "<table>" in report._repr_html_()
    r = mixeq.read_equations("y_ij = b0j + b10*x_ij + e_ij\nb0j = g00 + u0j\nb10 = g10 + u1j")
    assert repr(r) == "<ReadResult 'y ~ 1 + x + (1 + x | j)': 1 remark(s) (slope-not-indexed)>"
    html = r._repr_html_()
    assert "<table>" in html and "slope-not-indexed" in html and "y ~ 1 + x" in html


def test_a_level2_predictor_with_a_random_slope_on_its_own_factor_gets_a_note():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("y ~ m + (1 + m | school)", load_dataset("seedlike"))
    eq = m.equations(format="text", wrap=None)
    (note,) = eq.notes
    assert note.startswith("m is constant within school and has a random slope on school: "
                           "it is written at its level (level 2")
    assert "confounded with the random intercept" in note
    assert "yᵢⱼ = β₀ⱼ + εᵢⱼ" in eq.text  # m is not a level-1 predictor
    assert "β₀ⱼ = γ₀₀ + γ₀₁ mⱼ + U₀ⱼ + U₀₁ⱼ mⱼ" in eq.text
    assert mixeq.verify(m).ok
