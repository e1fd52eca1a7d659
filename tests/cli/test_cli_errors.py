"""The command line's contract for errors (issue 8): exit status 2 for a user error
(any MixeqError, a bad option), 1 only for a bug; with --json the error is a JSON
object on stdout; an ASCII-only stdout gets escapes, never a UnicodeEncodeError."""
import json
import os
import subprocess
import sys

import pytest

from conftest import DATA
from mixeq.cli import main as cli
from mixeq.cli.main import main

SLEEP = str(DATA / "sleepstudy.csv")
F = "Reaction ~ Days + (1 | Subject)"


def _json_error(capsys, argv, status=2):
    assert main(argv) == status
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"error"} and set(out["error"]) == {"type", "message", "position"}
    return out["error"]


def test_a_formula_error_as_json_has_type_message_position(capsys):
    err = _json_error(capsys, ["design", "Reaction ~ Days + (1 | Subject", "--data", SLEEP, "--json"])
    assert err["type"] == "FormulaSyntaxError" and err["position"] == 18
    assert "never closed" in err["message"] and "^" not in err["message"]


@pytest.mark.parametrize("argv, kind, text", [
    (["design", F, "--data", SLEEP, "--factor", "Subject=308,309,308"], "DataError", "repeats 308"),
    (["design", F, "--data", SLEEP, "--factor", "Subject=308,,309"], "DataError", "empty level"),
    (["fit", F, "--data", SLEEP, "--bogus"], "UsageError", "unrecognized arguments"),
    (["fit", F, "--data", str(DATA / "nothere.csv")], "DataError", "does not exist"),
], ids=["factor-repeat", "factor-empty", "bad-option", "no-file"])
def test_user_errors_exit_2_with_a_json_error(capsys, argv, kind, text):
    err = _json_error(capsys, [*argv, "--json"])
    assert err["type"] == kind and text in err["message"]
    assert main(argv) == 2  # and without --json: one line on stderr
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("mixeq: error: ") and text in captured.err


@pytest.mark.parametrize("argv, text", [
    (["--digits", "-3"], "digits=-3"),
    (["--digits", "abc"], "invalid int value"),
    (["--data", SLEEP, "--form", "observation", "--row", "999999"], "the largest has 10"),
    (["--form", "observation", "--row", "0"], "row=0"),
    (["--name", "Days="], "non-empty"),
    (["--name", "=SES"], "non-empty"),
], ids=["digits-neg", "digits-abc", "row-big", "row-0", "name-empty", "name-var-empty"])
def test_explain_option_errors_exit_2(capsys, argv, text):
    assert main(["explain", F, *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("mixeq: error: ") and text in captured.err


def test_a_header_only_csv_is_a_clear_error(capsys, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("Reaction,Days,Subject\n")
    err = _json_error(capsys, ["fit", F, "--data", str(path), "--json"])
    assert "no rows" in err["message"] and "header" in err["message"]


def test_a_bug_exits_1_and_says_it_is_a_bug(capsys, monkeypatch):
    def broken(args):
        raise ZeroDivisionError("planted")

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    for action in parser._subparsers._group_actions:
        action.choices["design"].set_defaults(_run=broken)
    assert main(["design", F, "--data", SLEEP]) == 1
    assert "internal error (a bug" in capsys.readouterr().err
    err = _json_error(capsys, ["design", F, "--data", SLEEP, "--json"], status=1)
    assert err["type"] == "ZeroDivisionError" and "bug" in err["message"]


@pytest.mark.parametrize("argv", [
    ["explain", "y ~ x * m + (1 + x | school)", "--form", "all"],
    ["fit", F, "--data", SLEEP],
    ["check", str(DATA / "fixtures" / "cross_level_corrected.tex"), "--group", "j=school"],
])
def test_an_ascii_only_stdout_gets_escapes_not_a_traceback(argv):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    proc = subprocess.run([sys.executable, "-m", "mixeq", *argv], capture_output=True, env=env)
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr
    proc.stdout.decode("ascii")  # nothing outside ASCII was written


def test_ascii_only_stdout_json_stays_valid_json():
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    for argv in (["check", str(DATA / "fixtures" / "cross_level_corrected.tex"), "--group",
                  "j=school", "--json"], ["fit", F, "--data", SLEEP, "--json"]):
        proc = subprocess.run([sys.executable, "-m", "mixeq", *argv], capture_output=True, env=env)
        assert b"Traceback" not in proc.stderr
        json.loads(proc.stdout.decode("ascii"))


def test_fit_json_never_reports_two_intercepts(capsys, tmp_path):
    """A column named Intercept once gave X two '(Intercept)' columns and --json the
    slope as the intercept: now a clear error naming the column."""
    import pandas as pd

    path = tmp_path / "d.csv"
    pd.read_csv(SLEEP).assign(Intercept=lambda d: d.Days).to_csv(path, index=False)
    err = _json_error(capsys, ["fit", "Reaction ~ Intercept + (1 | Subject)", "--data", str(path),
                               "--json"])
    assert err["type"] == "DataError" and "'Intercept'" in err["message"]


def test_csv_columns_of_every_kind_through_the_cli(capsys, tmp_path):
    """A logical column (True/False in the CSV) is R's xTRUE; a repeated header is
    renamed by the CSV reader, so the formula's column is unambiguous."""
    import pandas as pd

    path = tmp_path / "d.csv"
    frame = pd.read_csv(SLEEP).assign(b=lambda d: d.Days > 4)
    frame.to_csv(path, index=False)
    assert main(["fit", "Reaction ~ b + (1 | Subject)", "--data", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out["fixef"]) == ["(Intercept)", "bTRUE"]
    assert out["fixef"]["bTRUE"] == pytest.approx(53.7554255555554, rel=1e-6)  # lme4 1.1-31
    dup = tmp_path / "dup.csv"
    dup.write_text("Reaction,Days,Subject,Days\n" + "\n".join(
        f"{r},{d},{s},{d}" for r, d, s in frame[["Reaction", "Days", "Subject"]].itertuples(index=False)))
    assert main(["design", F, "--data", str(dup), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["X_columns"] == ["(Intercept)", "Days"]


def test_check_with_data_of_every_kind_through_the_cli(capsys, tmp_path):
    import pandas as pd

    eqs = tmp_path / "eq.txt"
    eqs.write_text("y_ij = beta_0j + beta_1j x_ij + e_ij\nbeta_0j = gamma_00 + gamma_01 m_j + u_0j\n"
                   "beta_1j = gamma_10 + u_1j\n")
    seed = pd.read_csv(DATA / "seedlike.csv")
    for name, frame, status in [
            ("bool", seed.assign(m=seed.m > seed.m.median()), 0),
            ("index", seed.assign(j=seed.school), 0),
            ("bool-varies", seed.assign(m=seed.x > 0), 3)]:
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        code = main(["check", str(eqs), "--group", "j=school", "--data", str(path), "--json"])
        out = json.loads(capsys.readouterr().out)
        assert code == status and "error" not in out and out["formula"].startswith("y ~ 1 + x + m")
