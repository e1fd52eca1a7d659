"""A term with no coefficient in the level-1 equation is an offset (coefficient fixed
at 1, R's ``offset()``): ``log(t_ij)``, a column ``x_ij`` (unambiguous next to
``β_1j x_ij``; alone, read so with a remark: a coefficient may have been forgotten) and
mixeq's ``I(10 * log(t))_ij`` (``offset(10 * log(t))``). Deleted, or given a coefficient,
it is no offset."""
from __future__ import annotations

import pytest
from conftest import DATA

import mixeq
from mixeq.cli.main import main
from mixeq.reader import read_equations

LEVEL2 = "\nb0j = g00 + u0j\nb1j = g10"


def read(text: str, **options):
    return read_equations(text, render=False, **options)


@pytest.mark.parametrize("offset, formula", [
    ("log(t_ij)", "y ~ x + offset(log(t)) + (1 | j)"),
    ("x_ij", "y ~ x + offset(x) + (1 | j)"),           # also a predictor: no remark
    ("w_ij", "y ~ x + offset(w) + (1 | j)"),
    (r"\operatorname{I(10 * log(t))}_{ij}", "y ~ x + offset(10 * log(t)) + (1 | j)"),
    (r"\operatorname{I(x * 0.5)}_{ij}", "y ~ x + offset(x * 0.5) + (1 | j)"),
])
def test_a_term_without_coefficient_is_an_offset(offset, formula):
    text = f"y_ij = {offset} + b0j + b1j*x_ij + e_ij" + LEVEL2
    r = read(text)
    if offset == "w_ij":  # a column alone: said so
        assert r.codes() == ["term-without-coefficient"]
        assert "offset(" in r.diagnostics[0].message
    else:
        assert r.diagnostics == [], "\n".join(map(str, r.diagnostics))
    assert r.spec == mixeq.parse(formula)


def test_a_poisson_offset_column_next_to_its_predictor():
    r = read("y_ij | b0j ~ Poisson(l_ij)\nlog(l_ij) = x_ij + b0j + b1j*x_ij" + LEVEL2)
    assert r.diagnostics == [] and r.family == "poisson"
    assert r.spec == mixeq.parse("y ~ x + offset(x) + (1 | j)")


@pytest.mark.parametrize("broken, formula, code", [
    ("y_ij = b0j + b1j*x_ij + e_ij", "y ~ x + (1 | j)", None),             # deleted
    ("y_ij = g90*x_ij + b0j + b1j*x_ij + e_ij", "y ~ x + (1 | j)", "duplicate-term"),
    ("y_ij = g90*log(t_ij) + b0j + b1j*x_ij + e_ij", "y ~ log(t) + x + (1 | j)", None),
    ("y_ij = -x_ij + b0j + b1j*x_ij + e_ij", None, "term-without-coefficient"),
])
def test_an_offset_deleted_or_given_a_coefficient_is_none(broken, formula, code):
    r = read(broken + LEVEL2)
    assert r.spec.offsets == ()
    if formula is not None:
        assert r.spec == mixeq.parse(formula)
    assert (code in r.codes()) if code else "term-without-coefficient" not in r.codes()


def test_the_forms_of_equations_with_an_offset_are_written():
    """The offset is not a predictor: the composite is written (levels= named it)."""
    r = read_equations("y_ij = log(t_ij) + b0j + b1j*x_ij + e_ij" + LEVEL2)
    assert r.notes == [] and "log(tᵢⱼ) + γ₀₀" in r.composite and r.matrix is not None


def test_mixeq_check_reads_and_verifies_an_offset(tmp_path, capsys):
    path = tmp_path / "eq.txt"
    path.write_text("y_ij | b0j ~ Poisson(l_ij)\nlog(l_ij) = log(t_ij) + b0j + b1j*x_ij" + LEVEL2)
    assert main(["check", str(path), "--group", "j=g", "--data",
                 str(DATA / "poisson_offset.csv"), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "y ~ 1 + x + offset(log(t)) + (1 | g)" in out and "all forms agree" in out
