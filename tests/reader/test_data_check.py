"""With data: names are matched to columns and levels are checked against it."""
from __future__ import annotations

from conftest import load_dataset

import mixeq
from mixeq.reader import read_equations

TEXTBOOK = """y_ij = b0j + b1j*X_ij + e_ij
b0j = g00 + g01*M_j + u0j
b1j = g10 + g11*M_j + u1j"""


def test_columns_matched_ignoring_case_and_group_mapped():
    data = load_dataset("seedlike")
    before = data.copy()
    result = read_equations(TEXTBOOK, group_map={"j": "school"}, data=data, render=False)
    assert result.diagnostics == []
    assert result.spec == mixeq.parse("y ~ x * m + (1 + x | school)")
    assert result.levels == {"m": {"level": 2, "group": "school"}, "x": {"level": 1, "group": None}}
    assert data.equals(before)


def test_unknown_column_and_unmapped_index():
    result = read_equations(TEXTBOOK.replace("M_j", "Q_j"), data=load_dataset("seedlike"),
                            render=False)
    codes = result.codes()
    assert "unknown-column" in codes and "unknown-group-column" in codes
    group = [d for d in result.diagnostics if d.code == "unknown-group-column"][0]
    assert "--group j=COLUMN" in group.message


def test_level2_predictor_that_varies_within_clusters():
    text = "y_ij = b0j + e_ij\nb0j = g00 + g01*x_j + u0j"
    result = read_equations(text, group_map={"j": "school"}, data=load_dataset("seedlike"),
                            render=False)
    (diag,) = result.diagnostics
    assert diag.code == "level2-predictor-varies-within" and "x" in diag.message


def test_random_slope_of_a_predictor_constant_within_clusters():
    text = "y_ij = b0j + b1j*m_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j"
    result = read_equations(text, group_map={"j": "school"}, data=load_dataset("seedlike"),
                            render=False)
    assert result.codes() == ["level1-predictor-constant-within"]


def test_two_names_for_one_column():
    text = "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*X_j + u0j\nb1j = g10"
    result = read_equations(text, group_map={"j": "school"}, data=load_dataset("seedlike"),
                            render=False)
    assert "symbol-reused" in result.codes()


def test_sleepstudy_with_data_renders_the_composite():
    text = "Reaction_ij = b0j + b1j*Days_ij + e_ij\nb0j = g00 + u0j\nb1j = g10 + u1j"
    result = read_equations(text, group_map={"j": "Subject"}, data=load_dataset("sleepstudy"))
    assert result.ok
    assert result.formula == "Reaction ~ 1 + Days + (1 + Days | Subject)"
    assert "γ₁₀ Daysᵢⱼ" in result.composite and "U₁ⱼ Daysᵢⱼ" in result.composite


def test_one_definition_of_constant_within_a_cluster():
    """Issue 9 §4: a school-level m in [0, 1e-3] with 1e-9 jitter. The design and the
    reader both call mixeq.design.levels.constant_within, so they agree: m varies
    within school (the jitter is 1e-6 of m's spread, far above rounding noise)."""
    import numpy as np

    rng = np.random.default_rng(3)
    data = load_dataset("seedlike").copy()
    codes, labels = __import__("pandas").factorize(data["school"])
    base = rng.uniform(0, 1e-3, len(labels))
    data["m"] = base[codes] + rng.normal(0, 1e-9, len(data))
    model = mixeq.Model("y ~ x * m + (1 + x | school)", data)
    assert model.levels["m"].level == 1
    result = read_equations(TEXTBOOK, group_map={"j": "school"}, data=data, render=False)
    assert "level2-predictor-varies-within" in result.codes()
    # without the jitter both say level 2
    data["m"] = base[codes]
    assert mixeq.Model("y ~ x * m + (1 + x | school)", data).levels["m"].level == 2
    assert read_equations(TEXTBOOK, group_map={"j": "school"}, data=data,
                          render=False).diagnostics == []
