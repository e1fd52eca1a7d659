"""Fits with arithmetic inside calls (``exp(Days/10)``, ``I((Days + 1)^-0.5)``, a random
slope ``log(Days + 1)``) equal lme4's, under lme4's coefficient names: REML criterion
and β (tests/data/names/deparse_lme4.json, tools/make_deparse_references.R)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from design.r_names import assert_fit_is_lme4s, deparse_models, sleepstudy

MODELS = deparse_models()


@pytest.mark.parametrize("ref", MODELS, ids=[r["formula"] for r in MODELS])
def test_deparse_names_fits_equal_lme4(ref):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = mixeq.fit(ref["formula"], sleepstudy())
    assert_fit_is_lme4s(fit, ref)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)
