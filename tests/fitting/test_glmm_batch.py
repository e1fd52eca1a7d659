"""Stage 2's criterion at many points at once (glmm/batch.py): equal to each point
evaluated alone, points that need the single evaluation's rules handed to it, and
BOBYQA's first points prefetched without changing the fit."""
import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.fitting.glmm import batch
from fitting.glmm_helpers import load_glmm_reference


def _fit(ref_id, **options):
    ref = load_glmm_reference(ref_id)
    fit = mixeq.fit(ref["formula"], load_dataset(ref["dataset"]), family=ref["family"],
                    nagq=ref["nAGQ"], **options)
    return ref, fit


MODELS = {   # formula, data, family, nagq: offsets, Poisson, a term column m ≠ 1, AGQ
    "cbpp": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial", 1),
    "cbpp_agq": ("cbind(incidence, size - incidence) ~ period + (1 | herd)", "cbpp", "binomial",
                 25),
    "offset": ("y ~ x + z + offset(log(exposure)) + (1 | g)", "poisson_offset", "poisson", 1),
    "offset_agq": ("y ~ x + z + offset(log(exposure)) + (1 | g)", "poisson_offset", "poisson",
                   9),
    "slope": ("y ~ x + (0 + t | g)", "poisson_offset", "poisson", 1),
    "slope_agq": ("y ~ x + (0 + t | g)", "poisson_offset", "poisson", 5),
    "nested": ("TICKS ~ YEAR + cHEIGHT + (1 | BROOD) + (1 | LOCATION)", "grouseticks",
               "poisson", 1),
    "crossed": ("r2 ~ Anger + Gender + btype + situ + (1 | id) + (1 | item)", "VerbAgg",
                "binomial", 1),
    "crossed_cells": ("TICKS ~ cHEIGHT + (1 | LOCATION) + (1 | YEAR)", "grouseticks",
                      "poisson", 1),
}


def _model_fit(key):
    formula, data, family, nagq = MODELS[key]
    return mixeq.fit(formula, load_dataset(data), family=family, nagq=nagq)


def _around(fit, count=40, spread=0.5, seed=1):
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    rng = np.random.default_rng(seed)
    k = fit.theta.size
    points = x + rng.normal(scale=[0.3] * k + [spread] * fit.fixef.size, size=(count, x.size))
    points[:, :k] = np.abs(points[:, :k])
    points[0] = x
    return x, points


@pytest.mark.parametrize("key", sorted(MODELS))
def test_a_batch_of_points_equals_each_point_alone(key):
    """batch.deviances at points around the optimum (and far from it, where PIRLS
    takes more steps) against the single evaluation at each."""
    fit = _model_fit(key)
    prob = fit._problem
    assert batch.can_batch(prob)
    x, points = _around(fit)
    many = batch.deviances(prob, points, fit._eta0)
    single = prob.stage2(fit._eta0)
    alone = np.array([single(p) for p in points])
    np.testing.assert_allclose(many, alone, rtol=1e-12)
    assert many[0] == pytest.approx(fit.objective, rel=1e-12)
    assert np.ptp(many) > 1.0                   # the points are not all alike


def test_the_dense_and_the_bincount_level_sums_agree():
    """AGQ's level sums as one matrix product (small designs) or by bincount."""
    fit = _model_fit("offset_agq")
    prob = fit._problem
    _, points = _around(fit, count=12)
    dense = batch.deviances(prob, points, fit._eta0)
    assert prob.agq_plan.dense is not None
    prob.agq_plan.dense = None
    np.testing.assert_allclose(batch.deviances(prob, points, fit._eta0), dense, rtol=1e-12)


def test_a_point_leaving_the_eta_forms_range_is_evaluated_alone(monkeypatch):
    """A point whose η leaves the η form's range (|η| > 30) is handed to the single
    evaluation, the others stay in the batch; values equal the single ones."""
    _, fit = _fit("cbpp_binomial")
    prob = fit._problem
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    far = x.copy()
    far[1] += 40.0                               # intercept 40: every η > 30
    points = np.array([x, far, x * 1.01])
    calls = []
    single = prob.stage2(fit._eta0)
    monkeypatch.setattr(prob, "stage2", lambda eta0: lambda p: calls.append(p) or single(p))
    values = batch.deviances(prob, points, fit._eta0)
    assert len(calls) == 1 and np.array_equal(calls[0], far)
    assert values[0] == pytest.approx(fit.objective, rel=1e-12)
    assert values[1] == single(far)


