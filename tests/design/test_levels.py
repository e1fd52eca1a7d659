"""The level of each predictor and the nesting of grouping factors."""
import numpy as np
import pandas as pd

import mixeq
from conftest import load_dataset


def test_textbook_case_x_level1_m_level2():
    m = mixeq.Model("y ~ x * m + (1 + x | school)", load_dataset("seedlike"))
    assert m.levels["x"].level == 1 and m.levels["x"].group is None
    assert m.levels["m"].level == 2 and m.levels["m"].group == "school"


def test_nested_factors_get_levels_2_and_3():
    m = mixeq.Model("strength ~ 1 + (1 | batch/cask)", load_dataset("Pastes"))
    assert m.groups["cask:batch"].level == 2
    assert m.groups["batch"].level == 3
    assert m.groups["cask:batch"].nested_in == ("batch",)
    assert m.groups["batch"].nested_in == ()


def test_crossed_factors_are_both_level_2():
    m = mixeq.Model("diameter ~ 1 + (1 | plate) + (1 | sample)", load_dataset("Penicillin"))
    assert m.groups["plate"].level == 2 and m.groups["sample"].level == 2
    assert m.groups["plate"].nested_in == () and m.groups["sample"].nested_in == ()


def _three_level_data(seed=1):
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(4):           # districts
        w = rng.normal()         # district-level predictor
        for s in range(3):       # schools, coded uniquely (implicit nesting)
            m = rng.normal()     # school-level predictor
            for _ in range(5):
                rows.append({"district": f"d{d}", "school": f"d{d}s{s}", "w": w, "m": m,
                             "x": rng.normal(), "y": rng.normal()})
    return pd.DataFrame(rows)


def test_highest_level_for_implicitly_nested_factors():
    df = _three_level_data()
    m = mixeq.Model("y ~ x + m + w + (1 | district) + (1 | school)", df)
    assert m.groups["school"].nested_in == ("district",)
    assert m.groups["district"].level == 3
    assert m.levels["x"].level == 1
    assert (m.levels["m"].level, m.levels["m"].group) == (2, "school")
    assert (m.levels["w"].level, m.levels["w"].group) == (3, "district")
    assert set(m.levels["w"].constant_within) == {"district", "school"}


def test_level_uses_a_numeric_tolerance():
    df = _three_level_data()
    df["m"] = df["m"] + 1e-12 * np.arange(len(df))  # rounding noise, still level 2
    m = mixeq.Model("y ~ x + m + (1 | school)", df)
    assert m.levels["m"].level == 2
    df["m"] = df["m"] + 1e-3 * np.arange(len(df))  # real variation: level 1
    assert mixeq.Model("y ~ x + m + (1 | school)", df).levels["m"].level == 1


def test_factor_predictor_constant_within_cluster():
    m = mixeq.Model("angle ~ recipe * temperature + (1 | recipe:replicate)",
                    load_dataset("cake"))
    assert m.levels["recipe"].group == "recipe:replicate"
    assert m.levels["temperature"].level == 1
