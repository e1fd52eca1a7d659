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
    assert proc.returncode == 2  # a user error
    assert proc.stderr.startswith("mixeq: error: unknown column 'Dayz'")
    assert "Traceback" not in proc.stderr


def test_factor_option_makes_a_numeric_column_a_factor(capsys):
    args = ["design", "angle ~ recipe + temperature + (1 | replicate)",
            "--data", str(DATA / "cake.csv"), "--json"]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["X_columns"] == [
        "(Intercept)", "recipeB", "recipeC", "temperature"]
    assert main(args + ["--factor", "temperature"]) == 0
    cols = json.loads(capsys.readouterr().out)["X_columns"]
    assert cols[3:] == ["temperature185", "temperature195", "temperature205",
                        "temperature215", "temperature225"]
    assert main(args + ["--factor", "temperature=225,215,205,195,185,175"]) == 0
    assert json.loads(capsys.readouterr().out)["X_columns"][3] == "temperature215"


def test_factors_file_in_the_shared_layout(capsys):
    assert main(["design", "angle ~ recipe * temperature + (1 | recipe:replicate)",
                 "--data", str(DATA / "cake.csv"), "--factors", str(DATA / "factors.json"),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["X_shape"] == [270, 18]


def test_factor_levels_must_cover_the_data(capsys):
    assert main(["design", "angle ~ temperature + (1 | replicate)", "--data",
                 str(DATA / "cake.csv"), "--factor", "temperature=175,185"]) == 2
    assert "leave out values found in the data: 195" in capsys.readouterr().err


def test_broken_pipe_is_quiet():
    proc = subprocess.run(
        f"{sys.executable} -m mixeq design 'y ~ x * m + (1 + x | school)' --data "
        f"{DATA / 'seedlike.csv'} --json | head -1", shell=True, capture_output=True, text=True)
    assert proc.stdout.strip() == "{"
    assert "Traceback" not in proc.stderr
