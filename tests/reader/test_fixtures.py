"""The hand-written fixtures (tests/data/fixtures/README.md): each gives the
formula and the remarks the README lists."""
from __future__ import annotations

from pathlib import Path

import pytest

import mixeq
from mixeq.reader import read_equations

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
CROSS_LEVEL = "y ~ 1 + X + M + X:M + (1 + X | j)"


def read(name: str, **opts):
    return read_equations((FIXTURES / name).read_text(), **opts)


@pytest.mark.parametrize("name, formula, codes", [
    ("random_slope_as_written.tex", "y ~ 1 + X + (1 + X | j)", ["slope-not-indexed"]),
    ("cross_level_as_written.tex", CROSS_LEVEL, ["slope-not-indexed"]),
    ("cross_level_corrected.tex", CROSS_LEVEL, []),
])
def test_fixture_gives_the_readme_formula_and_remarks(name, formula, codes):
    result = read(name, render=False)
    assert result.spec == mixeq.parse(formula)
    assert result.formula == formula
    assert result.codes() == codes


@pytest.mark.parametrize("name", ["random_slope_as_written.tex", "cross_level_as_written.tex"])
def test_as_written_remark_says_write_beta_1j(name):
    (diag,) = read(name, render=False).diagnostics
    assert "β_1j" in diag.message and "β_10" in diag.message and "U_1j" in diag.message
    assert diag.line == (3 if name.startswith("random") else 2)
    assert diag.equation.startswith("y_{ij} = \\beta_{0j} + \\beta_{10}")
    level1, level2 = diag.corrected.split("\n")
    assert level1 == "y_{ij} = \\beta_{0j} + \\beta_{1j} \\cdot X_{ij} + \\epsilon_{ij}"
    assert level2.startswith("\\beta_{1j} = \\gamma_{10}") and level2.endswith("U_{1j}")
    # the corrected equations, read back, give the same model and no remark
    fixed = (FIXTURES / name).read_text().replace(diag.equation, level1)
    fixed = fixed.replace("\\beta_{10} =", "\\beta_{1j} =")
    again = read_equations(fixed, render=False)
    assert again.codes() == [] and again.spec == read(name, render=False).spec


def test_cross_level_levels_and_interaction():
    result = read("cross_level_corrected.tex", render=False)
    assert result.levels == {"M": {"level": 2, "group": "j"}, "X": {"level": 1, "group": None}}
    assert "X:M" in result.spec.fixed


def test_group_map_names_the_grouping_factor():
    result = read("cross_level_corrected.tex", group_map={"j": "school"}, render=False)
    assert result.spec == mixeq.parse("y ~ X * M + (X | school)")
    assert result.levels["M"] == {"level": 2, "group": "school"}


def test_cross_level_composite_and_matrix_forms():
    result = read("cross_level_corrected.tex")
    composite = result.composite
    for term in ["\\gamma_{00}", "\\gamma_{01} M_{j}", "\\gamma_{10} X_{ij}",
                 "\\gamma_{11} M_{j} X_{ij}", "U_{0j}", "U_{1j} X_{ij}", "\\varepsilon_{ij}"]:
        assert term in composite, term
    # X_j has columns (1, X_ij, M_j, M_j X_ij) and Z_j has (1, X_ij)
    assert "1 & X_{1j} & M_{j} & M_{j} X_{1j}" in result.matrix
    assert "Z_{j} &= \\begin{bmatrix} 1 & X_{1j} \\\\" in result.matrix


def test_to_dict_has_the_json_keys():
    out = read("cross_level_as_written.tex").to_dict()
    assert {"formula", "composite", "diagnostics", "levels"} <= set(out)
    assert out["diagnostics"][0]["code"] == "slope-not-indexed"
    assert out["levels"]["M"]["level"] == 2
