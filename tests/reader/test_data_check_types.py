"""read_equations(data=…) with columns of every kind: works as the design does, or a
DataError naming the column (issue 8: the data check sat outside the reader's catch-all)."""
import pandas as pd
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import DataError

EQ = ("y_ij = beta_0j + beta_1j x_ij + e_ij\n"
      "beta_0j = gamma_00 + gamma_01 m_j + u_0j\n"
      "beta_1j = gamma_10 + u_1j\n")
EQ_SLOPE_M = ("y_ij = beta_0j + beta_1j m_ij + e_ij\n"
              "beta_0j = gamma_00 + u_0j\n"
              "beta_1j = gamma_10 + u_1j\n")


def _codes(result):
    return [d.code for d in result.diagnostics]


def test_logical_predictors_are_checked_like_any_other():
    df = load_dataset("seedlike")
    level2 = df.assign(m=df.m > df.m.median())          # constant within school
    assert _codes(mixeq.read_equations(EQ, group_map={"j": "school"}, data=level2)) == []
    level1 = df.assign(m=df.x > 0)                       # varies within school
    codes = _codes(mixeq.read_equations(EQ, group_map={"j": "school"}, data=level1))
    assert codes == ["level2-predictor-varies-within"]
    # a random slope of a logical constant within clusters is remarked as for numbers
    codes = _codes(mixeq.read_equations(EQ_SLOPE_M, group_map={"j": "school"}, data=level2))
    assert "level1-predictor-constant-within" in codes


def test_a_predictor_named_like_the_cluster_index():
    df = load_dataset("seedlike").assign(j=lambda d: d.school)
    eq = "y_ij = beta_0j + e_ij\nbeta_0j = gamma_00 + gamma_01 j_j + u_0j\n"
    for group_map in ({}, {"j": "school"}):
        result = mixeq.read_equations(eq, group_map=group_map, data=df)
        assert result.formula is not None and "j" in result.formula


def test_duplicate_and_complex_columns_are_data_errors():
    df = load_dataset("seedlike")
    with pytest.raises(DataError, match="several columns named 'x'"):
        mixeq.read_equations(EQ, group_map={"j": "school"}, data=pd.concat([df, df[["x"]]], axis=1))
    with pytest.raises(DataError, match="column 'm'.*complex"):
        mixeq.read_equations(EQ, group_map={"j": "school"}, data=df.assign(m=df.m + 1j))


def test_polars_data_works_for_the_check():
    pl = pytest.importorskip("polars")
    df = load_dataset("seedlike")
    plain = mixeq.read_equations(EQ, group_map={"j": "school"}, data=df)
    other = mixeq.read_equations(EQ, group_map={"j": "school"},
                                 data=pl.from_pandas(df.assign(school=df.school.astype(str))))
    assert other.formula == plain.formula and _codes(other) == _codes(plain) == []
