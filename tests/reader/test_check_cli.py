"""``mixeq check FILE|- [--group j=school] [--data F] [--json] [--format]``."""
from __future__ import annotations

import io
import json
from pathlib import Path

from mixeq.cli.main import main

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = DATA / "fixtures"


def test_check_as_written_prints_formula_forms_and_remark(capsys):
    code = main(["check", str(FIXTURES / "cross_level_as_written.tex"), "--format", "text"])
    out = capsys.readouterr().out
    assert code == 3  # remarks: not 1, which means a bug
    assert "y ~ 1 + X + M + X:M + (1 + X | j)" in out
    assert "Composite equation:" in out and "γ₁₁ Mⱼ Xᵢⱼ" in out
    assert "Matrix form for cluster j:" in out and "Zⱼ" in out
    assert "[slope-not-indexed] line 2, column 23" in out
    assert "\\beta_{1j} \\cdot X_{ij}" in out


def test_check_corrected_with_group_and_json(capsys):
    code = main(["check", str(FIXTURES / "cross_level_corrected.tex"), "--group", "j=school",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["formula"] == "y ~ 1 + X + M + X:M + (1 + X | school)"
    assert out["diagnostics"] == []
    assert out["levels"]["M"] == {"level": 2, "group": "school"}
    assert "\\gamma_{11} M_{j} X_{ij}" in out["composite"]


def test_check_reads_standard_input_with_data(capsys, monkeypatch):
    text = "y_ij = b0j + b1j*x_ij + e_ij\nb0j = g00 + g01*m_j + u0j\nb1j = g10 + u1j\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(["check", "-", "--group", "j=school", "--data", str(DATA / "seedlike.csv"),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["formula"] == "y ~ 1 + x + m + (1 + x | school)"


def test_check_bad_arguments_are_clear_errors(capsys, tmp_path):
    assert main(["check", str(tmp_path / "missing.tex")]) == 2
    assert "cannot read equations file" in capsys.readouterr().err
    assert main(["check", str(FIXTURES / "cross_level_corrected.tex"), "--group", "school"]) == 2
    assert "--group 'school': write INDEX=COLUMN" in capsys.readouterr().err


def test_check_unreadable_equations_give_diagnostics_not_tracebacks(capsys, tmp_path):
    bad = tmp_path / "bad.tex"
    bad.write_text("y_{ij} = \\beta_{0j} + + e_{ij}\n")
    assert main(["check", str(bad), "--json"]) == 3
    out = json.loads(capsys.readouterr().out)
    assert out["formula"] is None
    assert out["diagnostics"][0]["code"] == "parse-error"
    assert out["diagnostics"][0]["column"] == 23