@pytest.mark.parametrize("planted", ["rise", "nan"])
def test_a_point_whose_deviance_rises_or_is_not_finite_is_evaluated_alone(planted, monkeypatch):
    """Planted: at the batch's second step one point's penalised deviance rises (where
    the single loop would halve the step) or is NaN; that point, and only it, is
    handed to the single evaluation (the batch's loop never halves)."""
    fit = _model_fit("cbpp_agq")
    prob = fit._problem
    _, points = _around(fit, count=6, spread=0.2)
    eta_form = prob.resp.eta_form
    calls = {"batch": 0}

    def planted_eta_form(eta):
        got = eta_form(eta)
        if eta.ndim == 2:                        # the batch's calls, not the single's
            calls["batch"] += 1
            if calls["batch"] == 2:
                mu, dev = got
                dev = dev.copy()
                dev[2] = dev[2] + 10.0 if planted == "rise" else np.nan
                got = (mu, dev)
        return got

    monkeypatch.setattr(prob.resp, "eta_form", planted_eta_form)
    handed = []
    single = prob.stage2(fit._eta0)
    monkeypatch.setattr(prob, "stage2", lambda eta0: lambda p: handed.append(p) or single(p))
    values = batch.deviances(prob, points, fit._eta0)
    assert len(handed) == 1 and np.array_equal(handed[0], points[2])
    np.testing.assert_allclose(values, [single(p) for p in points], rtol=1e-12)


@pytest.mark.parametrize("formula", [
    "TICKS ~ cHEIGHT + (1 | BROOD) + (1 | LOCATION) + (1 | YEAR)",   # three scalar terms
    "TICKS ~ YEAR + (0 + cHEIGHT | BROOD) + (1 | LOCATION)",  # nested, but a term column
])
def test_kinds_without_a_levels_algebra_are_not_batched_and_still_answer(formula):
    """No levels' algebra: deviances loops the single evaluation."""
    fit = mixeq.fit(formula, load_dataset("grouseticks"), family="poisson")
    prob = fit._problem
    assert prob.pred.levels is None and not batch.can_batch(prob)
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    values = batch.deviances(prob, np.array([x, x * 1.01]), fit._eta0)
    single = prob.stage2(fit._eta0)
    assert values.tolist() == [single(x), single(x * 1.01)]


@pytest.mark.parametrize("planted", ["not_pd", "wrong_diag"])
def test_crossed_batch_hands_a_failed_factor_alone_and_a_wrong_factor_is_caught(planted,
                                                                               monkeypatch):
    """Crossed terms (VerbAgg), planted in the stacked 24 × 24 factor at the batch's
    first step: one point's M not positive definite — that point, and only it, is
    handed to the single evaluation, the values still equal; or the stack's diag L off
    by 1e-6 (log|L|² wrong, the steps right) — the batch then differs from the single
    evaluation (what the equality test above catches)."""
    from mixeq.fitting.glmm import crossed_steps

    fit = _model_fit("crossed")
    prob = fit._problem
    _, points = _around(fit, count=6, spread=0.2)
    single = prob.stage2(fit._eta0)
    alone = np.array([single(p) for p in points])
    solve = crossed_steps._solve
    calls = {"batch": 0}

    def planted_solve(M, rhs):
        if M.ndim == 3:
            calls["batch"] += 1
            if planted == "not_pd" and calls["batch"] == 1:
                M[2] = -M[2]
            if planted == "wrong_diag":
                d, u = solve(M, rhs)
                return d * (1.0 + 1e-6), u
        return solve(M, rhs)

    monkeypatch.setattr(crossed_steps, "_solve", planted_solve)
    handed = []
    monkeypatch.setattr(prob, "stage2", lambda eta0: lambda p: handed.append(p) or single(p))
    values = batch.deviances(prob, points, fit._eta0)
    assert calls["batch"] >= 1
    if planted == "not_pd":
        assert len(handed) == 1 and np.array_equal(handed[0], points[2])
        np.testing.assert_allclose(values, alone, rtol=1e-12)
    else:
        assert not handed
        assert np.max(np.abs(values / alone - 1.0)) > 1e-9


