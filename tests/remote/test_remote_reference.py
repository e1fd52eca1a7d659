"""Every lme4 reference model fitted from a Parquet file through DuckDB: the same
criterion as the in-memory fit (1e-9 relative) and lme4's estimates."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.datasets import apply_factors
from fitting.helpers import reference_fit
from mixeq.remote import source
from remote.helpers import REF_PATHS, csv_name, factors_for, parquet_of, reference

pytest.importorskip("duckdb")
pytest.importorskip("ibis")


@pytest.fixture(scope="module", params=REF_PATHS, ids=[p.stem for p in REF_PATHS])
def fits(request):
    import pandas as pd
    from conftest import DATA

    ref = reference(request.param)
    all_factors = ref.get("factors") or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if request.param.parent.name == "reference":   # the session's cached in-memory fit
            memory = reference_fit(request.param.stem)
        else:
            frame = (apply_factors(pd.read_csv(DATA / csv_name(ref)), all_factors) if all_factors
                     else load_dataset(ref["dataset"]))
            memory = mixeq.fit(ref["formula"], frame, reml=ref["REML"])
        remote = mixeq.fit(ref["formula"], source(parquet_of(csv_name(ref)), factors=factors_for(ref)),
                           reml=ref["REML"])
    return ref, memory, remote


def test_criterion_equals_the_in_memory_fit(fits):
    ref, memory, remote = fits
    assert remote.objective == pytest.approx(memory.objective, rel=1e-9, abs=0)
    assert remote.nobs == memory.nobs == ref["nobs"]
    assert remote.optimizer_summary.options["remote"]["mode"] in ("cells", "products")


def test_estimates_are_lme4s(fits):
    ref, _, fit = fits
    assert list(fit.fixef.index) == list(ref["fixef"])
    np.testing.assert_allclose(fit.fixef.to_numpy(), list(ref["fixef"].values()), rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(fit.stderr.to_numpy(), list(ref["fixef_se"].values()), rtol=1e-3)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-3)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=2e-3, atol=2e-3)
    for ours, key in [(fit.loglik, "logLik"), (fit.aic, "AIC"), (fit.bic, "BIC")]:
        np.testing.assert_allclose(ours, ref[key], rtol=1e-6)
    assert {g: int(v) for g, v in fit.ngroups.items()} == {g: int(v) for g, v in ref["ngrps"].items()}


def test_conditional_modes_are_lme4s(fits):
    ref, _, fit = fits
    for group, r in ref["ranef"].items():
        frame = fit.ranef[group]
        ours = frame.loc[r["levels"]] if set(r["levels"]) == set(map(str, frame.index)) else None
        assert ours is not None, f"levels of {group} differ"
        expected = np.array(r["values"], dtype=float)
        floor = 1e-3 * np.abs(expected).max(axis=0)
        assert np.all(np.abs(ours.to_numpy() - expected) <= 1e-3 * np.abs(expected) + floor + 1e-9)
