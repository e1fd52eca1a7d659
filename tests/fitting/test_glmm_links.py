"""Links beyond logit and prior weights in a Poisson GLMM, against lme4 1.1-31's glmer
(tests/data/reference_glmm_links, made by Rscript tools/make_glmm_link_references.R),
within issue 10's tolerances."""
from __future__ import annotations

import json

import numpy as np
import pytest

import mixeq
from conftest import DATA, load_dataset

IDS = sorted(p.stem for p in (DATA / "reference_glmm_links").glob("*.json"))


@pytest.fixture(scope="module", params=IDS)
def case(request):
    ref = json.loads((DATA / "reference_glmm_links" / f"{request.param}.json").read_text())
    d = load_dataset(ref["dataset"])
    weights = None
    if ref["weights"]:
        weights = np.resize([1.0, 2.0, 0.5], len(d))
    fit = mixeq.fit(ref["formula"], d, family=ref["family"], link=ref["link"], weights=weights)
    return ref, fit


def test_loglik_no_worse_than_lme4(case):
    ref, fit = case
    assert fit.loglik >= ref["logLik"] - 1e-6 * abs(ref["logLik"])
    assert fit.loglik <= ref["logLik"] + 1e-4 * abs(ref["logLik"])
    np.testing.assert_allclose(fit.deviance, ref["deviance"], rtol=1e-3)


def test_estimates_and_standard_errors(case):
    ref, fit = case
    want = np.array(list(ref["fixef"].values()))
    assert list(fit.fixef.index) == list(ref["fixef"])
    assert np.all(np.abs(fit.fixef.to_numpy() - want) <= 2e-3 * np.maximum(np.abs(want), 1.0))
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-2)
    np.testing.assert_allclose(fit.theta, np.atleast_1d(ref["theta"]), rtol=1e-2)
    assert fit.family.link.name == ref["link"]
