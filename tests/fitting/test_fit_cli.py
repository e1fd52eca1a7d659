"""``mixeq fit``: summary text and JSON with the reference keys."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from conftest import DATA, load_reference
from mixeq.cli.main import main

KEYS = ["fixef", "fixef_se", "theta", "sigma", "logLik", "deviance", "REMLcrit", "AIC", "BIC",
        "varcorr", "ranef", "nobs", "ngrps"]


def test_json_has_the_reference_keys_and_values(capsys):
    ref = load_reference("sleepstudy_slope_ml")
    code = main(["fit", ref["formula"], "--data", str(DATA / "sleepstudy.csv"), "--ml", "--json"])
    assert code == 0
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text  # strict JSON
    out = json.loads(text)
    assert set(KEYS) <= set(out)
    assert out["optimizer"]["lower"] == [0.0, None, 0.0]
    assert out["REML"] is False and out["REMLcrit"] is None
    np.testing.assert_allclose(out["deviance"], ref["deviance"], rtol=1e-6)
    np.testing.assert_allclose(list(out["fixef"].values()), list(ref["fixef"].values()), rtol=1e-4)
    assert out["varcorr"]["grp"] == ref["varcorr"]["grp"]
    assert out["ranef"]["Subject"]["levels"] == ref["ranef"]["Subject"]["levels"]
    assert out["ngrps"] == ref["ngrps"] and out["nobs"] == ref["nobs"]


def test_text_summary(capsys):
    code = main(["fit", "Yield ~ 1 + (1 | Batch)", "--data", str(DATA / "Dyestuff.csv")])
    assert code == 0
    out = capsys.readouterr().out
    assert "REML criterion at convergence: 319.7" in out
    assert "Number of obs: 30, groups:  Batch, 6" in out


def test_factor_levels_set_the_reference_level(tmp_path: Path, capsys):
    levels = tmp_path / "levels.json"
    levels.write_text(json.dumps({"recipe": ["C", "B", "A"]}))
    code = main(["fit", "angle ~ recipe + (1 | replicate)", "--data", str(DATA / "cake.csv"),
                 "--factors", str(levels), "--json"])
    assert code == 0
    assert list(json.loads(capsys.readouterr().out)["fixef"]) == ["(Intercept)", "recipeB", "recipeA"]
    code = main(["fit", "angle ~ recipe + (1 | replicate)", "--data", str(DATA / "cake.csv"),
                 "--factor", "recipe=B,A,C", "--json"])
    assert code == 0
    assert list(json.loads(capsys.readouterr().out)["fixef"]) == ["(Intercept)", "recipeA", "recipeC"]


def test_errors_are_reported_not_raised(tmp_path: Path, capsys):
    assert main(["fit", "Reaction ~ Days + (Days | Subj)", "--data", str(DATA / "sleepstudy.csv")]) == 2
    assert "Subject" in capsys.readouterr().err
    assert main(["fit", "Reaction ~ Days + (1 | Subject)", "--data", str(DATA / "nothere.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
