"""Bad data gets a clear mixeq error; the caller's data is never changed."""
import warnings

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA, load_dataset
from mixeq.errors import DataError, GroupingFactorError, MixeqWarning, UnknownColumnError


def test_unknown_column_suggests_close_names():
    df = load_dataset("sleepstudy")
    with pytest.raises(UnknownColumnError) as info:
        mixeq.Model("Reaction ~ days + (days | Subject)", df)
    assert "unknown column 'days'" in str(info.value) and "'Days'" in str(info.value)
    with pytest.raises(UnknownColumnError, match="grouping factor.*'Subject'"):
        mixeq.Model("Reaction ~ Days + (1 | Subjects)", df)
    with pytest.raises(UnknownColumnError, match="response"):
        mixeq.Model("reaction_time ~ Days + (1 | Subject)", df)


def test_grouping_factor_with_one_level():
    df = load_dataset("sleepstudy").assign(one="a")
    with pytest.raises(GroupingFactorError, match="'one'.*1 level.*at least two"):
        mixeq.Model("Reaction ~ Days + (1 | one)", df)


def test_grouping_factor_with_a_level_per_observation():
    df = load_dataset("sleepstudy").assign(row=lambda d: np.arange(len(d)))
    with pytest.raises(GroupingFactorError, match="as many levels \\(180\\) as observations"):
        mixeq.Model("Reaction ~ Days + (1 | row)", df)


def test_more_random_effects_than_observations():
    df = load_dataset("sleepstudy").assign(half=lambda d: np.arange(len(d)) // 2)
    with pytest.raises(DataError, match="180 random effects.*180 observations"):
        mixeq.Model("Reaction ~ Days + (Days | half)", df)


def test_response_not_numeric():
    df = load_dataset("sleepstudy").assign(label=lambda d: np.where(d.Days > 4, "hi", "lo"))
    with pytest.raises(DataError, match="response 'label' is not numeric"):
        mixeq.Model("label ~ Days + (1 | Subject)", df)


def test_missing_rows_are_dropped_counted_and_reported():
    df = load_dataset("sleepstudy")
    df.loc[[3, 10, 11], "Reaction"] = np.nan
    df.loc[[20], "Days"] = np.nan
    df["unused"] = np.nan  # not in the formula: must not drop anything
    before = df.copy()
    with pytest.warns(MixeqWarning, match="dropped 4 of 180 rows.*Reaction \\(3\\).*Days \\(1\\)"):
        m = mixeq.Model("Reaction ~ Days + (Days | Subject)", df)
    assert m.dropped_rows == 4 and m.nobs == 176
    assert m.design.dropped_index == [3, 10, 11, 20]
    assert m.Z.shape[0] == 176 and m.X.shape[0] == 176
    pd.testing.assert_frame_equal(df, before)


def test_callers_frame_is_not_mutated():
    df = pd.read_csv(DATA / "sleepstudy.csv")  # Subject as integers, not categorical
    before = df.copy()
    m = mixeq.Model("Reaction ~ Days + (Days | Subject)", df)
    pd.testing.assert_frame_equal(df, before)
    assert df["Subject"].dtype == before["Subject"].dtype
    assert m.groups["Subject"].levels[:3] == ["308", "309", "310"]  # numeric sort


def test_numeric_grouping_variable_is_a_factor():
    df = pd.read_csv(DATA / "cake.csv")
    m = mixeq.Model("angle ~ temp + (1 | replicate)", df)
    assert m.groups["replicate"].levels == [str(i) for i in range(1, 16)]


def test_rank_deficient_X_drops_aliased_columns_with_a_message():
    df = load_dataset("sleepstudy").assign(Days2=lambda d: 2 * d.Days + 1)
    with pytest.warns(MixeqWarning, match="rank deficient so dropping 1 column: Days2"):
        m = mixeq.Model("Reaction ~ Days + Days2 + (1 | Subject)", df)
    assert list(m.X.columns) == ["(Intercept)", "Days"]
    assert m.dropped_columns == ["Days2"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_transform_producing_undefined_values():
    df = load_dataset("sleepstudy")
    with pytest.raises(DataError, match="infinite or undefined.*np.log\\(Days\\)"):
        mixeq.Model("Reaction ~ np.log(Days) + (1 | Subject)", df)


def test_data_that_is_not_a_frame():
    with pytest.raises(DataError, match="DataFrame"):
        mixeq.Model("y ~ x + (1 | g)", 42)


def test_all_errors_are_mixeq_errors():
    assert issubclass(UnknownColumnError, mixeq.MixeqError)
    assert issubclass(GroupingFactorError, mixeq.MixeqError)


def test_later_changes_to_the_callers_frame_do_not_reach_the_model():
    df = load_dataset("sleepstudy")
    m = mixeq.Model("Reaction ~ Days + (Days | Subject)", df)
    df.loc[0, "Days"] = 999.0
    df.loc[1, "Reaction"] = -1.0
    assert m.data.loc[0, "Days"] == 0 and m.data.loc[1, "Reaction"] == pytest.approx(258.7047)
    assert m.X.loc[0, "Days"] == 0
