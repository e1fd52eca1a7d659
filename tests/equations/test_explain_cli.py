"""``mixeq explain`` on the command line."""
from __future__ import annotations

from pathlib import Path

from mixeq.cli.main import main

DATA = Path(__file__).resolve().parents[1] / "data"


def test_explain_default_is_multilevel_text(capsys):
    assert main(["explain", "y ~ x * m + (1 + x | school)"]) == 0
    out = capsys.readouterr().out
    assert "Level 2:" in out and "β₁ⱼ = γ₁₀ + γ₁₁ mⱼ + U₁ⱼ" in out


def test_explain_with_data_cluster_and_verify(capsys):
    code = main(["explain", "y ~ x * m + (1 + x | school)", "--data", str(DATA / "seedlike.csv"),
                 "--form", "observation", "--cluster", "s001", "--verify"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2.25 = 1·γ₀₀ + 2.14·γ₁₀ + 0.25·γ₀₁ + 0.54·γ₁₁" in out
    assert "all forms agree" in out
    assert "assumed" not in out


def test_explain_all_forms_in_latex(capsys):
    assert main(["explain", "Reaction ~ Days + (Days || Subject)", "--form", "all",
                 "--format", "latex"]) == 0
    out = capsys.readouterr().out
    for form in ("multilevel", "gelman-hill", "composite", "matrix", "stacked",
                 "observation", "explain"):
        assert f"== {form} ==" in out
    assert out.count(r"\begin{aligned}") == 7


def test_explain_form_that_does_not_apply_is_a_clear_error(capsys):
    code = main(["explain", "diameter ~ 1 + (1 | plate) + (1 | sample)", "--form", "matrix"])
    err = capsys.readouterr().err
    assert code == 2 and "form='stacked'" in err and "Traceback" not in err


def test_explain_levels_and_names_without_data(capsys):
    assert main(["explain", "y ~ x + w + (1 | g)", "--level", "w=g", "--level", "x=1",
                 "--name", "w=MEANSES", "--symbols", "hlm"]) == 0
    out = capsys.readouterr().out
    assert "β₀ⱼ = γ₀₀ + γ₀₁ MEANSESⱼ + u₀ⱼ" in out and "assumed" not in out


def test_cluster_without_data_is_an_error(capsys):
    assert main(["explain", "y ~ x + (1 | g)", "--cluster", "a"]) == 2
    assert "--data" in capsys.readouterr().err


def test_explain_index_letters_and_symbol_letters(capsys):
    assert main(["explain", "y ~ x * m + (1 + x | school)", "--level", "m=school",
                 "--level", "x=1", "--indices", "ts", "--residual", "e", "--random", "u",
                 "--verify"]) == 0
    out = capsys.readouterr().out
    assert "yₜₛ = β₀ₛ + β₁ₛ xₜₛ + eₜₛ" in out
    assert "β₁ₛ = γ₁₀ + γ₁₁ mₛ + u₁ₛ" in out
    assert "s = 1, …, S: school" in out and "all forms agree" in out


def test_explain_latex_keeps_the_notes_as_comments(capsys):
    assert main(["explain", "y ~ x * m + (1 + x | school)", "--format", "latex"]) == 0
    out = capsys.readouterr().out
    body, notes = out.split(r"\end{aligned}")
    assert notes.strip().startswith("% Note: Levels assumed (no data)")


def test_explain_html_page(capsys):
    """A whole page that typesets itself offline (KaTeX inlined) around the fragment."""
    assert main(["explain", "Yield ~ 1 + (1 | Batch)", "--format", "html",
                 "--form", "composite"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>") and "renderMathInElement" in out
    assert '<div class="mixeq-equations" data-form="composite">' in out
    assert r"{\operatorname{Yield}}_{ij} &amp;= \gamma_{00} + U_{0j} + \varepsilon_{ij}" in out


def test_explain_all_forms_says_which_form_does_not_apply(capsys):
    assert main(["explain", "diameter ~ 1 + (1 | plate) + (1 | sample)", "--form", "all",
                 "--format", "latex", "--verify"]) == 0
    out = capsys.readouterr().out
    matrix = out.split("== matrix ==\n")[1].split("\n")[0]
    assert matrix.startswith("% (form='matrix'") and "form='stacked'" in matrix
    assert "[n/a] composite equals row 1 of the matrix form" in out
