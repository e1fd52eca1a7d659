"""The models of the issue render in every form and format, pass verify() and
render in KaTeX; their equations say what a teacher expects."""
from __future__ import annotations

import pytest

from mixeq.equations import FORMATS, FORMS, render, verify
from mixeq.errors import RenderError

from .helpers import MODELS, assert_katex_renders, model

APPLIES = {(m, f) for m in MODELS for f in FORMS} - {("penicillin_crossed", "matrix")}


@pytest.mark.parametrize("model_id", list(MODELS))
def test_verify_passes_with_data(model_id):
    report = verify(model(model_id))
    assert report.ok, str(report)
    names = [c.name for c in report.checks]
    assert "columns of X rebuilt from the equations' symbols" in names
    assert all("not checked" not in c.detail for c in report.checks), str(report)
    skipped = [c.name for c in report.checks if not c.applicable]
    crossed = ["composite equals row 1 of the matrix form",
               "rows 1, 2, n_j of the matrix form equal every cluster's"]
    assert skipped == (crossed if model_id == "penicillin_crossed" else []) + [
        "substituted estimates equal the fit's"], str(report)


@pytest.mark.parametrize("model_id", list(MODELS))
def test_verify_passes_with_a_fit(model_id):
    """With a fit every estimate written is the fit's (and every other check holds)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model(model_id).fit()
    report = verify(fit)
    assert report.ok, str(report)
    assert report.check("substituted estimates").passed


@pytest.mark.parametrize("model_id", list(MODELS))
def test_verify_passes_from_formula_alone(model_id):
    assert verify(MODELS[model_id][0]).ok


@pytest.mark.parametrize("model_id", list(MODELS))
def test_every_form_and_format_renders(model_id):
    for form in FORMS:
        for fmt in FORMATS:
            if (model_id, form) not in APPLIES:
                continue
            out = str(render(model(model_id), form=form, format=fmt))
            assert out.strip(), (form, fmt)


def test_katex_renders_every_latex_output():
    named = {}
    for model_id in MODELS:
        for form in FORMS:
            if (model_id, form) in APPLIES:
                named[f"{model_id}/{form}"] = render(model(model_id), form=form).latex
                named[f"{model_id}/{form}/formula"] = render(MODELS[model_id][0], form=form).latex
    named["textbook/matrix/cluster"] = render(model("textbook"), "matrix", cluster="s001").latex
    named["textbook/observation/cluster"] = render(model("textbook"), "observation",
                                                   cluster="s001").latex
    assert_katex_renders(named)


def test_crossed_matrix_form_names_the_form_that_applies():
    with pytest.raises(RenderError, match="crossed.*form='stacked'"):
        render(model("penicillin_crossed"), "matrix")


def test_textbook_levels_from_data():
    text = render(model("textbook"), "multilevel", "text").text
    assert "β₀ⱼ = γ₀₀ + γ₀₁ mⱼ + U₀ⱼ" in text
    assert "β₁ⱼ = γ₁₀ + γ₁₁ mⱼ + U₁ⱼ" in text
    assert "yᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ + εᵢⱼ" in text
    assert "assumed" not in text  # levels come from the data


def test_random_slope_without_level2_predictor():
    latex = render(model("sleepstudy_slope"), "multilevel").latex
    assert r"\beta_{0j} &= \gamma_{00} + U_{0j}" in latex
    assert r"\beta_{1j} &= \gamma_{10} + U_{1j}" in latex
    assert r"\tau_{01} & \tau_{11}" in latex


def test_random_intercept_model():
    text = render(model("dyestuff"), "multilevel", "text").text
    assert "Yieldᵢⱼ = β₀ⱼ + εᵢⱼ" in text
    assert "U₀ⱼ ∼ N(0, τ₀₀)" in text


def test_uncorrelated_terms_have_zero_covariance():
    latex = render(model("sleepstudy_uncorrelated"), "multilevel").latex
    assert r"\tau_{00} & 0 \\ 0 & \tau_{11}" in latex
    stacked = render(model("sleepstudy_uncorrelated"), "stacked", "text").text
    assert "G = diag(τ₀₀ I_J, τ₁₁ I_J)" in stacked


def test_nested_model_has_three_levels():
    text = render(model("pastes_nested"), "multilevel", "text").text
    assert "strengthᵢⱼₖ = π₀ⱼₖ + εᵢⱼₖ" in text
    assert "π₀ⱼₖ = β₀₀ₖ + r₀ⱼₖ" in text
    assert "β₀₀ₖ = γ₀₀₀ + u₀₀ₖ" in text
    assert "Level 3:" in text


def test_crossed_model_is_cross_classified():
    text = render(model("penicillin_crossed"), "multilevel", "text").text
    assert "diameterᵢ₍ⱼₖ₎ = β₀₍ⱼₖ₎ + εᵢ₍ⱼₖ₎" in text
    assert "β₀₍ⱼₖ₎ = γ₀₀ + U₀ⱼ + V₀ₖ" in text
    stacked = render(model("penicillin_crossed"), "stacked", "text").text
    assert "Z = [Z⁽¹⁾  Z⁽²⁾]" in stacked


def test_factor_predictor_has_one_coefficient_per_dummy():
    sm_text = render(model("cake_factor"), "multilevel", "text").text
    # recipe is constant within recipe:replicate: level 2; temperature varies: level 1
    assert "β₀ⱼ = γ₀₀ + γ₀₁ recipe_Bⱼ + γ₀₂ recipe_Cⱼ + U₀ⱼ" in sm_text
    assert "β₅ⱼ = γ₅₀ + γ₅₁ recipe_Bⱼ + γ₅₂ recipe_Cⱼ" in sm_text
    beta = render(model("cake_factor"), "matrix", max_cols=0).tree.row("beta").relation.rhs
    assert len(beta.rows) == 18  # lme4's 18 columns of X


def test_matrix_form_follows_x_column_order():
    doc = render(model("textbook"), "matrix", "text")
    assert "β = ⎢ γ₁₀ ⎥" in doc.text
    rows = doc.tree.row("beta").relation.rhs.rows
    assert [r[0].sub for r in rows] == [("0", "0"), ("1", "0"), ("0", "1"), ("1", "1")]


def test_nested_matrix_form_shows_one_cask_with_both_blocks():
    text = render(model("pastes_nested"), "matrix", "text", cluster="a:A").text
    assert "Yⱼₖ = Xⱼₖ β + Zⱼₖ⁽²⁾ bⱼₖ⁽²⁾ + Zⱼₖ⁽³⁾ bₖ⁽³⁾ + εⱼₖ" in text
    assert "62.80" in text and "62.60" in text  # the two strengths of cask a in batch A
    assert "nⱼₖ = 2 rows" in text


def test_matrix_cluster_of_a_coarser_factor_is_refused():
    with pytest.raises(RenderError, match="finest grouping factor"):
        render(model("pastes_nested"), "matrix", cluster="A", group="batch")


def test_matrix_cluster_must_be_a_level():
    with pytest.raises(RenderError, match="not a level of school"):
        render(model("textbook"), "matrix", cluster="s999")


def test_gelman_hill_covariance_follows_the_coefficients_not_zs_order():
    # Z's order is U_1j (x), U_0j, U_2j (z); Σ must be written for (α, β_1, β_2)
    text = render("y ~ x + z + (0 + x | g) + (1 + z | g)", "gelman-hill", "text").text
    assert "⎡   σ_α²       0     σ_(α,β₂) ⎤" in text
    assert "⎢    0      σ_(β₁)²     0     ⎥" in text
    assert verify("y ~ x + z + (0 + x | g) + (1 + z | g)").ok


def test_gelman_hill_textbook_and_crossed():
    text = render(model("textbook"), "gelman-hill", "text").text
    assert "yᵢ ∼ N(α_(j[i]) + β_(1j[i]) xᵢ, σ²)" in text
    assert "γ₀^α + γ₁^α mⱼ" in text
    crossed = render(model("penicillin_crossed"), "gelman-hill", "text").text
    # Gelman & Hill's notation for non-nested factors: zero-mean effects added up
    assert "diameterᵢ ∼ N(β₀ + a_(j[i]) + b_(k[i]), σ²)" in crossed
    assert "aⱼ ∼ N(0, σₐ²),  for plate j = 1, …, J" in crossed
    assert "bₖ ∼ N(0, σ_b²),  for sample k = 1, …, K" in crossed


def test_gelman_hill_mean_without_group_level_predictors_is_mu():
    text = render(model("sleepstudy_slope"), "gelman-hill", "text").text
    assert "Reactionᵢ ∼ N(α_(j[i]) + β_(1j[i]) Daysᵢ, σ²)" in text
    assert "⎛  μ_α   ⎞" in text and "⎝ μ_(β₁) ⎠" in text and "γ" not in text
    latex = render(model("dyestuff"), "gelman-hill").latex
    assert r"\alpha_{j} &\sim N\left(\mu_{\alpha}, {\sigma_{\alpha}}^{2}\right)" in latex


def test_multilevel_covariance_in_coefficient_order_matrix_form_in_z_order():
    formula = "y ~ x + z + (0 + x | g) + (1 + z | g)"
    ml = render(formula, "multilevel").latex
    assert r"\begin{pmatrix} U_{0j} \\ U_{1j} \\ U_{2j} \end{pmatrix}" in ml
    assert r"\tau_{00} & 0 & \tau_{02} \\ 0 & \tau_{11} & 0" in ml
    mx = render(formula, "matrix").latex
    assert r"b_{j} &= \begin{bmatrix} U_{1j} \\ U_{0j} \\ U_{2j} \end{bmatrix}" in mx
    assert r"\tau_{11} & 0 & 0 \\ 0 & \tau_{00} & \tau_{02}" in mx


def test_a_wide_x_shows_its_first_and_last_columns():
    eq = render(model("cake_factor"), "matrix", "text", wrap=None)
    x_rows = [ln for ln in eq.text.splitlines() if "recipe_Bⱼ  recipe_Cⱼ" in ln]
    assert len(x_rows) == 3 and all("  ⋯  " in ln for ln in x_rows)
    assert all(ln.rstrip(" ⎤⎥⎦").endswith("recipe_Cⱼ temperature_225₁ⱼ") or
               "temperature_225" in ln for ln in x_rows)
    assert ("Xⱼ has 18 columns: columns 6–16 (temperature205, temperature215, temperature225, …, "
            "recipeC:temperature215) and the matching entries of β are not shown") in eq.text
    columns = list(model("cake_factor").X.columns)   # lme4's names of the hidden 6th … 16th
    assert columns[5:8] == ["temperature205", "temperature215", "temperature225"]
    assert columns[15] == "recipeC:temperature215"
    beta = [r[0] for r in eq.tree.row("beta").relation.rhs.rows]
    assert [b.sub for b in beta if hasattr(b, "sub")] == [
        ("0", "0"), ("0", "1"), ("0", "2"), ("1", "0"), ("2", "0"), ("5", "1"), ("5", "2")]
    full = render(model("cake_factor"), "matrix", "text", max_cols=0)
    assert "⋯" not in full.text and "not shown" not in full.text
    assert len(full.tree.row("beta").relation.rhs.rows) == 18
