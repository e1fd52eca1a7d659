"""One cluster's X_j, Z_j and y_j."""
import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.errors import DataError


def test_sleepstudy_cluster_308():
    m = mixeq.Model("Reaction ~ Days + (Days | Subject)", load_dataset("sleepstudy"))
    c = m.cluster("308")
    assert c.group == "Subject" and len(c.y) == 10
    assert list(c.X.columns) == ["(Intercept)", "Days"]
    np.testing.assert_array_equal(c.Z.to_numpy(), c.X.to_numpy())  # Z_j repeats X_j here
    assert list(c.Z.columns) == ["Subject[308]", "Subject[308]:Days"]
    assert c.y.iloc[0] == pytest.approx(249.56)


def test_textbook_cluster_Z_repeats_the_level1_columns_of_X():
    m = mixeq.Model("y ~ x * m + (1 + x | school)", load_dataset("seedlike"))
    c = m.cluster("s001")
    np.testing.assert_array_equal(c.Z.to_numpy(), c.X[["(Intercept)", "x"]].to_numpy())
    assert np.ptp(c.X["m"].to_numpy()) == 0  # a level-2 predictor is constant in X_j


def test_nested_cluster_holds_the_inner_levels():
    m = mixeq.Model("strength ~ 1 + (1 | batch/cask)", load_dataset("Pastes"))
    c = m.cluster("A")
    assert c.group == "batch" and c.Z.shape == (6, 4)


def test_cluster_of_the_inner_nested_factor():
    m = mixeq.Model("strength ~ 1 + (1 | batch/cask)", load_dataset("Pastes"))
    c = m.cluster("a:A", group="cask:batch")
    assert len(c.y) == 2
    assert list(c.Z.columns) == ["cask:batch[a:A]", "batch[A]"]
    np.testing.assert_array_equal(c.Z.to_numpy(), np.ones((2, 2)))


def test_crossed_cluster_refers_to_the_stacked_form():
    m = mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)", load_dataset("Penicillin"))
    with pytest.raises(DataError, match="several grouping factors"):
        m.cluster("a")
    with pytest.raises(DataError, match="crossed.*stacked"):
        m.cluster("a", group="plate")


def test_unknown_cluster_level():
    m = mixeq.Model("Reaction ~ Days + (1 | Subject)", load_dataset("sleepstudy"))
    with pytest.raises(DataError, match="'999' is not a level of 'Subject'"):
        m.cluster("999")
