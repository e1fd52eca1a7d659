"""Bad input to a remote fit: a clear MixeqError naming the problem, never an
engine traceback."""
from __future__ import annotations

import pandas as pd
import pytest

import mixeq
from conftest import DATA
from mixeq.remote import SourceError, UnsupportedTermError, source
from remote.helpers import FOLDER, parquet_of

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("ibis")


@pytest.fixture(scope="module")
def sleep():
    return parquet_of("sleepstudy.csv")


@pytest.mark.parametrize("formula, term, what", [
    ("Reaction ~ poly(Days, 2) + (1 | Subject)", "poly(Days, 2)", "poly()"),
    ("Reaction ~ Days + center(Days) + (1 | Subject)", "center(Days)", "center()"),
    ("Reaction ~ log(Subject) + (1 | Subject)", "log(Subject)", "'Subject' is a factor"),
    ("Reaction ~ C(Subject, contr.treatment('b')) + (1 | Subject)",
     "C(Subject, contr.treatment('b'))", "not a contrast by name"),
    ("Reaction ~ C(Subject) + (1 | Subject)", "C(Subject)", "C(column, contrasts)"),
    ("Reaction ~ factor(log(Days + 1)) + (1 | Subject)", "factor(log(Days + 1))",
     "give a column or a comparison"),
    ("Reaction ~ I(1 < Days < 5) + (1 | Subject)", "I(1 < Days < 5)", "compares two numeric"),
    ("Reaction ~ I(Subject > 5) + (1 | Subject)", "I(Subject > 5)", "'Subject' is a factor"),
    ("Reaction ~ I((Days > 5) * 2) + (1 | Subject)", "I((Days > 5) * 2)",
     "a comparison is a term of its own"),
])
def test_unsupported_terms_are_named_with_the_supported_list(sleep, formula, term, what):
    with pytest.raises(UnsupportedTermError) as err:
        mixeq.Model(formula, data=source(sleep, factors={"Subject": None}))
    text = str(err.value)
    assert f"'{term}'" in text and what in text and "Supported:" in text and "I(x^2)" in text


@pytest.mark.parametrize("formula, column", [
    ("Reaction ~ Dayz + (1 | Subject)", "Dayz"),
    ("Reaction ~ Days + (1 | Subjekt)", "Subjekt"),
    ("Reactio ~ Days + (1 | Subject)", "Reactio"),
    ("Reaction ~ Days + (log(Dayz + 1) | Subject)", "Dayz"),
])
def test_missing_column_in_the_table(sleep, formula, column):
    with pytest.raises(mixeq.UnknownColumnError, match=f"'{column}'"):
        mixeq.Model(formula, data=sleep)


def test_empty_table(sleep):
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{sleep}') WHERE Days > 100")
    with pytest.raises(SourceError, match="has no rows"):
        mixeq.fit("Reaction ~ Days + (1 | Subject)", data=rel)


def test_no_complete_rows():
    path = FOLDER / "all_missing.parquet"
    pd.DataFrame({"y": [1.0, 2.0, 3.0], "x": [None, None, None], "g": ["a", "b", "a"]}).astype(
        {"x": float}).to_parquet(path, index=False)
    with pytest.raises(mixeq.DataError, match=r"no complete rows.*x \(3\)"):
        mixeq.fit("y ~ x + (1 | g)", data=str(path))


def test_no_file_matches():
    with pytest.raises(SourceError, match="no file matches"):
        mixeq.fit("y ~ x + (1 | g)", data=str(FOLDER / "nothing_here_*.parquet"))


def test_factors_naming_an_unknown_column(sleep):
    with pytest.raises(mixeq.UnknownColumnError, match="'Dayz'"):
        mixeq.Model("Reaction ~ Days + (1 | Subject)", data=source(sleep, factors={"Dayz": None}))


def test_non_numeric_response(sleep):
    p = FOLDER / "text_response.parquet"
    pd.read_csv(DATA / "Dyestuff.csv").astype({"Yield": str}).to_parquet(p, index=False)
    with pytest.raises(mixeq.DataError, match="'Yield' is not numeric"):
        mixeq.Model("Yield ~ 1 + (1 | Batch)", data=str(p))


def test_log_of_zero_names_the_column(sleep):
    with pytest.raises(mixeq.DataError, match=r"infinite or undefined values in log\(Days\)"):
        mixeq.Model("Reaction ~ log(Days) + (1 | Subject)", data=sleep)


def test_constant_response_and_single_level_factor():
    p = FOLDER / "constant.parquet"
    pd.DataFrame({"y": [2.0] * 6, "x": range(6), "g": list("aabbcc"), "h": ["z"] * 6}).to_parquet(p)
    with pytest.raises(mixeq.DataError, match="is constant"):
        mixeq.Model("y ~ x + (1 | g)", data=str(p))
    p2 = FOLDER / "one_level.parquet"
    pd.DataFrame({"y": [2.0, 3, 1, 5, 4, 2], "x": range(6), "h": ["z"] * 6}).to_parquet(p2)
    with pytest.raises(mixeq.GroupingFactorError, match="'h'.*1 level"):
        mixeq.Model("y ~ x + (1 | h)", data=str(p2))


def test_family_belongs_to_the_model_not_to_fit(sleep):
    """As in memory: the family is given to Model()/mixeq.fit() (GLMMs: test_remote_glmm.py)."""
    m = mixeq.Model("Reaction ~ Days + (1 | Subject)", data=sleep)
    with pytest.raises(mixeq.FitError, match="unknown fit option.*family"):
        m.fit(family="binomial")


def test_unsupported_object():
    with pytest.raises(SourceError, match="cannot query a"):
        source(object())


def test_the_users_table_is_not_changed(sleep):
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{sleep}')")
    before = con.sql("SELECT * FROM t ORDER BY Subject, Days").df()
    mixeq.fit("Reaction ~ Days + (Days | Subject)", data=con.table("t"))
    after = con.sql("SELECT * FROM t ORDER BY Subject, Days").df()
    pd.testing.assert_frame_equal(before, after)
    assert [r[0] for r in con.sql("SHOW TABLES").fetchall()] == ["t"]
