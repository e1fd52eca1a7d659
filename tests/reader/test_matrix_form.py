"""Reading what a forum question writes (issue 9 §3): the matrix form for one cluster,
the one-observation form and whole posts with prose — each checked against the level
equations, what disagrees named, and a plain statement when Z_j is right."""
from __future__ import annotations

from pathlib import Path

import pytest

import mixeq
from mixeq.reader import read_equations

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
LEVELS = r"""y_{ij} = \beta_{0j} + \beta_{1j} \cdot X_{ij} + \epsilon_{ij}
\beta_{0j} = \gamma_{00} + U_{0j}
\beta_{1j} = \gamma_{10} + U_{1j}
"""
Y = r"\begin{bmatrix} y_{1j}\\ \vdots \\ y_{n_{j}j} \end{bmatrix}"
EPS = r"\begin{bmatrix} \epsilon_{1j}\\ \vdots \\ \epsilon_{n_{j}j} \end{bmatrix}"


def matrix(x: str, beta: str, z: str, b: str) -> str:
    def mat(body):
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"
    return f"{Y} = {mat(x)} \\cdot {mat(beta)} + {mat(z)} \\cdot {mat(b)} + {EPS}"


RIGHT = matrix(r"1 & X_{1j} \\ \vdots & \vdots \\ 1 & X_{n_{j}j}", r"\gamma_{00} \\ \gamma_{10}",
               r"1 & X_{1j} \\ \vdots & \vdots \\ 1 & X_{n_{j}j}", r"U_{0j} \\ U_{1j}")


def read(name: str):
    return read_equations((FIXTURES / name).read_text())


def test_matrix_form_question_is_all_consistent():
    r = read("matrix_form_question.tex")
    assert r.formula == "y ~ 1 + X + (1 + X | j)" and r.diagnostics == []
    (note,) = r.notes
    assert "Z_j = [1, X_{1j}]" in note and "is right" in note
    assert "X's columns reappear in Z_j" in note
    assert "Z is block-diagonal when the rows are sorted by cluster" in note


def test_matrix_form_wrong_z_names_the_z_column():
    r = read("matrix_form_wrong_z.tex")
    assert r.formula == "y ~ 1 + X + W + X:W + (1 + X | j)"
    (d,) = r.diagnostics
    assert d.code == "matrix-form-mismatch" and d.line == 6
    assert "column 2 of Z_j is W_{j}, but the random effect u_{1j} multiplies X" in d.message
    assert "W belongs only in X_j" in d.message
    assert "of X_j" not in d.message and "X_j has no column" not in d.message  # X_j, β fine
    assert d.equation.startswith(r"\begin{bmatrix} y_{1j}")


def test_forum_post_prose_ignored_and_every_form_agrees():
    r = read("forum_post.md")
    assert r.formula == "Y ~ 1 + a + G + a:G + (1 + a | i)"
    assert r.diagnostics == []
    assert any("one-observation equation (line 14)" in n for n in r.notes)


def test_a_mismatched_x_column_is_named():
    text = LEVELS + matrix(r"1 & Q_{1j} \\ \vdots & \vdots", r"\gamma_{00} \\ \gamma_{10}",
                           r"1 & X_{1j} \\ \vdots & \vdots", r"U_{0j} \\ U_{1j}")
    (d,) = read_equations(text).diagnostics
    assert d.code == "matrix-form-mismatch" and d.line == 4
    assert "column 2 of X_j (Q_{1j}) is no column of the model's X (1, X)" in d.message


def test_a_misaligned_beta_is_caught():
    text = LEVELS.replace(r"\gamma_{00} + U", r"\gamma_{00} + \gamma_{01} W_{j} + U") + matrix(
        r"1 & X_{1j} & W_{j} \\ \vdots & \vdots & \vdots",
        r"\gamma_{00} \\ \gamma_{01} \\ \gamma_{10}",
        r"1 & X_{1j} \\ \vdots & \vdots", r"U_{0j} \\ U_{1j}")
    r = read_equations(text)
    (d,) = r.diagnostics
    assert d.code == "matrix-form-mismatch"
    assert "β's entry 2 (\\gamma_{01}) multiplies W in the level equations, but column 2 of " \
        "X_j is X_{1j}: β is not in the order of X_j's columns" in d.message


def test_a_z_column_with_no_random_effect_is_a_shape_remark():
    text = LEVELS + matrix(r"1 & X_{1j} \\ \vdots & \vdots", r"\gamma_{00} \\ \gamma_{10}",
                           r"1 & X_{1j} & X_{1j} \\ \vdots & \vdots & \vdots", r"U_{0j} \\ U_{1j}")
    (d,) = read_equations(text).diagnostics
    assert d.code == "matrix-form-shape" and d.line == 4
    assert "3 columns but the vector it multiplies has 2 entries" in d.message


def test_a_wrong_observation_equation_is_named():
    post = (FIXTURES / "forum_post.md").read_text().replace(r"a_{1i} \cdot r_{1i} + ", "")
    (d,) = read_equations(post).diagnostics
    assert d.code == "observation-mismatch" and d.line == 14
    assert "(1 | i)" in d.message


def test_a_wrong_composite_in_a_post_is_named():
    post = (FIXTURES / "forum_post.md").read_text().replace(
        r"\beta_{11} G_i a_{ti} + r_{0i}", r"r_{0i}")
    assert read_equations(post).codes() == ["composite-mismatch"]


