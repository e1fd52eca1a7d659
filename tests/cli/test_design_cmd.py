"""``mixeq design`` from the shell."""
import json
import subprocess
import sys

from conftest import DATA
from mixeq.cli.main import main


def test_design_json_has_the_documented_keys(capsys):
    assert main(["design", "y ~ x * m + (1 + x | school)", "--data",
                 str(DATA / "seedlike.csv"), "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["X_shape"] == [977, 4] and facts["Z_shape"] == [977, 120]
    assert facts["Z_nnz"] == 1954
    assert facts["X_columns"] == ["(Intercept)", "x", "m", "x:m"]
    assert facts["Z_columns"][:2] == [["school", "s001", "(Intercept)"], ["school", "s001", "x"]]
    assert facts["levels"]["m"]["group"] == "school" and facts["levels"]["x"]["level"] == 1


def test_design_text(capsys):
    assert main(["design", "Reaction ~ Days + (Days | Subject)", "--data",
                 str(DATA / "sleepstudy.csv")]) == 0
    out = capsys.readouterr().out
    assert "Z            180 x 36, 342 non-zeros" in out
    assert "Days                 varies within clusters (level 1)" in out


def test_design_error_is_one_line_not_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "mixeq", "design", "Reaction ~ Dayz + (1|Subject)",
                           "--data", str(DATA / "sleepstudy.csv")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("mixeq: error: unknown column 'Dayz'")
    assert "Traceback" not in proc.stderr
