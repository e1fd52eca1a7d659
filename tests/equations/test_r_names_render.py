"""Every form and format of models whose columns R names its own way — a logical term
(``I(Days > 5)TRUE``, FALSE/TRUE × levels in an interaction), contrasts named in C()
(``C(f, sum)1``, ``C(k, contr.poly)^4``) — renders, KaTeX typesets
every LaTeX output, and the dummy is written as R's column (``I(Days > 5)_TRUE``)."""
from __future__ import annotations

import warnings

import pytest

import mixeq
from design.r_names import sleep_names
from mixeq.equations import FORMATS, FORMS, render

from .helpers import assert_latex_compiles_everywhere

MODELS = {
    "logical": "Reaction ~ Days + I(Days > 5) * f + (1 + I(Days > 5) | Subject)",
    "logical_deficient": "Reaction ~ I(Days > 5):f + Days:I(Days >= 5) + I(Days != 3) + "
                         "(1 | Subject)",
    "logical_column": "Reaction ~ lg * Days + (0 + lg | Subject)",
    "contrasts": "Reaction ~ Days + C(f, sum) + C(k, contr.poly) + C(f, contr.treatment):Days"
                 " + (1 + C(h, helmert) | Subject)",
    "contrast_indicators": "Reaction ~ 0 + C(f, SAS) + C(k, SAS) + (1 | Subject)",
}


def _model(model_id):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mixeq.Model(MODELS[model_id], sleep_names())


@pytest.fixture(scope="module")
def models():
    return {k: _model(k) for k in MODELS}


@pytest.mark.parametrize("model_id", list(MODELS))
def test_every_form_and_format_renders_the_dummies(models, model_id):
    m = models[model_id]
    for form in FORMS:
        for fmt in FORMATS:
            out = str(render(m, form=form, format=fmt))
            assert out.strip(), (form, fmt)
    text = render(m, "composite", "text", wrap=None).text
    for shown in SHOWN[model_id]:     # R's columns, a dummy as variable_level
        assert shown in text, (shown, text)


SHOWN = {
    "logical": ["I(Days > 5)_TRUEᵢⱼ f_bᵢⱼ", "U₂ⱼ I(Days > 5)_TRUEᵢⱼ"],
    "logical_deficient": ["I(Days > 5)_FALSEᵢⱼ f_aᵢⱼ", "I(Days > 5)_TRUEᵢⱼ f_bᵢⱼ",
                          "Daysᵢⱼ I(Days >= 5)_FALSEᵢⱼ", "I(Days != 3)_TRUEᵢⱼ"],
    "logical_column": ["lg_TRUEᵢⱼ Daysᵢⱼ", "U₄ⱼ lg_FALSEᵢⱼ", "U₁ⱼ lg_TRUEᵢⱼ"],
    "contrasts": ["C(f, sum)_1ᵢⱼ", "C(f, sum)_2ᵢⱼ", "C(k, contr.poly)_.Lᵢⱼ",
                  "C(k, contr.poly)_^4ᵢⱼ", "Daysᵢⱼ C(f, contr.treatment)_3ᵢⱼ",
                  "C(h, helmert)_1ᵢⱼ"],
    "contrast_indicators": ["C(f, SAS)_aᵢⱼ", "C(f, SAS)_cᵢⱼ", "C(k, SAS)_vᵢⱼ"],
}


def test_katex_and_pdflatex_take_every_latex_output(models, tmp_path):
    named = {}
    for model_id, m in models.items():
        for form in FORMS:
            named[f"{model_id}/{form}"] = render(m, form=form).latex
            named[f"{model_id}/{form}/formula"] = render(MODELS[model_id], form=form).latex
    named["logical/matrix/cluster"] = render(models["logical"], "matrix", cluster="309").latex
    assert_latex_compiles_everywhere(named, tmp_path)
    assert "I(Days\\ >\\ 5)\\_TRUE" in named["logical/composite"]
    assert "I(Days\\ !=\\ 3)\\_TRUE" in named["logical_deficient/composite"]
    assert "C(f,\\ sum)\\_1" in named["contrasts/composite"]

