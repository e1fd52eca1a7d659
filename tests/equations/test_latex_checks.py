"""The LaTeX checks the equation tests share (helpers.py) catch what they are for: KaTeX
names the expression it cannot render, and pdflatex fails on an undefined control
sequence or an unbalanced display; each skips with the reason where its part is absent."""
from __future__ import annotations

import pytest

from .helpers import (assert_katex_renders, assert_latex_compiles_everywhere, compile_displays,
                      compile_latex, displayed, katex_errors, needs_pdflatex)


def test_katex_reports_each_broken_expression_and_passes_a_good_one():
    errors = katex_errors([r"y_{ij} = \beta_{0j}", r"\frac{1}{", r"\notamacro x"])
    assert errors[0] is None
    assert errors[1] and errors[2] and "notamacro" in errors[2]


def test_assert_katex_renders_names_the_broken_equation():
    with pytest.raises(AssertionError, match="composite"):
        assert_katex_renders({"multilevel": "x^2", "composite": r"\left( x"})


def test_displayed_wraps_an_equation_in_a_display():
    assert displayed(" x = 1 \n") == "\\[\nx = 1\n\\]\n"


@needs_pdflatex
def test_pdflatex_compiles_a_good_display_and_returns_its_log(tmp_path):
    log = compile_displays([r"y_{ij} = \beta_{0j} + \begin{bmatrix} 1 & x \end{bmatrix}"],
                           tmp_path)
    assert "Output written on eq.pdf" in log


@needs_pdflatex
@pytest.mark.parametrize("body", [displayed(r"\notamacro x"), displayed(r"\left( x"), "\\[ x"],
                         ids=["undefined macro", "unbalanced left", "unclosed display"])
def test_pdflatex_fails_on_a_broken_display(body, tmp_path):
    with pytest.raises(AssertionError):
        compile_latex(body, tmp_path)


@needs_pdflatex
def test_the_combined_check_fails_when_only_pdflatex_rejects(tmp_path):
    # KaTeX accepts \mathbb without amssymb; the article with amsmath alone does not know it
    with pytest.raises(AssertionError):
        assert_latex_compiles_everywhere({"set": r"x \in \mathbb{R}"}, tmp_path)
