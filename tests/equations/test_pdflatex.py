"""The LaTeX format compiles with pdflatex + amsmath (not only KaTeX): the whole golden
set, every form of the reference models, and names with spaces and bars. Skips without
pdflatex (.ci/run installs Debian's texlive-latex-base and texlive-latex-recommended)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from mixeq.equations import FORMS, render
from mixeq.errors import RenderError

from .helpers import MODELS, model

GOLDEN = Path(__file__).with_name("golden")
pytestmark = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                reason="pdflatex is not installed (apt-get install texlive-latex-base)")


def compile_latex(body: str, tmp_path: Path) -> str:
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[T1]{fontenc}\n"
           "\\begin{document}\n" + body + "\n\\end{document}\n")
    (tmp_path / "eq.tex").write_text(doc, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "eq.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    return (tmp_path / "eq.log").read_text(errors="replace")


def displayed(latex: str) -> str:
    """An equation as a document shows it; the notes after it (``% Note``) stay comments."""
    return "\\[\n" + latex.strip() + "\n\\]\n"


def test_the_golden_set_compiles(tmp_path):
    files = sorted(GOLDEN.glob("*.tex"))
    assert len(files) >= 8
    log = compile_latex("\n".join(displayed(f.read_text(encoding="utf-8")) for f in files),
                        tmp_path)
    assert "Undefined control sequence" not in log


def test_every_form_of_every_reference_model_compiles(tmp_path):
    parts = []
    for model_id in MODELS:
        for form in FORMS:
            try:
                parts.append(displayed(render(model(model_id), form=form).latex))
            except RenderError:
                continue  # the crossed matrix form
    compile_latex("\n".join(parts), tmp_path)


def test_names_with_spaces_and_bars_compile(tmp_path):
    eq = render("Reaction ~ Days + (Days | Subject)", form="composite",
                names={"Reaction": "Reaction time", "Days": "Days of sleep deprivation"})
    assert r"{\operatorname{Reaction\ time}}" in eq.latex
    explain = render("Reaction ~ Days + (Days | Subject)", form="explain").latex
    assert "(1 + Days $|$ Subject)" in explain and "Days | Subject" not in explain
    compile_latex(displayed(eq.latex) + displayed(explain), tmp_path)
