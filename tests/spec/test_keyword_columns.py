"""Columns Python cannot spell — keywords (``class``, ``lambda``), names with spaces or a
leading digit in backticks, R's reserved words in backticks — work end to end, as in lme4:
they reach formulaic under internal aliases (mixeq.spec.aliases) and come back under their
names. Checked against lme4 (tests/data/keywords/hsb82_keywords_lme4.json, written by
tools/make_keyword_reference.R) and against the same fit with the columns renamed."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, load_dataset

import mixeq
from mixeq.errors import FormulaSyntaxError
from mixeq.spec.aliases import Aliases, r_name

REF = json.loads((DATA / "keywords" / "hsb82_keywords_lme4.json").read_text())
RENAMED = REF["renamed"]                      # keyword name → Hsb82's name
PLAIN = "mAch ~ sector * cses + meanses + I(cses^2) + (1 + cses | school)"


def keyword_frame() -> pd.DataFrame:
    return load_dataset("Hsb82").rename(columns={v: k for k, v in RENAMED.items()})


@pytest.fixture(scope="module")
def fits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = keyword_frame()
        before = data.copy()
        keyword = mixeq.fit(REF["formula"], data)
        pd.testing.assert_frame_equal(data, before)  # nothing the user passed is mutated
        plain = mixeq.fit(PLAIN, load_dataset("Hsb82"))
    return keyword, plain


def test_the_names_are_lme4s(fits):
    keyword, _ = fits
    assert list(keyword.model.X.columns) == REF["fixef_names"]
    (term,) = keyword.model.terms
    assert term.group == REF["group"] and list(term.columns) == REF["ranef_names"]
    assert list(keyword.fixef.index) == REF["fixef_names"]


def test_x_z_and_estimates_equal_the_renamed_fit(fits):
    keyword, plain = fits
    np.testing.assert_array_equal(keyword.model.X.to_numpy(), plain.model.X.to_numpy())
    assert (keyword.model.design.Z != plain.model.design.Z).nnz == 0
    np.testing.assert_allclose(keyword.fixef.to_numpy(), plain.fixef.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(keyword.theta, plain.theta, rtol=1e-12)
    assert keyword.objective == pytest.approx(plain.objective, rel=1e-14)


def test_estimates_equal_lme4s(fits):
    keyword, _ = fits
    assert keyword.objective == pytest.approx(REF["REMLcrit"], rel=1e-8)
    for name, value in REF["fixef"].items():
        assert keyword.fixef[name] == pytest.approx(value, rel=1e-5, abs=1e-6), name
    np.testing.assert_allclose(keyword.theta, REF["theta"], rtol=1e-4, atol=1e-5)
    assert keyword.sigma == pytest.approx(REF["sigma"], rel=1e-6)


def test_predict_on_new_data_by_the_keyword_names(fits):
    keyword, plain = fits
    new = keyword_frame().head(7)
    np.testing.assert_allclose(keyword.predict(new),
                               plain.predict(load_dataset("Hsb82").head(7)), rtol=1e-12)


def test_no_alias_reaches_the_user(fits):
    keyword, _ = fits
    from mixeq.equations import render

    shown = [str(keyword.model.spec), *keyword.model.X.columns, str(keyword.summary()),
             *(c for t in keyword.model.terms for c in t.columns),
             render(keyword, "multilevel", "text").text, render(keyword, "composite").latex]
    assert not [s for s in shown if "mixeq_c" in s]


@pytest.mark.parametrize("formula, canonical", [
    ("y ~ class + (1 | g)", "y ~ 1 + class + (1 | g)"),
    ("y ~ `class` + lambda:x + log(lambda) + (1 + lambda | `my school`)",
     "y ~ 1 + class + log(lambda) + lambda:x + (1 + lambda | `my school`)"),
    ("y ~ `my var` + log(`2nd` + 5) + I(`if`^2) + `a-b` + (1 | g)",
     "y ~ 1 + `my var` + log(`2nd` + 5) + I(`if` ** 2) + `a-b` + (1 | g)"),
    ("y ~ import + is + not + and + or + from + with + None + (1 | g)",
     "y ~ 1 + import + is + not + and + or + from + with + None + (1 | g)"),
])
def test_keywords_parse_as_columns(formula, canonical):
    spec = mixeq.parse(formula)
    assert spec.canonical() == canonical
    assert mixeq.parse(spec.canonical()) == spec


@pytest.mark.parametrize("formula, position, words", [
    ("y ~ if + x", 4, "reserved word in R"),
    ("y ~ x + TRUE + (1 | g)", 8, "`TRUE`"),
    ("y ~ `__class__` + x", 4, "double underscores"),
    ("y ~ `x.__class__` + x", 4, "double underscores"),
    ("y ~ __import__('os') + x", 4, "double underscores"),
    ("y ~ log(`__builtins__`) + x", 8, "double underscores"),
    ("y ~ I(lambda: 1) + x", 12, "cannot follow a value"),
    ("y ~ I(x if x else 1) + x", 8, "cannot follow a value"),
    ("y ~ I(not x) + x", 10, "cannot follow a value"),
])
def test_planted_names_are_still_refused_with_their_position(formula, position, words):
    with pytest.raises(FormulaSyntaxError) as err:
        mixeq.parse(formula)
    assert err.value.position == position and words in str(err.value), str(err.value)


def test_a_power_of_constants_beside_a_keyword_is_still_bounded():
    with pytest.raises(FormulaSyntaxError, match="power of constants"):
        mixeq.parse("y ~ I(9 ** 9 ** 9 + lambda) + x")


@pytest.mark.parametrize("name, spelled", [
    ("class", "class"), ("lambda", "lambda"), ("x.y", "x.y"), ("my var", "`my var`"),
    ("2nd", "`2nd`"), ("if", "`if`"), ("TRUE", "`TRUE`"), ("_x", "`_x`"), ("a-b", "`a-b`")])
def test_r_name_quotes_as_r_does(name, spelled):
    assert r_name(name) == spelled


def test_the_alias_map_rewrites_only_column_tokens_and_is_undone():
    aliases = Aliases.of(["class", "my var", "x", "log"])
    assert set(aliases.alias) == {"class", "my var"}
    text = aliases.text("log(`my var` + 1):class + C(class, contr.sum) + x")
    assert "my var" not in text and "class" not in text.replace("contr.", "")
    assert aliases.undo(text) == "log(`my var` + 1):class + C(class, contr.sum) + x"
    assert aliases.undo(aliases.name("class") + "B") == "classB"
    frame = pd.DataFrame({"class": [1], "my var": [2], "x": [3]})
    assert list(aliases.frame(frame).columns) == [aliases.name("class"),
                                                  aliases.name("my var"), "x"]
    assert list(frame.columns) == ["class", "my var", "x"]


def test_a_formula_whose_columns_python_can_spell_has_no_aliases():
    from mixeq.spec.check import check_formula

    assert not check_formula("y ~ x * m + log(z) + (1 | g)").aliases


@pytest.mark.parametrize("kind", [1, 3])
def test_anova_tables_equal_the_renamed_fits(fits, kind):
    keyword, plain = fits
    a = mixeq.anova(keyword, type=kind)  # a data frame, one row per term
    b = mixeq.anova(plain, type=kind)
    names = {"class": "sector", "lambda": "cses", "`my var`": "meanses",
             "I(lambda ** 2)": "I(cses ** 2)", "class:lambda": "sector:cses"}
    assert [names.get(t, t) for t in a.index] == list(b.index)
    np.testing.assert_allclose(a.select_dtypes("number").to_numpy(dtype=float), b.select_dtypes("number").to_numpy(dtype=float),
                               rtol=1e-8)


def test_a_remote_fit_reads_the_same_columns_from_duckdb(fits, tmp_path):
    pytest.importorskip("duckdb")
    keyword, _ = fits
    path = tmp_path / "hsb82_keywords.parquet"
    keyword_frame().to_parquet(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = mixeq.fit(REF["formula"], str(path))
    assert list(remote.fixef.index) == REF["fixef_names"]
    np.testing.assert_allclose(remote.fixef.to_numpy(), keyword.fixef.to_numpy(), rtol=1e-8)
    assert remote.objective == pytest.approx(keyword.objective, rel=1e-9)


def test_planted_a_forgotten_undo_would_show_an_alias(monkeypatch):
    """The leak check above can fail: with X's names not undone the aliases show."""
    import mixeq.design.fixed as fixed
    from mixeq.design.names import r_column_name

    monkeypatch.setattr(fixed, "r_column_name", lambda name, aliases=None: r_column_name(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mixeq.Model(REF["formula"], keyword_frame())
    assert any("mixeq_c" in c for c in model.X.columns)
