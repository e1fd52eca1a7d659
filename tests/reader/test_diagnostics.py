"""Every kind of inconsistency gets its diagnostic: code, equation (line and
text), a sentence, and the corrected equation in the input's own spelling."""
from __future__ import annotations

import pytest

import mixeq
from mixeq.reader import read_equations


def read(text: str, **opts):
    return read_equations(text, render=False, **opts)


def only(result, code):
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [str(d) for d in result.diagnostics]
    return found[0]


def test_slope_without_cluster_index_plain_text():
    r = read("y_ij = b0j + b10*x_ij + e_ij\nb0j = g00 + u0j\nb10 = g10 + u1j")
    d = only(r, "slope-not-indexed")
    assert d.line == 1 and d.column == 14
    assert d.corrected == "y_ij = b0j + b1j*x_ij + e_ij\nb1j = g10 + u1j"
    assert r.spec == mixeq.parse("y ~ x + (x | j)")


def test_intercept_without_cluster_index():
    r = read(r"y_{ij} = \beta_{0} + \varepsilon_{ij}" "\n" r"\beta_{0} = \gamma_{00} + U_{0j}")
    d = only(r, "intercept-not-indexed")
    assert d.corrected.split("\n")[0] == r"y_{ij} = \beta_{0j} + \varepsilon_{ij}"
    assert r.spec == mixeq.parse("y ~ 1 + (1 | j)")


def test_indexed_coefficient_without_level2_equation():
    r = read("y_{ij} = \\beta_{0j} + \\beta_{1j} X_{ij} + \\epsilon_{ij}\n"
             "\\beta_{0j} = \\gamma_{00} + U_{0j}")
    d = only(r, "missing-level2-equation")
    assert d.line == 1 and "β_1j" in d.message
    assert d.corrected == "\\beta_{1j} = \\gamma_{10} + U_{1j}"
    assert r.spec == mixeq.parse("y ~ X + (X | j)")


def test_level2_equation_that_level1_does_not_use():
    r = read("y_ij = b0j + e_ij\nb0j = g00 + u0j\nb2j = g20 + u2j")
    d = only(r, "unused-level2-equation")
    assert d.line == 3 and d.equation == "b2j = g20 + u2j" and "β_2j" in d.message
    assert r.spec == mixeq.parse("y ~ 1 + (1 | j)")


def test_level2_predictor_with_observation_index():
    r = read("y_ij = b0j + e_ij\nb0j = g00 + g01*W_ij + u0j")
    d = only(r, "level2-predictor-observation-index")
    assert d.corrected == "b0j = g00 + g01*W_j + u0j" and d.column == 17
    assert r.levels["W"] == {"level": 2, "group": "j"}


def test_level1_predictor_in_level2_equation():
    r = read(r"""y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + \varepsilon_{ij}
\beta_{0j} = \gamma_{00} + \gamma_{01} x_{ij} + U_{0j}
\beta_{1j} = \gamma_{10}""")
    d = only(r, "level1-predictor-in-level2")
    assert d.line == 2 and "cluster mean" in d.message
    assert d.corrected == r"\beta_{0j} = \gamma_{00} + \gamma_{01} \bar{x}_{j} + U_{0j}"
    assert r.codes() == ["level1-predictor-in-level2"]


@pytest.mark.parametrize("text, corrected", [
    ("y_ij = b0j + e_ij\nb0j = g00 + u0i", "b0j = g00 + u0j"),
    ("y_{ij} = \\beta_{0j} + \\beta_{1j} x_{ij} + e_{ij}\n\\beta_{0j} = \\gamma_{00} + U_{1j}\n"
     "\\beta_{1j} = \\gamma_{10} + U_{1j}", "\\beta_{0j} = \\gamma_{00} + U_{0j}"),
    ("y_ij = b0j + e_ij\nb0j = g00 + u0k", "b0j = g00 + u0j"),
    ("y_ij = b0j + e_ij\nb0j = g00 + e_ij", "b0j = g00 + u_0j"),
])
def test_random_effect_with_wrong_index(text, corrected):
    r = read(text)
    d = only(r, "random-effect-wrong-index")
    assert d.corrected == corrected
    assert r.spec == mixeq.parse("y ~ 1 + (1 | j)") or r.spec == mixeq.parse("y ~ x + (x | j)")


