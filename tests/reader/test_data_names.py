"""With data, the reader reads a factor's dummy as the factor and a transform of a column
as that transform (issue 13's "noticed and left alone"), on the real Hsb82 data (mlmRev
1.0.8, tests/data/Hsb82.csv) and lme4's names for it (tests/data/hsb82_lme4.json).

- ``sector_Public`` (mixeq's own spelling, design.names.dummy_name, in every form and
  format), ``sector_Public_j`` typed, equatiomatic's
  ``\\operatorname{sector}_{\\operatorname{Public}}``: the factor ``sector``;
- ``log(z)``: a transform of the column z, kept as ``log(z)`` in the formula;
- and, planted, what must still be caught: a column that is not there (also inside a
  transform), the dummy of the reference level, a level the factor does not have, a
  factor of three levels written with one dummy, a transform at the wrong level."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_dataset

import mixeq
from mixeq.design.names import dummy_name, dummy_splits
from mixeq.reader import read_equations

DATA = Path(__file__).resolve().parents[1] / "data"
REF = json.loads((DATA / "hsb82_lme4.json").read_text())
FORMULA = "mAch ~ meanses * cses + sector * cses + (1 + cses | school)"
SCHOOL = {"j": "school"}


def _hsb(levels=None) -> pd.DataFrame:
    df = load_dataset("Hsb82")
    if levels is not None:  # R's factor: levels Public, Catholic (Public the reference)
        df["sector"] = pd.Categorical(df["sector"].astype(str), categories=levels)
    return df


def _read(text, df, **kw):
    return read_equations(text, group_map=SCHOOL, data=df, render=False, **kw)


def _codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


# -- the one spelling of a dummy, and its inverse ---------------------------------------
def test_dummy_splits_inverts_dummy_name():
    for var, label in [("sector", "Public"), ("f_mid", "B"), ("b", "TRUE"), ("x", "a_b")]:
        assert (var, label) in dummy_splits(dummy_name(var, label))
    assert dummy_splits("sector") == []
    assert dummy_splits("f_mid_B")[0] == ("f_mid", "B")  # without data: the longest factor


# -- a factor's dummy, with data --------------------------------------------------------
@pytest.mark.parametrize("fmt", ["latex", "text"])
@pytest.mark.parametrize("form", ["multilevel", "composite", "matrix", "gelman-hill"])
def test_mixeqs_own_forms_read_back_as_the_factor_with_data(form, fmt):
    df = _hsb()
    model = mixeq.Model(FORMULA, data=df)
    text = getattr(mixeq.render(model, form=form, format=fmt), fmt)
    assert dummy_name("sector", "Public").replace("_", "\\_" if fmt == "latex" else "_") in text
    result = _read(text, df)
    assert _codes(result) == [], "\n".join(map(str, result.diagnostics))
    assert result.spec == mixeq.parse(FORMULA), result.formula
    assert "sector" in result.levels and result.levels["sector"]["level"] == 2


def test_rs_level_order_gives_rs_dummy_and_lme4s_columns():
    """With Hsb82's sector as R has it (levels Public, Catholic), mixeq writes the dummy
    lme4 estimates (sectorCatholic), reads it back as sector, and the model read back has
    lme4's X columns."""
    df = _hsb(REF["sector_levels"])
    text = mixeq.Model(FORMULA, data=df).equations(form="multilevel", format="text")
    assert "sector_Catholic" in str(text) and "sector_Public" not in str(text)
    result = _read(str(text), df)
    assert _codes(result) == []
    assert result.spec == mixeq.parse(FORMULA)
    back = mixeq.Model(result.formula, data=df)
    def columns(names):
        return {frozenset(n.split(":")) for n in names}
    assert columns(back.X.columns) == columns(REF["x_columns"])


HAND = {
    "typed": "mAch_ij = b0j + b1j*cses_ij + e_ij\nb0j = g00 + g01*{d} + u0j\nb1j = g10 + g11*{d}",
    "latex": (r"y_{ij} = \beta_{0j} + \beta_{1j} \operatorname{cses}_{ij} + \epsilon_{ij}" "\n"
              r"\beta_{0j} = \gamma_{00} + \gamma_{01} {d} + U_{0j}" "\n"
              r"\beta_{1j} = \gamma_{10} + \gamma_{11} {d}"),
}
SPELLINGS = [
    ("typed", "sector_Public_j"),
    ("typed", "sector_Public"),
    ("typed", "sector_publicⱼ"),  # the level in another case than the data's: not a level
    ("latex", r"\operatorname{sector}_{\operatorname{Public}}"),  # equatiomatic
    ("latex", r"\text{sector}_{\text{Public}, j}"),
    ("latex", r"{\operatorname{sector\_Public}}_{j}"),  # mixeq's own
]


@pytest.mark.parametrize("style, dummy", SPELLINGS)
def test_a_dummy_as_people_write_it_reads_as_the_factor(style, dummy):
    text = HAND[style].replace("{d}", dummy)
    if style == "latex":
        text = text.replace("y_{ij}", r"\operatorname{mAch}_{ij}")
    result = _read(text, _hsb())
    if "public" in dummy:  # planted: Catholic and Public are the levels, not public
        assert _codes(result) == ["factor-level"], result.diagnostics
        assert "no level public" in result.diagnostics[0].message
        return
    assert _codes(result) == [], "\n".join(map(str, result.diagnostics))
    assert result.spec == mixeq.parse("mAch ~ cses * sector + (1 | school)"), result.formula


