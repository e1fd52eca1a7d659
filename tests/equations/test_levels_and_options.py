"""Levels of predictors without data, and the notation options."""
from __future__ import annotations

import pytest

from mixeq.equations import render, symbolic_model
from mixeq.errors import RenderError

TEXTBOOK = "y ~ x * m + (1 + x | school)"


def test_without_data_cross_level_partner_is_assumed_level2_and_said_so():
    eq = render(TEXTBOOK, "multilevel", "text")
    assert "β₁ⱼ = γ₁₀ + γ₁₁ mⱼ + U₁ⱼ" in eq.text
    assert eq.notes and "assumed" in eq.notes[0] and "m: level 2 (school)" in eq.notes[0]
    assert "assumed" in eq.markdown


def test_without_data_a_fixed_only_predictor_is_level1():
    text = render("y ~ x + z + (1 | g)", "multilevel", "text").text
    assert "yᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ + β₂ⱼ zᵢⱼ + εᵢⱼ" in text
    assert "β₁ⱼ = γ₁₀\n" in text  # a slope without random effect: β_1j = γ_10


def test_levels_option_states_levels_and_removes_the_note():
    eq = render("y ~ x + w + (1 | g)", "multilevel", "text", levels={"w": "g", "x": None})
    assert "β₀ⱼ = γ₀₀ + γ₀₁ wⱼ + U₀ⱼ" in eq.text
    assert eq.notes == []


def test_levels_option_rejects_unknown_group_and_variable():
    with pytest.raises(RenderError, match="not a grouping factor"):
        render(TEXTBOOK, levels={"m": "class"})
    with pytest.raises(RenderError, match="does not use"):
        render(TEXTBOOK, levels={"q": "school"})


def test_grouping_variable_in_fixed_part_is_constant_within_its_factor():
    sm = symbolic_model("angle ~ recipe + (1 | recipe:replicate)")
    assert sm.atom_levels["recipe"].level == 2


def test_level2_predictor_with_random_slope_on_its_own_factor_stays_level2():
    sm = symbolic_model("y ~ m + (1 + m | g)", levels={"m": "g"})
    assert sm.atom_levels["m"].level == 2
    # a random slope on another factor, or without its fixed coefficient: level 1
    assert symbolic_model("y ~ m + (1 + m | h) + (1 | g)",
                          levels={"m": "g"}).atom_levels["m"].level == 1
    assert symbolic_model("y ~ 1 + (1 + m | g)", levels={"m": "g"}).atom_levels["m"].level == 1


def test_symbol_set_hlm_and_names():
    text = render(TEXTBOOK, "multilevel", "text", symbols="hlm",
                  names={"x": "SES", "m": "MEANSES"}).text
    assert "yᵢⱼ = β₀ⱼ + β₁ⱼ SESᵢⱼ + rᵢⱼ" in text
    assert "β₀ⱼ = γ₀₀ + γ₀₁ MEANSESⱼ + u₀ⱼ" in text


def test_custom_symbols_dict():
    text = render(TEXTBOOK, "composite", "text", symbols={"residual": "e", "random": "u"}).text
    assert "+ u₀ⱼ + u₁ⱼ xᵢⱼ + eᵢⱼ" in text


def test_index_letters():
    latex = render(TEXTBOOK, "composite", indices="ist").latex
    assert r"y_{is} &= \gamma_{00} + \gamma_{01} m_{s}" in latex


def test_variable_styles():
    assert r"{\operatorname{x}}_{ij}" in render(TEXTBOOK, variables="operatorname").latex
    assert r"\mathit{Days}_{ij}" in render("Reaction ~ Days + (Days | Subject)",
                                           variables="italic").latex
    assert r"{\operatorname{Days}}_{ij}" in render("Reaction ~ Days + (Days | Subject)").latex


