"""The GLMM predictor kinds (mixeq/fitting/glmm/predictor.py, scalar.py) each solve
the penalised weighted least-squares system of a PIRLS step exactly: checked
against the system written out densely, (ΛZᵀWZΛ + I) u + ΛZᵀWX β = ΛZᵀWz,
XᵀWZΛ u + XᵀWX β = XᵀWz, with log|L|² = log det(ΛZᵀWZΛ + I) (Bates et al. 2015,
§3.6), at random θ and weights; and a planted error in a kind is caught."""
from __future__ import annotations

import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.glmm.predictor import WeightedPredictor, make_predictor
from mixeq.fitting.glmm.scalar import ScalarTermPredictor
from mixeq.fitting.theta import ThetaLayout

MODELS = {
    "one intercept": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial"),
    "one slope": ("r10 ~ Days + (0 + Days | Subject)", "sleepstudy", "poisson"),
    "crossed": ("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "grouseticks", "poisson"),
    "vector": ("r10 ~ Days + (Days | Subject)", "sleepstudy", "poisson"),
}


def _model(key):
    formula, data, family = MODELS[key]
    d = load_dataset(data)
    if data == "sleepstudy":
        d["r10"] = np.round(d["Reaction"] / 10)      # a count
    return mixeq.Model(formula, data=d, family=family)


def _dense_solution(model, theta, w, F):
    """u, β and log det of the dense penalised system (β solved when F has > 1 column)."""
    X = model.X.to_numpy(dtype=float)
    Z = model.design.Z.toarray()
    lams = ThetaLayout.from_terms(model.terms).lambdas(theta)
    blocks = [np.kron(np.eye(t.nlevels), lam) for t, lam in zip(model.terms, lams)]
    Lam = np.zeros((Z.shape[1], Z.shape[1]))
    at = 0
    for b in blocks:
        Lam[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    ZL = Z @ Lam
    q = ZL.shape[1]
    A = ZL.T @ (w[:, None] * ZL) + np.eye(q)
    ld = np.linalg.slogdet(A)[1]
    z = F[:, -1]
    if F.shape[1] == 1:
        return np.linalg.solve(A, ZL.T @ (w * z)), np.zeros(0), ld
    M = np.block([[A, ZL.T @ (w[:, None] * X)], [X.T @ (w[:, None] * ZL), X.T @ (w[:, None] * X)]])
    sol = np.linalg.solve(M, np.concatenate([ZL.T @ (w * z), X.T @ (w * z)]))
    return sol[:q], sol[q:], ld


def _check(pred, model, theta, w, F):
    sol = pred.solve(theta, w, F)
    u, beta, ld = _dense_solution(model, theta, w, F)
    np.testing.assert_allclose(np.concatenate([v.ravel() for v in sol.u]), u, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sol.beta, beta, rtol=1e-8, atol=1e-10)
    assert sol.ld_l == pytest.approx(ld, rel=1e-10)


@pytest.mark.parametrize("key", list(MODELS))
@pytest.mark.parametrize("solve_beta", [True, False])
def test_each_kind_solves_the_penalised_system(key, solve_beta):
    model = _model(key)
    layout = ThetaLayout.from_terms(model.terms)
    X = model.X.to_numpy(dtype=float)
    pred = make_predictor(X, model.terms, layout)
    rng = np.random.default_rng(7)
    for _ in range(3):
        theta = layout.start() + rng.uniform(0.05, 0.8, layout.size) * layout.diagonal
        theta = theta + rng.uniform(-0.2, 0.2, layout.size) * (1 - layout.diagonal)
        w = rng.uniform(0.1, 3.0, model.nobs)
        z = rng.normal(size=model.nobs)
        F = np.column_stack([X, z]) if solve_beta else z[:, None]
        _check(pred, model, theta, w, F)


def test_the_kind_is_chosen_by_the_terms():
    assert isinstance(make_predictor(_model("one intercept").X.to_numpy(float), _model("one intercept").terms,
                                     ThetaLayout.from_terms(_model("one intercept").terms)),
                      ScalarTermPredictor)
    for key in ("crossed", "vector"):
        m = _model(key)
        assert isinstance(make_predictor(m.X.to_numpy(float), m.terms, ThetaLayout.from_terms(m.terms)),
                          WeightedPredictor)


def test_a_planted_error_is_caught(monkeypatch):
    """The dense check fails when the scalar kind's level sums a_l are off by 1 %."""
    model = _model("one intercept")
    layout = ThetaLayout.from_terms(model.terms)
    pred = make_predictor(model.X.to_numpy(float), model.terms, layout)
    good = ScalarTermPredictor._a
    monkeypatch.setattr(ScalarTermPredictor, "_a", lambda self, w: 1.01 * good(self, w))
    rng = np.random.default_rng(1)
    w, z = rng.uniform(0.5, 2, model.nobs), rng.normal(size=model.nobs)
    with pytest.raises(AssertionError):
        _check(pred, model, np.array([0.7]), w, z[:, None])


def test_conditional_variances_match_between_kinds():
    model = _model("one intercept")
    layout = ThetaLayout.from_terms(model.terms)
    X = model.X.to_numpy(float)
    w = np.random.default_rng(3).uniform(0.2, 2.0, model.nobs)
    a = ScalarTermPredictor(X, model.terms, layout).condvar_u(np.array([0.6]), w)[0]
    b = WeightedPredictor(X, model.terms, layout).condvar_u(np.array([0.6]), w)[0]
    np.testing.assert_allclose(a, b, rtol=1e-12)