@pytest.mark.parametrize("ref_id", ["cbpp_binomial", "cbpp_agq25"])
def test_prefetching_bobyqas_first_points_answers_all_and_changes_nothing(ref_id, monkeypatch):
    got = []
    of = batch.Prefetched.of.__func__

    def spy(cls, *args, **kwargs):
        got.append(of(cls, *args, **kwargs))
        return got[-1]

    monkeypatch.setattr(batch.Prefetched, "of", classmethod(spy))
    ref, fit = _fit(ref_id)
    first = got[-1]
    k = fit.theta.size + fit.fixef.size
    assert len(first.points) == 2 * k + 1 and first.left == 0      # every one answered
    monkeypatch.setattr(batch.Prefetched, "of", classmethod(lambda cls, *a, **kw: None))
    _, plain = _fit(ref_id)
    assert fit.optimizer_summary.evaluations == plain.optimizer_summary.evaluations
    assert fit.objective == pytest.approx(plain.objective, rel=1e-12)
    np.testing.assert_allclose(fit.fixef, plain.fixef, rtol=1e-7)
    assert fit.loglik == pytest.approx(ref["logLik"], rel=1e-6)


def test_a_prefetched_value_answers_only_its_point_and_once():
    """Planted: a point 1e-12 away (far more than a few ulps) gets no answer, and a
    point answered once is not answered again."""
    x0 = np.array([0.5, -1.0, 2.0])
    steps = np.array([0.05, 0.2, 0.3])
    E = np.diag(steps)
    P = np.vstack([x0, x0 + E, x0 - E])
    first = batch.Prefetched(P.copy(), np.arange(len(P), dtype=float))
    scaled = (x0 / steps + np.array([0.0, 1.0, 0.0])) * steps      # nlopt's rounding
    assert first.take(scaled) == 2.0                               # x0 + step_2
    assert first.take(scaled) is None                              # once
    assert first.take(x0 + np.array([1e-12, 0.0, 0.0])) is None
    assert first.take(x0) == 0.0


def test_bobyqas_first_points_moved_off_a_bound_are_guessed():
    """Powell's PRELIM: x₀ on its lower bound gives base + step and base + 2 step; x₀
    within a step of it moves to bound + step (base − step then on the bound)."""
    x0, steps, lower = np.array([0.0, 0.01, 1.0]), np.array([0.1, 0.02, 0.5]), np.zeros(3)
    P = batch.first_points(x0, steps, lower)
    np.testing.assert_allclose(P[0], [0.0, 0.02, 1.0])
    np.testing.assert_allclose(P[1:4].diagonal(), [0.1, 0.04, 1.5])
    np.testing.assert_allclose(P[4:7].diagonal(), [0.2, 0.0, 0.5])


def test_a_near_zero_theta_prefetch_is_answered():
    """A stage-1 θ within a step of 0 (nlopt moves the base point): the prefetched
    points are still the ones the optimiser asks for."""
    from mixeq.fitting.optimize import minimize

    fit = _model_fit("cbpp")
    prob = fit._problem
    x = np.concatenate([np.array([0.01]), fit.fixef.to_numpy()])
    steps = np.array([0.02, 0.2, 0.3, 0.3, 0.4])
    lower = np.array([0.0] + [-np.inf] * 4)
    first = batch.Prefetched.of(prob, prob.stage2_many(fit._eta0), x, steps, lower, "bobyqa")
    minimize(prob.stage2(fit._eta0, first), x.copy(), lower, "glmm-scalar", "bobyqa",
             steps=steps, maxeval=15)
    assert first.left == 0


def test_no_prefetch_for_steps_the_user_gave_or_another_optimiser():
    fit = _model_fit("cbpp")
    prob = fit._problem
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    many = prob.stage2_many(fit._eta0)
    assert batch.Prefetched.of(prob, many, x, np.ones(5), np.full(5, -np.inf), "bobyqa",
                               given_steps=True) is None
    assert batch.Prefetched.of(prob, many, x, np.ones(5), np.full(5, -np.inf),
                               "neldermead") is None