def test_coefficient_with_wrong_index():
    r = read("y_ij = b0k + e_ij\nb0k = g00 + u0j")
    d = only(r, "coefficient-wrong-index")
    assert d.corrected == "y_ij = b0j + e_ij"


def test_same_gamma_for_two_terms():
    r = read(r"""y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + \varepsilon_{ij}
\beta_{0j} = \gamma_{00} + \gamma_{01} w_{j} + U_{0j}
\beta_{1j} = \gamma_{01} + U_{1j}""")
    d = only(r, "symbol-reused")
    assert d.line == 3 and "γ_01" in d.message
    assert d.corrected == r"\beta_{1j} = \gamma_{10} + U_{1j}"
    assert r.spec == mixeq.parse("y ~ x + w + (x | j)")


def test_same_random_effect_for_two_coefficients_and_duplicate_equation():
    r = read("y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u0j")
    assert "random-effect-wrong-index" in r.codes()
    r = read("y_ij = b0j + e_ij\nb0j = g00 + u0j\nb0j = g00")
    assert only(r, "duplicate-equation").line == 3


def test_outcome_used_as_predictor():
    r = read("y_ij = b0j + b1j*y_ij + e_ij\nb0j = g00 + u0j\nb1j = g10")
    assert "symbol-reused" in r.codes()


def test_missing_residual_latex_and_text():
    r = read(r"y_{ij} = \beta_{0j}" "\n" r"\beta_{0j} = \gamma_{00} + U_{0j}")
    assert only(r, "missing-residual").corrected == r"y_{ij} = \beta_{0j} + \varepsilon_{ij}"
    r = read("y_ij = b0j + b1j*x_ij\nb0j = g00 + u0j\nb1j = g10")
    assert only(r, "missing-residual").corrected == "y_ij = b0j + b1j*x_ij + e_ij"


@pytest.mark.parametrize("text, line, column, words", [
    (r"y_{ij} = \beta_{0j} + + \epsilon_{ij}", 1, 23, "expected a term after '+'"),
    ("y_ij = b0j + e_ij\nb0j = g00 + u_{0j", 2, 15, "'{' without its closing '}'"),
    ("y_ij = b0j + e_ij\nb0j = (g00 + u0j", 2, 17, "')' to close"),
    ("y_ij = b0j + e_ij = 3", 1, 19, "second '='"),
    ("y_ij = b0j + \\frac{1}{2} + e_ij", 1, 14, "\\frac"),
    ("y_ij = b0j + e_ij\nb0j = g00 + u0j @", 2, 17, "'@'"),
])
def test_unparseable_equation_says_where(text, line, column, words):
    r = read(text)
    d = [d for d in r.diagnostics if d.code == "parse-error"][0]
    assert (d.line, d.column) == (line, column), str(d)
    assert words in d.message and f"column {column}" in d.message


@pytest.mark.parametrize("text, corrected", [
    (r"y_{ij} = \beta_{0j} + + \epsilon_{ij}", r"y_{ij} = \beta_{0j} + \epsilon_{ij}"),
    ("y_ij = b0j + e_ij\nb0j = g00 + u_{0j", "b0j = g00 + u_{0j}"),
    ("y_ij = b0j + e_ij\nb0j = (g00 + u0j", "b0j = (g00 + u0j)"),
    ("y_ij = b0j + e_ij\nb0j = g00 + u0j @", "b0j = g00 + u0j"),
    (r"y_{ij} = \beta_{0j} + x_{ij + e_{ij}", r"y_{ij} = \beta_{0j} + x_{ij} + e_{ij}"),
    ("y_ij = b0j + e_ij = 3", None),
    (r"y_{ij} = \beta_{0j} + \frac{1}{2} + e_{ij}", None),
])
def test_parse_errors_suggest_a_repair_the_parser_accepts(text, corrected):
    d = [d for d in read(text).diagnostics if d.code == "parse-error"][0]
    assert d.corrected == corrected


