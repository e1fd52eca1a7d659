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
from mixeq.fitting.glmm.crossed import NestedTermPredictor, ScalarTermsPredictor
from mixeq.fitting.glmm.predictor import WeightedPredictor, make_predictor
from mixeq.fitting.glmm.scalar import ScalarTermPredictor
from mixeq.fitting.theta import ThetaLayout

MODELS = {
    "one intercept": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial"),
    "one slope": ("r10 ~ Days + (0 + Days | Subject)", "sleepstudy", "poisson"),
    "crossed": ("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "grouseticks", "poisson"),
    "crossed years": ("TICKS ~ cHEIGHT + (1 | LOCATION) + (1 | YEAR)", "grouseticks", "poisson"),
    "crossed covariate": ("TICKS ~ YEAR + (1 | BROOD) + (0 + cHEIGHT | LOCATION) + (1 | YEAR)",
                          "grouseticks", "poisson"),
    "vector": ("r10 ~ Days + (Days | Subject)", "sleepstudy", "poisson"),
    "cell order": ("r2 ~ Anger + btype + (1 | id) + (1 | item)", "VerbAgg", "binomial"),
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


KINDS = {"one intercept": ScalarTermPredictor, "one slope": ScalarTermPredictor,
         "crossed": NestedTermPredictor, "crossed years": ScalarTermsPredictor,
         "crossed covariate": ScalarTermsPredictor,
         "vector": WeightedPredictor, "cell order": ScalarTermsPredictor}


@pytest.mark.parametrize("key", list(KINDS))
def test_the_kind_is_chosen_by_the_terms(key):
    m = _model(key)
    pred = make_predictor(m.X.to_numpy(float), m.terms, ThetaLayout.from_terms(m.terms))
    assert type(pred) is KINDS[key]


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


@pytest.mark.parametrize("key", ["one intercept", "one slope", "crossed", "crossed years",
                                 "crossed covariate"])
def test_conditional_variances_match_the_blocked_kind(key):
    model = _model(key)
    layout = ThetaLayout.from_terms(model.terms)
    X = model.X.to_numpy(float)
    w = np.random.default_rng(3).uniform(0.2, 2.0, model.nobs)
    theta = 0.3 + 0.2 * np.arange(layout.size)
    got = make_predictor(X, model.terms, layout).condvar_u(theta, w)
    want = WeightedPredictor(X, model.terms, layout).condvar_u(theta, w)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-10)


@pytest.mark.parametrize("key", ["crossed", "crossed covariate"])
def test_the_dense_cross_update_solves_it_too(key, monkeypatch):
    """The crossed kind's two ways of forming C diag(g) Cᵀ (pairs of non-zeros, taken
    by these sparse designs, and the dense product of fully crossed ones) agree."""
    from mixeq.fitting.glmm import crossed

    model = _model(key)
    layout = ThetaLayout.from_terms(model.terms)
    X = model.X.to_numpy(float)
    assert isinstance(make_predictor(X, model.terms, layout).cross, crossed.PairUpdate)
    monkeypatch.setattr(crossed.PairUpdate, "of", classmethod(lambda cls, *a: None))
    pred = make_predictor(X, model.terms, layout)
    assert isinstance(pred.cross, crossed.DenseUpdate) and type(pred) is ScalarTermsPredictor
    rng = np.random.default_rng(11)
    theta = 0.2 + rng.uniform(0, 1, layout.size)
    w, z = rng.uniform(0.2, 2, model.nobs), rng.normal(size=model.nobs)
    _check(pred, model, theta, w, np.column_stack([X, z]))
    _check(pred, model, theta, w, z[:, None])


@pytest.mark.parametrize("family,y", [("binomial", [0, 1, 1, 0, 1]), ("binomial", [0.2, 0.5, 1, 0, 0.75]),
                                      ("poisson", [0, 3, 1, 7, 2]), ("gaussian", [0.3, -1, 2, 0, 1])])
def test_the_kernels_deviance_is_the_sum_of_its_residuals(family, y):
    from mixeq.fitting.family import get_family

    fam = get_family(family)
    y = np.asarray(y, dtype=float)
    wt = np.array([1.0, 2.0, 4.0, 1.0, 3.0])
    k = fam.kernel(y, np.where(y % 1 > 0, 4.0, 1.0), wt)
    mu = np.array([0.3, 0.6, 0.9, 0.2, 0.5]) * (5.0 if family == "poisson" else 1.0)
    assert k.deviance(mu) == pytest.approx(float(fam.dev_resid(y, mu, wt).sum()), rel=1e-12)


def test_binomial_residuals_on_the_boundary_take_0_log_0_as_0():
    """μ exactly 0 or 1 (not made by the clamped links, but given by a caller): the
    plain-log path falls back to xlogy, as R's y_log_y."""
    from mixeq.fitting.family import get_family

    fam = get_family("binomial")
    y, wt = np.array([0.0, 1.0, 0.5]), np.ones(3)
    k = fam.kernel(y, np.array([1.0, 1.0, 2.0]), wt)
    mu = np.array([0.0, 1.0, 0.5])
    assert np.all(np.isfinite(k.dev_resid(mu)))
    assert k.deviance(mu) == pytest.approx(float(fam.dev_resid(y, mu, wt).sum()), abs=1e-12)


def test_rows_in_cell_order_take_the_margins_and_a_planted_error_is_caught(monkeypatch):
    """VerbAgg's rows are its subjects × items cells in order: the crossed kind reads C
    and the sums as margins of W and WF (checked above against the dense system);
    shuffled rows take the bincounts; a Z_RᵀWF off by 1 % fails the dense check."""
    model = _model("cell order")
    layout = ThetaLayout.from_terms(model.terms)
    X = model.X.to_numpy(float)
    pred = make_predictor(X, model.terms, layout)
    assert pred.cell_order
    formula, data, family = MODELS["cell order"]
    shuffled = mixeq.Model(formula, data=load_dataset(data).sample(frac=1.0, random_state=1),
                           family=family)
    assert not make_predictor(shuffled.X.to_numpy(float), shuffled.terms,
                              ThetaLayout.from_terms(shuffled.terms)).cell_order
    products = ScalarTermsPredictor.products

    def planted(self, w, F):
        a, wrr, C, (B1, BR), FF = products(self, w, F)
        return a, wrr, C, [B1, 1.01 * BR], FF

    monkeypatch.setattr(ScalarTermsPredictor, "products", planted)
    rng = np.random.default_rng(2)
    w, z = rng.uniform(0.5, 2, model.nobs), rng.normal(size=model.nobs)
    with pytest.raises(AssertionError):
        _check(pred, model, np.array([0.9, 0.6]), w, z[:, None])


def test_rows_in_cell_order_with_the_last_cells_missing_take_the_sums():
    """Rows in the cells' order but the last two of the 6 × 3 cells empty (row i is
    cell i for i < 16): not every cell has its row, so C cannot be W reshaped; the
    sums still equal the dense system's."""
    import pandas as pd

    rng = np.random.default_rng(5)
    g, h = np.tile(np.arange(6), 3)[:16], np.repeat(np.arange(3), 6)[:16]
    data = pd.DataFrame({"y": rng.integers(0, 2, 16), "g": [f"g{i}" for i in g],
                         "h": [f"h{i}" for i in h]})
    model = mixeq.Model("y ~ 1 + (1 | g) + (1 | h)", data=data, family="binomial")
    layout = ThetaLayout.from_terms(model.terms)
    pred = make_predictor(model.X.to_numpy(float), model.terms, layout)
    assert isinstance(pred, ScalarTermsPredictor) and pred.q1 * pred.qR == 18
    assert np.array_equal(pred.codes[1] * pred.q1 + pred.codes[0], np.arange(16))
    assert not pred.cell_order
    w, z = rng.uniform(0.5, 2, 16), rng.normal(size=16)
    _check(pred, model, np.array([0.9, 0.6]), w, z[:, None])
