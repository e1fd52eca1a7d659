"""The LaTeX format compiles with pdflatex + amsmath (not only KaTeX): the whole golden
set, every form of the reference models, and names with spaces and bars. Skips without
pdflatex (.ci/run installs Debian's texlive-latex-base and texlive-latex-recommended)."""
from __future__ import annotations

from pathlib import Path

from mixeq.equations import FORMS, render
from mixeq.errors import RenderError

from .helpers import MODELS, compile_displays, model, needs_pdflatex

GOLDEN = Path(__file__).with_name("golden")
pytestmark = needs_pdflatex


def test_the_golden_set_compiles(tmp_path):
    files = sorted(GOLDEN.glob("*.tex"))
    assert len(files) >= 8
    compile_displays([f.read_text(encoding="utf-8") for f in files], tmp_path)


def test_every_form_of_every_reference_model_compiles(tmp_path):
    parts = []
    for model_id in MODELS:
        for form in FORMS:
            try:
                parts.append(render(model(model_id), form=form).latex)
            except RenderError:
                continue  # the crossed matrix form
    compile_displays(parts, tmp_path)


def test_names_with_spaces_and_bars_compile(tmp_path):
    eq = render("Reaction ~ Days + (Days | Subject)", form="composite",
                names={"Reaction": "Reaction time", "Days": "Days of sleep deprivation"})
    assert r"{\operatorname{Reaction\ time}}" in eq.latex
    explain = render("Reaction ~ Days + (Days | Subject)", form="explain").latex
    assert "(1 + Days $|$ Subject)" in explain and "Days | Subject" not in explain
    compile_displays([eq.latex, explain], tmp_path)
