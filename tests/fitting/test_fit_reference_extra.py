"""Fits against the extra lme4 references (tests/data/reference_extra, made with
tools/make_references.R from lme4 1.1-31): nested, crossed, factor slopes, missing
rows, rank deficiency, transforms, ML fits."""
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
from conftest import DATA
from mixeq.datasets import apply_factors

# insteval_service_slope takes ~50 s to fit (lme4: 224 s); it agreed with lme4 to 9e-12
# (criterion) when checked by hand on 2026-11-21, and is left out of the suite for time.
SLOW = {"insteval_service_slope"}
PATHS = sorted(p for p in (DATA / "reference_extra").glob("*.json") if p.stem not in SLOW)


@pytest.fixture(scope="module", params=PATHS, ids=[p.stem for p in PATHS])
def fitted(request):
    ref = json.loads(request.param.read_text())
    df = apply_factors(pd.read_csv(DATA / Path(ref["dataset_file"]).name), ref.get("factors") or {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], df, reml=ref["REML"])
    return ref, fit


def _rel(a, b, floor):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), floor))


def test_objective_equals_lme4s_or_lower(fitted):
    ref, fit = fitted
    ours = fit.reml_criterion if ref["REML"] else fit.deviance
    theirs = ref["REMLcrit"] if ref["REML"] else ref["deviance"]
    assert (ours - theirs) / abs(theirs) < 1e-6


def test_fixed_effects_and_standard_errors(fitted):
    ref, fit = fitted
    names = list(ref["fixef"])
    assert list(fit.fixef.index) == names
    assert _rel(fit.fixef[names], [ref["fixef"][k] for k in names], 1e-6) < 1e-4
    assert _rel(fit.stderr[names], [ref["fixef_se"][k] for k in names], 1e-8) < 1e-3


def test_variance_components(fitted):
    ref, fit = fitted
    vc = ref["varcorr"]
    assert list(fit.varcorr["grp"]) == vc["grp"]
    assert np.max(np.abs(fit.varcorr["sdcor"].to_numpy(float) - np.asarray(vc["sdcor"], float))
                  / np.maximum(np.abs(vc["sdcor"]), 1e-2)) < 1e-3
    assert fit.singular == bool(ref["singular"])


def test_conditional_modes(fitted):
    ref, fit = fitted
    for group, block in ref["ranef"].items():
        ours = fit.ranef[group]
        assert list(ours.index.astype(str)) == block["levels"]
        theirs = np.asarray(block["values"], float)
        scale = np.max(np.abs(theirs)) if theirs.size else 1.0
        assert np.max(np.abs(ours.to_numpy(float) - theirs)) <= 1e-3 * max(scale, 1e-8) + 1e-6