def test_wrap_breaks_long_sums_at_the_width_in_every_format():
    """wrap=30: the composite breaks before a + so that no text line passes 30
    characters, and LaTeX breaks at the same terms (continuation lines \\quad)."""
    eq = render(TEXTBOOK, "composite", wrap=30)
    lines = eq.text.split("\n\n")[0].splitlines()
    assert lines[0].strip() == "yᵢⱼ = γ₀₀ + γ₀₁ mⱼ"
    assert [ln.strip() for ln in lines[1:]] == ["+ γ₁₀ xᵢⱼ", "+ γ₁₁ mⱼ xᵢⱼ + U₀ⱼ",
                                                "+ U₁ⱼ xᵢⱼ + εᵢⱼ"]
    assert max(map(len, lines)) <= 30
    assert r"""y_{ij} &= \gamma_{00} + \gamma_{01} m_{j} \\
&\quad + \gamma_{10} x_{ij} \\
&\quad + \gamma_{11} m_{j} x_{ij} + U_{0j} \\
&\quad + U_{1j} x_{ij} + \varepsilon_{ij} \\[4pt]""" in eq.latex
    assert len(render(TEXTBOOK, "composite", wrap=None).text.split("\n\n")[0].splitlines()) == 1


def test_bad_options_raise_render_errors():
    with pytest.raises(RenderError, match="unknown form"):
        render(TEXTBOOK, form="matrixx")
    with pytest.raises(RenderError, match="unknown format"):
        render(TEXTBOOK, format="pdf")
    with pytest.raises(RenderError, match="unknown option"):
        render(TEXTBOOK, colour="red")
    with pytest.raises(RenderError, match="symbols"):
        render(TEXTBOOK, symbols="greekish")
    with pytest.raises(RenderError, match="needs data"):
        render(TEXTBOOK, "matrix", cluster="s001")
    with pytest.raises(RenderError, match="fitted model"):
        render(TEXTBOOK, use_estimates=True)


def test_linear_model_degenerates_in_every_form():
    assert "yᵢ = β₀ + β₁ xᵢ + εᵢ" in render("y ~ x", "multilevel", "text").text
    assert "yᵢ = β₀ + β₁ xᵢ + εᵢ" in render("y ~ x", "composite", "text").text
    assert "y = X β + ε" in render("y ~ x", "stacked", "text").text
    assert "y = X β + ε" in render("y ~ x", "matrix", "text").text
    assert "yᵢ ∼ N(β₀ + β₁ xᵢ, σ²)" in render("y ~ x", "gelman-hill", "text").text
    assert "Z is empty" in render("y ~ x", "explain", "text").text
    assert render("y ~ x", "multilevel").notes == []


def test_equation_object_displays_itself():
    eq = render(TEXTBOOK)
    assert str(eq) == eq.latex and eq.latex.startswith(r"\begin{aligned}")
    assert eq._repr_latex_().startswith("$$") and eq._repr_markdown_().startswith("$$")
    assert str(render(TEXTBOOK, format="text")) == render(TEXTBOOK).text
    assert eq.tree.row("level1").relation.rel == "="
    assert repr(eq) == "Equation(form='multilevel', format='latex')"


def test_render_does_not_accept_other_objects():
    with pytest.raises(RenderError, match="cannot write equations for a int"):
        render(3)


def test_equations_only_leaves_out_distributions():
    latex = render(TEXTBOOK, "multilevel", equations_only=True).latex
    assert r"\sim" not in latex and r"\text{$i$" not in latex
    assert r"\beta_{1j} &= \gamma_{10} + \gamma_{11} m_{j} + U_{1j}" in latex


def test_two_terms_with_the_same_column_on_one_factor_get_distinct_symbols():
    text = render("y ~ x + (1 | g) + (1 + x | g)", "multilevel", "text").text
    assert "β₀ⱼ = γ₀₀ + U₀ⱼ + U₀ⱼ⁽²⁾" in text


def test_four_nested_levels_render_with_distinct_letters_and_verify():
    from mixeq.equations import verify

    formula = "y ~ x + (1 | a/b/c)"
    text = render(formula, "composite", "text").text
    first = text.splitlines()[0]
    assert first.startswith("yᵢⱼₖₗ = δ₀₀₀₀ + δ₁₀₀₀ xᵢⱼₖₗ")
    assert "w₀₀₀ₗ" in first and "u₀₀ₖₗ" in first and "r₀ⱼₖₗ" in first
    assert verify(formula).ok


def test_transformed_predictors_are_shown_as_powers_and_functions():
    formula = "y ~ x + I(x ** 2) + log(w) + sqrt(z) + (1 + x | g)"
    eq = render(formula, "composite", levels={"w": "g"})
    assert r"\gamma_{20} {x_{ij}}^{2}" in eq.latex
    assert r"\gamma_{01} \log\left(w_{j}\right)" in eq.latex
    assert r"\sqrt{z_{ij}}" in eq.latex
    assert "xᵢⱼ²" in render(formula, "composite", "text", levels={"w": "g"}).text
    from mixeq.equations import verify

    assert verify(formula, levels={"w": "g"}).ok