@pytest.mark.parametrize("dummy, levels, said", [
    ("sector_Catholic_j", None, "reference level Catholic"),
    ("sector_Public_j", REF["sector_levels"], "reference level Public"),
    ("sector_Private_j", None, "has no level Private"),
])
def test_a_dummy_that_is_none_of_the_models_is_caught(dummy, levels, said):
    result = _read(HAND["typed"].replace("{d}", dummy), _hsb(levels))
    assert "factor-level" in _codes(result), result.diagnostics
    assert any(said in d.message for d in result.diagnostics)
    assert "sector" not in result.formula.replace(dummy[:-2], "")  # not read as the factor


def test_an_unknown_column_is_still_an_unknown_column():
    result = _read(HAND["typed"].replace("{d}", "sektor_j"), _hsb())
    assert _codes(result) == ["unknown-column"]  # once, where it is first written
    assert "sektor" in result.diagnostics[0].message and "sector" in result.diagnostics[0].message


def test_a_numeric_column_spelt_like_a_dummy_is_that_column():
    df = _hsb()
    df["sector_Public"] = (df["sector"].astype(str) == "Public").astype(float)
    result = _read(HAND["typed"].replace("{d}", "sector_Public_j"), df)
    assert _codes(result) == []
    assert "sector_Public" in result.spec.fixed


CAKE = ("angle_ij = b0j + b1*recipe_B_ij + b2*recipe_C_ij + b3*temp_ij + e_ij\n"
        "b0j = g00 + u0j")


def test_a_factor_of_three_levels_with_all_its_dummies_is_the_factor():
    df = load_dataset("cake")
    result = read_equations(CAKE, group_map={"j": "replicate"}, data=df, render=False)
    assert _codes(result) == [], result.diagnostics
    assert result.spec == mixeq.parse("angle ~ recipe + temp + (1 | replicate)")
    assert mixeq.Model(result.formula, data=df).X.shape[1] == 4  # (Intercept), B, C, temp


def test_a_factor_of_three_levels_with_one_dummy_is_caught():
    df = load_dataset("cake")
    result = read_equations(CAKE.replace(" + b2*recipe_C_ij", ""), group_map={"j": "replicate"},
                            data=df, render=False)
    assert _codes(result) == ["factor-level"], result.diagnostics
    assert "no dummy for C" in result.diagnostics[0].message


# -- a transform of a column, with data ---------------------------------------------------
def _with_z(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(z=np.exp(df["cses"]), zm=np.exp(df["meanses"]))


TRANSFORMED = ("mAch_ij = b0j + b1j*log(z_ij) + e_ij\nb0j = g00 + g01*sqrt(zm_j) + u0j\n"
               "b1j = g10 + u1j")


def test_a_transform_of_a_column_is_read_as_that_transform():
    df = _with_z(_hsb())
    result = _read(TRANSFORMED, df)
    assert _codes(result) == [], result.diagnostics
    assert result.spec == mixeq.parse("mAch ~ log(z) + sqrt(zm) + (1 + log(z) | school)")
    assert result.levels["log(z)"]["level"] == 1 and result.levels["sqrt(zm)"]["level"] == 2
    fit = mixeq.Model(result.formula, data=df)
    np.testing.assert_allclose(fit.X["log(z)"], df["cses"], rtol=0, atol=1e-12)  # log(exp(cses))


def test_a_transform_matches_its_column_as_a_plain_name_does():
    result = _read(TRANSFORMED.replace("log(z_ij)", "log(Z_ij)"), _with_z(_hsb()))
    assert _codes(result) == [] and "log(z)" in result.spec.fixed


def test_mixeqs_own_transformed_forms_read_back_with_data():
    df = _with_z(_hsb())
    formula = "mAch ~ log(z) + sqrt(zm) + (1 + log(z) | school)"
    for fmt in ("latex", "text"):
        text = getattr(mixeq.render(mixeq.Model(formula, data=df), format=fmt), fmt)
        result = _read(text, df)
        assert _codes(result) == [], (fmt, result.diagnostics)
        assert result.spec == mixeq.parse(formula)


def test_a_transform_of_a_missing_column_is_still_caught():
    result = _read(TRANSFORMED.replace("log(z_ij)", "log(q_ij)"), _with_z(_hsb()))
    assert _codes(result) == ["unknown-column"], result.diagnostics
    assert "q (in log(q))" in result.diagnostics[0].message


def test_a_transform_at_the_wrong_level_is_still_caught():
    df = _with_z(_hsb())
    # log(z) varies within schools: written as a level-2 predictor, it is remarked on
    wrong = "mAch_ij = b0j + e_ij\nb0j = g00 + g01*log(z_j) + u0j"
    assert _codes(_read(wrong, df)) == ["level2-predictor-varies-within"]
    # sqrt(zm) is constant within schools: a random slope on it cannot be estimated
    slope = ("mAch_ij = b0j + b1j*sqrt(zm_ij) + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j")
    assert _codes(_read(slope, df)) == ["level1-predictor-constant-within"]


def test_a_logical_terms_dummy_reads_as_the_term_with_data():
    """``I(Days > 5)_TRUE`` (R's column I(Days > 5)TRUE: a logical is a factor with levels
    FALSE, TRUE) reads back as ``I(Days > 5)`` with data; its FALSE dummy is caught."""
    df = load_dataset("sleepstudy")
    formula = "Reaction ~ I(Days > 5) * Days + (1 | Subject)"
    for fmt in ("latex", "text"):
        text = str(mixeq.Model(formula, data=df).equations(format=fmt))
        result = read_equations(text, data=df, render=False)
        assert _codes(result) == [] and result.spec == mixeq.parse(formula), result.formula
        assert result.levels["I(Days > 5)"]["level"] == 1
        wrong = read_equations(text.replace("TRUE", "FALSE"), data=df, render=False)
        assert "factor-level" in _codes(wrong)