@pytest.mark.parametrize("wrapper", [
    "\\begin{{equation}}\n{0}\n\\end{{equation}}",
    "{0} \\tag{{3}}",
    "{0} \\qquad (3)",
    "$${0}$$ and some prose with $x$ in it",
    "Here is my model: ${0}$.",
])
def test_equations_pasted_with_numbers_and_prose(wrapper):
    lines = LEVELS.strip().split("\n")
    text = "\n".join(wrapper.format(line) for line in lines)
    r = read_equations(text)
    assert r.formula == "y ~ 1 + X + (1 + X | j)" and r.diagnostics == [], text


def test_hspace_and_a_number_inside_a_subscript():
    text = LEVELS.replace(r"\epsilon_{ij}", r"\epsilon_{ij \hspace{2cm} (3)}")
    r = read_equations(text + RIGHT)
    assert r.formula == "y ~ 1 + X + (1 + X | j)" and r.diagnostics == []


def test_check_cli_shows_every_form_and_the_proof(capsys):
    from mixeq.cli.main import main

    code = main(["check", str(FIXTURES / "matrix_form_question.tex"), "--form", "all",
                 "--verify"])
    out = capsys.readouterr().out
    assert code == 0
    for form in ("multilevel", "gelman-hill", "composite", "matrix", "stacked", "observation",
                 "explain"):
        assert f"{form} form:" in out
    assert "y ~ 1 + X + (1 + X | j): all forms agree" in out and "[FAILED]" not in out
    assert "Z_j = [1, X_{1j}]" in out  # the plain statement about the matrix form read


# -- read with the reader's own tokens (not line regexes) --------------------------------
def test_a_matrix_form_written_over_several_lines_is_read():
    text = LEVELS + RIGHT.replace(r" \\ ", " \\\\\n ").replace("+ \\begin", "+\n\\begin")
    assert text.count("\n") > 8
    r = read_equations(text)
    assert r.formula == "y ~ 1 + X + (1 + X | j)" and r.diagnostics == [], text
    assert any("Z_j = [1, X_{1j}]" in n for n in r.notes)


def test_text_matrix_form_with_unicode_subscripts_and_wrong_z():
    levels = "yᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ + εᵢⱼ\nβ₀ⱼ = γ₀₀ + U₀ⱼ\nβ₁ⱼ = γ₁₀ + U₁ⱼ\n"
    right = "[y₁ⱼ; ⋮] = [1, x₁ⱼ; ⋮, ⋮] [γ₀₀; γ₁₀] + [1, x₁ⱼ; ⋮, ⋮] [U₀ⱼ; U₁ⱼ] + [ε₁ⱼ; ⋮]"
    r = read_equations(levels + right)
    assert r.formula == "y ~ 1 + x + (1 + x | j)" and r.diagnostics == []
    assert any("Z_j = [1, x₁ⱼ]" in n for n in r.notes)
    (d,) = read_equations(levels + right.replace("[1, x₁ⱼ; ⋮, ⋮] [U", "[1, 1; ⋮, ⋮] [U")
                          ).diagnostics
    assert d.code == "matrix-form-mismatch" and d.line == 4
    assert "column 2 of Z_j is 1, but the random effect U₁ⱼ multiplies x" in d.message


def test_unicode_observation_line_is_read_and_checked():
    levels = "yᵢⱼ = β₀ⱼ + β₁ⱼ xᵢⱼ + εᵢⱼ\nβ₀ⱼ = γ₀₀ + U₀ⱼ\nβ₁ⱼ = γ₁₀ + U₁ⱼ\n"
    r = read_equations(levels + "y₁ⱼ = 1·γ₀₀ + x₁ⱼ·γ₁₀ + 1·U₀ⱼ + x₁ⱼ·U₁ⱼ + ε₁ⱼ")
    assert r.diagnostics == [] and any("one-observation equation (line 4)" in n
                                       for n in r.notes)
    (d,) = read_equations(levels + "y₁ⱼ = 1·γ₀₀ + x₁ⱼ·γ₁₀ + 1·U₀ⱼ + ε₁ⱼ").diagnostics
    assert d.code == "observation-mismatch" and d.equation.startswith("y₁ⱼ")


def test_a_coefficient_equation_is_no_observation_line():
    r = read_equations("y_ij = b_0j + b_1j x_ij + e_ij\nb_0j = g_00 + u_0j\nb_1j = g_10 + u_1j")
    assert r.formula == "y ~ 1 + x + (1 + x | j)" and r.notes == [] and r.diagnostics == []


def test_mixeqs_symbolic_matrix_form_with_its_definitions_reads_back():
    """Y_j = X_j β + Z_j b_j + ε_j with X_j, β, Z_j, b_j written out below it (mixeq's own
    layout); b_j ~ N(0, T) with a diagonal T is the uncorrelated model."""
    spec = mixeq.parse("Reaction ~ Days + (Days || Subject)")
    from mixeq.equations import render

    for fmt in ("latex", "text"):
        text = getattr(render(spec, form="matrix", format=fmt), fmt)
        r = read_equations(text, group_map={"j": "Subject"}, render=False)
        assert r.spec == spec and r.diagnostics == [], text
        assert any("The matrix form" in n for n in r.notes)


def test_a_superscript_label_is_not_an_equation_number():
    """``Z^{\\text{(2)}}`` and ``Z^{\\text{(3)}}`` (two factors of a nested model) keep their
    labels: ``(2)`` right after a brace is no equation number."""
    from mixeq.reader.prose import clean

    assert clean(r"Z_{jk}^{\text{(2)}} = 1") == r"Z_{jk}^{\text{(2)}} = 1"
    assert "(3)" not in clean(r"y_{ij} = \beta_{0j} + e_{ij} (3)")
