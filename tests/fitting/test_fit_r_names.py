"""Fits with logical terms (``I(Days > 5)``), R-coded interactions and named contrasts
(``C(f, sum)``) equal lme4's: REML criterion, β under R's coefficient names, standard
errors, θ and σ (tests/data/names, made by tools/make_names_references.R)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from design.r_names import models, sleep_names

LOGICAL = models(contrasts=False)


def _fit(formula):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # rank-deficient codings: lme4 says so too
        return mixeq.fit(formula, sleep_names())


def check_against_lme4(ref):
    fit = _fit(ref["formula"])
    assert list(fit.fixef.index) == ref["X_columns"]
    np.testing.assert_allclose(fit.reml_criterion, ref["REMLcrit"], rtol=1e-7)
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(fit.stderr.to_numpy(), ref["se"], rtol=1e-3)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)


@pytest.mark.parametrize("ref", LOGICAL, ids=[r["formula"] for r in LOGICAL])
def test_logical_and_interaction_fits_equal_lme4(ref):
    check_against_lme4(ref)


CONTRASTS = models(contrasts=True)


@pytest.mark.parametrize("ref", CONTRASTS, ids=[r["formula"] for r in CONTRASTS])
def test_named_contrast_fits_equal_lme4(ref):
    check_against_lme4(ref)