def test_unreadable_level2_equation_is_not_also_missing():
    r = read("y_ij = b0j + e_ij\nb0j = g00 + u_{0j")
    assert r.codes() == ["parse-error"]
    assert r.spec == mixeq.parse("y ~ 1 + (1 | j)")


def test_prose_line_is_not_an_equation():
    r = read("here is my model\ny_ij = b0j + e_ij\nb0j = g00 + u0j")
    assert only(r, "not-an-equation").line == 1
    assert r.spec == mixeq.parse("y ~ 1 + (1 | j)")


def test_no_level1_equation():
    assert read("b0j = g00 + u0j").codes() == ["no-level1-equation"]
    empty = read("")
    assert empty.spec is None and empty.codes() == ["no-level1-equation"]


def test_corrected_equations_read_back_clean():
    """Applying each single-fix correction removes the remark."""
    text = "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*W_ij + u0j\nb1j = g10 + u1i"
    r = read(text)
    assert sorted(r.codes()) == ["level2-predictor-observation-index", "random-effect-wrong-index"]
    for d in r.diagnostics:
        text = text.replace(d.equation, d.corrected)
    assert read(text).codes() == []


def test_same_coefficient_written_two_ways():
    r = read("y_ij = b0j + b10*x_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j")
    d = only(r, "index-mismatch")
    assert d.line == 1 and d.corrected == "y_ij = b0j + b1j*x_ij + e_ij"
    assert r.spec == mixeq.parse("y ~ x + (x | j)")


def test_circular_products_and_bare_predictors():
    assert "circular-definition" in read("y_ij = b0j + e_ij\nb0j = g00 + b0j").codes()
    r = read("y_ij = b0j + b1j*g10*x_ij + e_ij\nb0j = g00 + u0j")
    assert only(r, "product-of-coefficients").column == 18
    r = read("y_ij = b0j + x_ij + e_ij\nb0j = g00 + u0j")  # coefficient 1: an offset
    assert "offset(x)" in only(r, "term-without-coefficient").message
    assert only(r, "term-without-coefficient").column == 14
    assert r.spec == mixeq.parse("y ~ offset(x) + (1 | j)")
    r = read("y_ij = b0j - x_ij + e_ij\nb0j = g00 + u0j")  # no offset(-x) guessed
    assert only(r, "term-without-coefficient").column == 14
    assert r.spec == mixeq.parse("y ~ x + (1 | j)")


def test_distribution_of_a_random_effect_in_no_equation():
    r = read("y_ij = b0j + e_ij\nb0j = g00 + u0j\n(u0j, u1j)' ~ N(0, T)")
    assert only(r, "unknown-random-effect").line == 3


def test_several_level1_equations_and_error_term_on_the_left():
    r = read("y_ij = b0j + e_ij\nz_ij = b0j + e_ij\nb0j = g00 + u0j\ne_ij = y_ij - b0j")
    assert sorted(r.codes()) == ["not-an-equation", "several-level1-equations"]


HLM = """Level-1 Model
Y_ij = β_0j + β_1j*(SES_ij) + r_ij
Level-2 Model
β_0j = γ_00 + γ_01*(SECTOR_j) + u_0j
β_1j = γ_10 + γ_11*(SECTOR_j) + u_1j
Mixed Model
"""


def test_composite_that_agrees_with_the_level_equations_is_quiet():
    r = read(HLM + "Y_ij = γ_00 + γ_01*SECTOR_j + γ_10*SES_ij + γ_11*SECTOR_j*SES_ij"
             " + u_0j + u_1j*SES_ij + r_ij")
    assert r.codes() == []
    assert r.spec == mixeq.parse("Y ~ SES * SECTOR + (SES | j)")


def test_composite_that_disagrees_is_a_remark():
    r = read(HLM + "Y_ij = γ_00 + γ_01*SECTOR_j + γ_10*SES_ij + u_0j + u_1j*SES_ij + r_ij")
    d = only(r, "composite-mismatch")
    assert d.line == 7 and "only in the level equations: SES:SECTOR" in d.message
    assert r.spec == mixeq.parse("Y ~ SES * SECTOR + (SES | j)")
