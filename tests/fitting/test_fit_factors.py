"""The blocked and the dense factorisations give the same criterion, β, modes and
conditional variances; conditional variances match a brute-force computation."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from fitting.helpers import SMALL_IDS, reference_fit, reference_model
from mixeq.fitting.engine import make_factor


@pytest.mark.parametrize("ref_id", SMALL_IDS)
def test_blocked_and_dense_agree_at_the_optimum(ref_id):
    model = reference_model(ref_id)
    theta = reference_fit(ref_id).theta
    dense, _ = make_factor(model, "dense")
    blocked, _ = make_factor(model, "blocked")
    for reml in (True, False):
        np.testing.assert_allclose(blocked.objective(theta, reml), dense.objective(theta, reml), rtol=1e-11)
    fd, fb = dense.factorization(theta), blocked.factorization(theta)
    np.testing.assert_allclose(fb.beta, fd.beta, rtol=1e-9, atol=1e-9)
    for ub, ud in zip(fb.u, fd.u):
        np.testing.assert_allclose(ub, ud, rtol=1e-8, atol=1e-8)
    for cb, cd in zip(blocked.condvar_u(theta), dense.condvar_u(theta)):
        np.testing.assert_allclose(cb, cd, rtol=1e-8, atol=1e-10)


def test_a_blocked_fit_reaches_the_same_optimum():
    ref = reference_fit("penicillin_crossed")
    fit = reference_fit("penicillin_crossed", "blocked")
    assert fit.optimizer_summary.factor == "blocked"
    np.testing.assert_allclose(fit.objective, ref.objective, rtol=1e-9)
    np.testing.assert_allclose(fit.fixef, ref.fixef, rtol=1e-6)


@pytest.mark.parametrize("ref_id", ["sleepstudy_slope_reml", "pastes_nested", "penicillin_crossed"])
def test_conditional_variances_brute_force(ref_id):
    """σ² Λ (ΛᵀZᵀZΛ + I)⁻¹ Λᵀ from explicit matrices (lme4's condVar)."""
    fit = reference_fit(ref_id)
    model = fit.model
    Z = model.Z.toarray()
    lams = [np.kron(np.eye(t.nlevels), lam) for t, lam in zip(model.terms, fit._layout.lambdas(fit.theta))]
    Lam = sp.block_diag(lams).toarray()
    V = fit.sigma ** 2 * Lam @ np.linalg.inv(Lam.T @ Z.T @ Z @ Lam + np.eye(Z.shape[1])) @ Lam.T
    start = 0
    for term in model.terms:
        k = term.ncols
        got = fit.ranef_condvar[term.group]
        for lev in range(term.nlevels):
            block = V[start + lev * k:start + (lev + 1) * k, start + lev * k:start + (lev + 1) * k]
            np.testing.assert_allclose(got[lev][:k, :k] if got.shape[1] == k else got[lev], block,
                                       rtol=1e-8, atol=1e-12)
        start += term.q
    se = fit.ranef_se[model.terms[0].group]
    assert se.shape == fit.ranef[model.terms[0].group].shape
    assert (se.to_numpy() > 0).all()


def test_fitted_values_are_X_beta_plus_Z_b():
    fit = reference_fit("sleepstudy_slope_reml")
    model = fit.model
    b = np.concatenate([v.ravel() for v in fit._b])
    expected = model.X.to_numpy() @ fit.fixef.to_numpy() + model.Z @ b
    np.testing.assert_allclose(fit.fitted.to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(fit.residuals.to_numpy(), model.y.to_numpy() - expected, atol=1e-9)


def test_term_covariances_are_sigma2_lambda_lambda_t():
    fit = reference_fit("sleepstudy_slope_reml")
    (cov,) = fit.term_covariances()
    vc = fit.varcorr
    np.testing.assert_allclose(np.diag(cov), vc["vcov"].iloc[:2])
    np.testing.assert_allclose(cov[1, 0], vc["vcov"].iloc[2])


@pytest.mark.parametrize("ref_id", ["penicillin_crossed", "sleepstudy_slope_reml", "sleepstudy_uncorrelated"])
def test_fallbacks_for_large_models_give_the_same_criterion(ref_id, monkeypatch):
    """Without the precomputed operators (too large for memory) the blocked factor
    forms the same products with sparse algebra and einsum."""
    import mixeq.fitting.firstterm as firstterm
    import mixeq.fitting.pairs as pairs

    model = reference_model(ref_id)
    theta = reference_fit(ref_id).theta
    dense, _ = make_factor(model, "dense")
    monkeypatch.setattr(firstterm, "MAX_BF_ENTRIES", 0)
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    blocked, _ = make_factor(model, "blocked")
    assert blocked.first.BF is None
    for reml in (True, False):
        np.testing.assert_allclose(blocked.objective(theta, reml), dense.objective(theta, reml), rtol=1e-11)
    np.testing.assert_allclose(blocked.factorization(theta).beta, dense.factorization(theta).beta, rtol=1e-9)
