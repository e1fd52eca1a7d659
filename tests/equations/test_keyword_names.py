"""Columns named by Python keywords or R-quoted names in the equations: each variable is
written as its name (``class``, ``lambda``, ``my var``; backticked in text output, as R
quotes it), escaped for LaTeX and HTML; KaTeX and pdflatex take the LaTeX, and the reader
reads every form back to the model's formula."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, load_dataset

import mixeq
from mixeq.equations import render, verify
from mixeq.reader import read_equations

REF = json.loads((DATA / "keywords" / "hsb82_keywords_lme4.json").read_text())
FORMULA = "mAch ~ class * lambda + `my var` + log(`2nd`) + (1 + lambda | `if`)"
FORMS = ["multilevel", "composite", "gelman-hill", "observation"]


@pytest.fixture(scope="module")
def model():
    data = load_dataset("Hsb82").rename(columns={v: k for k, v in REF["renamed"].items()})
    data["2nd"] = np.linspace(1.0, 3.0, len(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(FORMULA, data)


def test_each_variable_is_written_as_its_name(model):
    text = render(model, "composite", "text", wrap=None).text
    for shown in ("class_Publicⱼ", "lambdaᵢⱼ", "`my var`ⱼ", "log(`2nd`ᵢⱼ)"):
        assert shown in text, (shown, text)
    latex = render(model, "composite").latex
    for shown in (r"{\operatorname{class\_Public}}", r"{\operatorname{lambda}}",
                  r"{\operatorname{my\ var}}", r"{\operatorname{2nd}}"):
        assert shown in latex, (shown, latex)
    assert "`" not in latex and "mixeq_c" not in latex + text


@pytest.mark.parametrize("fmt", ["latex", "text"])
@pytest.mark.parametrize("form", FORMS)
def test_every_form_reads_back_to_the_formula(model, form, fmt):
    # a two-level factor's one dummy (class_Public) reads back as a column without its
    # data (as sector_Public does), so the round trip is shown on the other names
    formula = "mAch ~ lambda * `my var` + I(`2nd`^2) + import + (1 + lambda | `if`)"
    read = read_equations(str(render(formula, form, fmt, levels={"my var": "if"})))
    assert read.spec is not None, read.codes()
    back = mixeq.parse(read.spec.canonical().replace("| j)", "| `if`)"))  # no legend: j
    assert back == mixeq.parse(formula), (str(read.spec), read.codes())
    assert read.ok, read.codes()


def test_verify_proves_the_equations_against_the_data_and_the_fit(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = verify(model.fit())
    assert report.ok, str(report)


def test_html_escapes_the_names():
    rng = np.random.default_rng(3)
    data = pd.DataFrame({"y": rng.normal(size=60), "g": np.repeat(np.arange(12), 5),
                         "a&b": rng.normal(size=60), "x<y": rng.normal(size=60)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mixeq.Model("y ~ `a&b` + `x<y` + (1 | g)", data)
    html = render(m, "composite", "html").html
    assert r"\operatorname{a\&amp;b}" in html and r"\operatorname{x&lt;y}" in html
    assert "x<y" not in html
    latex = render(m, "composite").latex
    assert read_equations(latex).spec == mixeq.parse("y ~ `a&b` + `x<y` + (1 | g)")


def test_its_latex_renders_in_katex_and_compiles_in_pdflatex(model, tmp_path):
    from .helpers import assert_latex_compiles_everywhere

    forms = ["multilevel", "composite", "gelman-hill", "matrix", "explain"]
    latex = {f: render(model, f).latex for f in forms}
    assert_latex_compiles_everywhere(latex, tmp_path)
