"""Long equations wrap by default (``wrap=``, a width in characters of the text format;
``wrap=None`` turns it off): on a long model every equation line of the text is within
the width, the LaTeX breaks at the same terms inside amsmath ``aligned`` and compiles in
KaTeX and in pdflatex without running off the page, and the wrapped output reads back."""
from __future__ import annotations

import pytest

from mixeq.equations import render
from mixeq.equations.options import Options
from mixeq.reader import read_equations

from .helpers import assert_katex_renders, compile_displays, needs_pdflatex

# many fixed terms, a cross-level interaction, three random-effects terms on two factors
LONG = ("score ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + m1 + x1:m1"
        " + (1 + x1 + x2 | school) + (0 + x3 | school) + (1 | room)")
SUM_FORMS = ["multilevel", "composite", "gelman-hill", "observation"]
DRAWN = set("⎡⎢⎣⎤⎥⎦⎛⎜⎝⎞⎟⎠")  # a drawn matrix or vector: one piece, never broken


def equation_lines(text: str) -> list[str]:
    """The lines of equations: not prose (``- `` sentences, notes, kept whole on one
    line so that a reader skips them) and not a drawn matrix."""
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith(("- ", "Note:"))
            and not DRAWN & set(ln)]


def test_the_default_width_is_the_options_record():
    assert Options().wrap == 70 and Options(wrap=None).wrap is None


@pytest.mark.parametrize("form", SUM_FORMS)
@pytest.mark.parametrize("width", [70, 50])
def test_every_equation_line_is_within_the_width(form, width):
    wrapped = render(LONG, form, "text", wrap=width).text
    lines = equation_lines(wrapped)
    assert max(map(len, lines)) <= width, "\n".join(ln for ln in lines if len(ln) > width)
    assert sum(ln.lstrip().startswith("+ ") for ln in lines) >= 2  # continuation lines
    unwrapped = equation_lines(render(LONG, form, "text", wrap=None).text)
    assert max(map(len, unwrapped)) > width  # the check can fail: the model is long


def test_latex_breaks_where_the_text_breaks():
    text = render(LONG, "composite", "text").text.split("\n\n")[0].splitlines()
    latex = render(LONG, "composite", "latex").latex.split(r"\\[4pt]")[0]
    assert latex.count(r"&\quad + ") == len(text) - 1 >= 2
    assert render(LONG, "composite", "latex", wrap=None).latex.count(r"&\quad") == 0


def test_wrapped_latex_renders_in_katex():
    assert_katex_renders({f"{form} {w}": render(LONG, form, "latex", wrap=w).latex
                          for form in [*SUM_FORMS, "explain", "stacked"] for w in (70, 40)})


@needs_pdflatex
def test_wrapped_latex_compiles_in_pdflatex_and_fits_the_page(tmp_path):
    """pdflatex (article, amsmath) reports an overfull box for a display wider than the
    text: none for the wrapped forms, some for the same forms unwrapped."""
    log = compile_displays([render(LONG, form, "latex").latex for form in SUM_FORMS], tmp_path)
    assert "Overfull \\hbox" not in log
    (tmp_path / "unwrapped").mkdir()
    unwrapped = [render(LONG, form, "latex", wrap=None).latex for form in SUM_FORMS]
    assert "Overfull \\hbox" in compile_displays(unwrapped, tmp_path / "unwrapped")


@pytest.mark.parametrize("fmt", ["text", "latex"])
@pytest.mark.parametrize("form", SUM_FORMS)
def test_wrapped_output_reads_back_as_the_unwrapped(form, fmt):
    wrapped = read_equations(str(render(LONG, form, fmt)))
    whole = read_equations(str(render(LONG, form, fmt, wrap=None)))
    assert wrapped.ok and whole.ok, [d.message for d in wrapped.diagnostics]
    assert wrapped.spec.canonical() == whole.spec.canonical()
    if form != "observation":  # one row cannot show which terms are correlated
        assert wrapped.spec.canonical() == ("score ~ 1 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8"
                                            " + m1 + x1:m1 + (1 + x1 + x2 | school)"
                                            " + (0 + x3 | school) + (1 | room)")
