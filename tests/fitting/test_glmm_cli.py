"""``mixeq fit --family/--link/--nagq/--weights``: glmer's summary and JSON with
the keys of the glmm reference files."""
from __future__ import annotations

import json

import numpy as np

from conftest import DATA
from fitting.glmm_helpers import load_glmm_reference
from mixeq.cli.main import main

CBPP = ["--data", str(DATA / "cbpp.csv"), "--factor", "period=1,2,3,4"]


def test_json_with_the_glmm_reference_keys(capsys):
    ref = load_glmm_reference("cbpp_agq25")
    code = main(["fit", ref["formula"], *CBPP, "--family", "binomial", "--nagq", "25", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    keys = {k for k in ref if k not in ("id", "dataset", "Z_dim", "X_colnames", "lme4_version",
                                          "lme4_seconds")}
    assert keys <= set(out)
    assert out["family"] == "binomial" and out["link"] == "logit" and out["nAGQ"] == 25
    np.testing.assert_allclose(out["logLik"], ref["logLik"], rtol=1e-6)
    np.testing.assert_allclose(list(out["fixef_se"].values()), list(ref["fixef_se"].values()),
                               rtol=1e-2)


def test_weights_and_link_flags(capsys):
    code = main(["fit", "incidence/size ~ period + (1 | herd)", *CBPP, "--family", "binomial",
                 "--link", "probit", "--weights", "size"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Family: binomial  ( probit )" in out and "z value" in out


def test_weighted_lmm_flag(capsys):
    ref = load_glmm_reference("sleepstudy_weights")
    code = main(["fit", ref["formula"], "--data", str(DATA / "sleepweights.csv"), "--weights", "w",
                 "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(out["REMLcrit"], ref["REMLcrit"], rtol=1e-6)


def test_bad_family_is_a_clean_error(capsys):
    code = main(["fit", "incidence/size ~ period + (1 | herd)", *CBPP, "--family", "gamma"])
    assert code != 0
    assert "unknown family" in capsys.readouterr().err
