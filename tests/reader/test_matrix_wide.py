"""The matrix form of a model with nine fixed terms (issue 13: "a nine-term model's printed
matrix form reads back as no-level1-equation").

mixeq prints a wide X_j with its middle columns left out (``max_cols``, 8 by default: ⋯ in
X_j, ⋮ in β). Written whole (max_cols=0) it reads back as the model in every format, with
and without data (Hsb82, tests/data). As printed, the columns under ⋯ are not written, so
no model can be read from it alone: the reader says that (``matrix-form-elided``), not that
a level-1 equation is missing; beside the level equations, the columns it shows are
checked against them, and a wrong one is still caught."""
from __future__ import annotations

import pytest
from conftest import load_dataset

import mixeq
from mixeq.equations import render
from mixeq.reader import read_equations

NINE = "mAch ~ meanses * cses * sector + I(cses^2) + (1 + cses | school)"
FORMATS = ("latex", "text", "markdown")
SCHOOL = {"j": "school"}


@pytest.fixture(scope="module")
def hsb():
    return load_dataset("Hsb82")


@pytest.fixture(scope="module")
def model(hsb):
    m = mixeq.Model(NINE, data=hsb)
    assert m.X.shape[1] == 9
    return m


def _form(model, form, fmt, **kw) -> str:
    return getattr(render(model, form=form, format=fmt, **kw), fmt)


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize("with_data", [False, True], ids=["formula", "data"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_whole_matrix_form_reads_back_as_the_model(model, hsb, fmt, with_data):
    text = _form(model, "matrix", fmt, max_cols=0)
    result = read_equations(text, group_map=SCHOOL, data=hsb if with_data else None,
                            render=False)
    assert _codes(result) == [], "\n".join(map(str, result.diagnostics))
    # without data, the dummy sector_Public is a variable of that name
    want = NINE if with_data else NINE.replace("sector", "sector_Public")
    assert result.spec == mixeq.parse(want), result.formula


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_printed_matrix_form_alone_says_columns_are_left_out(model, hsb, fmt):
    text = _form(model, "matrix", fmt)
    assert "⋯" in text or r"\cdots" in text
    for data in (None, hsb):
        result = read_equations(text, group_map=SCHOOL, data=data, render=False)
        assert _codes(result) == ["matrix-form-elided"], result.diagnostics
        message = result.diagnostics[0].message
        assert "writes 7 columns of X_j" in message and "after column 5" in message
        assert "max_cols=0" in message and result.spec is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_printed_matrix_form_beside_the_level_equations_is_checked(model, hsb, fmt):
    text = _form(model, "multilevel", fmt) + "\n" + _form(model, "matrix", fmt)
    result = read_equations(text, group_map=SCHOOL, data=hsb, render=False)
    assert _codes(result) == [], result.diagnostics
    assert result.spec == mixeq.parse(NINE)
    assert any("the columns it shows are columns of the model's X" in n for n in result.notes)


# planted: a wrong column among those shown, and β's entries out of X_j's order
BREAKS = {
    "column": (r"\begin{bmatrix} 1 & {\operatorname{meanses}}_{j}",
               r"\begin{bmatrix} 1 & {\operatorname{ses}}_{j}", "no column of the model's X"),
    "order": (r"\beta &= \begin{bmatrix} \gamma_{00} \\ \gamma_{01} \\ \gamma_{10}",
              r"\beta &= \begin{bmatrix} \gamma_{00} \\ \gamma_{10} \\ \gamma_{01}",
              "which multiplies"),
}


@pytest.mark.parametrize("kind", sorted(BREAKS))
def test_a_wrong_shown_column_is_still_caught(model, hsb, kind):
    old, new, said = BREAKS[kind]
    matrix = _form(model, "matrix", "latex")
    assert old in matrix
    text = _form(model, "multilevel", "latex") + "\n" + matrix.replace(old, new, 1)
    result = read_equations(text, group_map=SCHOOL, render=False)
    assert _codes(result) == ["matrix-form-mismatch"], result.diagnostics
    assert said in result.diagnostics[0].message
