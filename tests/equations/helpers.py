"""Shared by the equation tests: the reference models, and the two LaTeX checks every test
uses — KaTeX (node and node_modules/katex, batched in one process) and pdflatex with
amsmath — each skipping with the reason where its part is absent."""
from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from functools import lru_cache
from pathlib import Path

import pytest

import mixeq
from conftest import load_dataset

ROOT = Path(__file__).resolve().parents[2]
KATEX_SCRIPT = Path(__file__).with_name("katex_check.js")

# The models the issue names: id → (formula, data set)
MODELS = {
    "textbook": ("y ~ x * m + (1 + x | school)", "seedlike"),
    "sleepstudy_slope": ("Reaction ~ Days + (Days | Subject)", "sleepstudy"),
    "dyestuff": ("Yield ~ 1 + (1 | Batch)", "Dyestuff"),
    "sleepstudy_uncorrelated": ("Reaction ~ Days + (Days || Subject)", "sleepstudy"),
    "pastes_nested": ("strength ~ 1 + (1 | batch/cask)", "Pastes"),
    "penicillin_crossed": ("diameter ~ 1 + (1 | plate) + (1 | sample)", "Penicillin"),
    "cake_factor": ("angle ~ recipe * temperature + (1 | recipe:replicate)", "cake"),
}


@lru_cache(maxsize=None)
def model(model_id: str) -> mixeq.Model:
    formula, dataset = MODELS[model_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(formula, load_dataset(dataset))


def katex_available() -> bool:
    return shutil.which("node") is not None and (ROOT / "node_modules" / "katex").is_dir()


def katex_errors(expressions: list[str]) -> list:
    """Render every expression with KaTeX in one node process: None or the error."""
    if not katex_available():
        pytest.skip("KaTeX check needs node and node_modules/katex (run `npm ci`)")
    done = subprocess.run(["node", str(KATEX_SCRIPT)], input=json.dumps(expressions),
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_katex_renders(named: dict[str, str]):
    names = list(named)
    errors = katex_errors([named[n] for n in names])
    bad = {n: e for n, e in zip(names, errors) if e}
    assert not bad, "KaTeX cannot render:\n" + "\n".join(f"{n}: {e}" for n, e in bad.items())


# -- pdflatex ------------------------------------------------------------------------------
NO_PDFLATEX = "pdflatex is not installed (apt-get install texlive-latex-base texlive-latex-recommended)"


def pdflatex_available() -> bool:
    return shutil.which("pdflatex") is not None


needs_pdflatex = pytest.mark.skipif(not pdflatex_available(), reason=NO_PDFLATEX)


def displayed(latex: str) -> str:
    """An equation as a document shows it; the notes after it (``% Note``) stay comments."""
    return "\\[\n" + latex.strip() + "\n\\]\n"


def compile_latex(body: str, tmp_path: Path) -> str:
    """Compile ``body`` in an article with amsmath; fails on any LaTeX error (undefined
    control sequences included); the log, for further checks (overfull boxes)."""
    if not pdflatex_available():
        pytest.skip(NO_PDFLATEX)
    doc = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[T1]{fontenc}\n"
           "\\begin{document}\n" + body + "\n\\end{document}\n")
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "eq.tex").write_text(doc, encoding="utf-8")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "eq.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    log = (tmp_path / "eq.log").read_text(errors="replace")
    assert "Undefined control sequence" not in log, log[-3000:]
    return log


def compile_displays(latexes, tmp_path: Path) -> str:
    """Compile every equation of ``latexes`` as a display of one document (compile_latex)."""
    return compile_latex("\n".join(displayed(t) for t in latexes), tmp_path)


def assert_latex_compiles_everywhere(named: dict[str, str], tmp_path: Path) -> None:
    """KaTeX renders every equation (skips without node/katex), and pdflatex compiles them
    where it is installed."""
    assert_katex_renders(named)
    if pdflatex_available():
        compile_displays(named.values(), tmp_path)