def test_top_level_render_and_the_equations_package_coexist():
    import mixeq
    import mixeq.equations  # noqa: F401

    eq = mixeq.render("y ~ x + (1 | g)", "composite", "text")
    assert eq.text.startswith("yᵢⱼ = γ₀₀ + γ₁₀ xᵢⱼ + U₀ⱼ + εᵢⱼ")
    assert mixeq.equations.render is not None and callable(mixeq.fit)
    assert mixeq.verify("y ~ x + (1 | g)").ok


def test_linear_model_with_data_degenerates_in_every_form_and_format():
    import warnings

    import mixeq
    from conftest import load_dataset
    from mixeq.equations import FORMATS, FORMS, verify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("Reaction ~ Days", load_dataset("sleepstudy"))
    for form in FORMS:
        for fmt in FORMATS:
            out = str(render(m, form, fmt))
            assert "_{ij}" not in out and "ᵢⱼ" not in out, (form, fmt)  # one index only
    assert "Reaction₁ = 1·β₀ + Days₁·β₁ + ε₁" in render(m, "observation", "text").text
    report = verify(m)
    assert report.ok, str(report)
    assert {c.name for c in report.checks if not c.applicable} == {
        "covariance structure (T, G, Λθ) is the spec's",
        "columns of Z rebuilt from the equations' symbols",
        "rows 1, 2, n_j of the matrix form equal every cluster's",
        "subscripts agree with the data", "substituted estimates equal the fit's"}
    assert "[n/a] covariance structure (T, G, Λθ) is the spec's: no random effects" \
        in str(report)
    assert report.check("columns of X").passed


def test_a_random_letter_with_three_levels_moves_up_the_alphabet():
    text = render("y ~ x + (1 | g/h)", "composite", "text",
                  symbols={"random": "u", "residual": "e"}).text
    assert "u₀ⱼₖ ∼ N(0, τ_(π00))" in text and "v₀₀ₖ ∼ N(0, τ_(β00))" in text
    assert "eᵢⱼₖ ∼ N(0, σ²)" in text


def test_cluster_errors_say_what_to_do_instead():
    import warnings

    import mixeq
    from conftest import load_dataset

    with pytest.raises(RenderError, match="needs data.*drop cluster="):
        render(TEXTBOOK, "matrix", cluster="a")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lm = mixeq.Model("Reaction ~ Days", load_dataset("sleepstudy"))
        pastes = mixeq.Model("strength ~ 1 + (1 | batch/cask)", load_dataset("Pastes"))
    with pytest.raises(RenderError, match="linear model.*form='matrix' writes y = Xβ"):
        render(lm, "matrix", cluster="308")
    for form in ("matrix", "observation"):
        with pytest.raises(RenderError, match="finest grouping factor \\(cask:batch\\), not "
                                              "of batch.*form='stacked'"):
            render(pastes, form, cluster="A", group="batch")


def test_a_factor_named_by_its_index_letter_is_called_a_cluster():
    """A model read back without --group has its factor named j: the legend says
    "observation within cluster j", not "observation within j j"."""
    text = render("y ~ x + (1 + x | j)", form="multilevel", format="text").text
    assert "- i = 1, …, nⱼ: observation within cluster j\n" in text
    assert "- j = 1, …, J: cluster j\n" in text
    latex = render("y ~ x + (1 + x | j)", form="multilevel", format="latex").latex
    assert r"\text{$j = 1, \ldots, J$: cluster $j$}" in latex
    gh = render("y ~ x + (1 | j)", form="gelman-hill", format="text").text
    assert "for j = 1, …, J" in gh and "for j j" not in gh
    explain = render("y ~ x + (1 | j)", form="explain", format="text", wrap=None).text
    assert "is cluster j's own deviation" in explain
    crossed = render("y ~ 1 + (1 | plate) + (1 | k)", form="multilevel", format="text").text
    assert "observation within plate and cluster k" in crossed
    assert "- j = 1, …, J: plate\n" in crossed
