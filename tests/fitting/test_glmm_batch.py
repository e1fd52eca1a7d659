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


@pytest.mark.parametrize("ref_id", ["cbpp_binomial", "cbpp_agq25"])
def test_a_batch_of_points_equals_each_point_alone(ref_id):
    """batch.deviances at points around the optimum (and far from it, where PIRLS
    takes more steps) against the single evaluation at each."""
    _, fit = _fit(ref_id)
    prob = fit._problem
    assert batch.can_batch(prob)
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    rng = np.random.default_rng(1)
    points = x + rng.normal(scale=[0.3] + [0.5] * fit.fixef.size, size=(40, x.size))
    points[:, 0] = np.abs(points[:, 0])
    points[0] = x
    many = batch.deviances(prob, points, fit._eta0)
    single = prob.stage2(fit._eta0)
    alone = np.array([single(p) for p in points])
    np.testing.assert_allclose(many, alone, rtol=1e-12)
    assert many[0] == pytest.approx(fit.objective, rel=1e-12)
    assert np.ptp(many) > 1.0                   # the points are not all alike


def test_a_batch_leaving_the_eta_forms_range_is_evaluated_alone(monkeypatch):
    """Planted: a batch whose η leaves the η form's range (|η| > 30) is handed to the
    single evaluation entirely; values still equal it."""
    _, fit = _fit("cbpp_binomial")
    prob = fit._problem
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    far = x.copy()
    far[1] += 40.0                               # intercept 40: every η > 30
    points = np.array([x, far])
    calls = []
    single = prob.stage2(fit._eta0)
    monkeypatch.setattr(prob, "stage2", lambda eta0: lambda p: calls.append(p) or single(p))
    values = batch.deviances(prob, points, fit._eta0)
    assert len(calls) == 2
    assert values[0] == pytest.approx(fit.objective, rel=1e-12)


def test_the_crossed_kind_is_not_batched_and_still_answers():
    """grouseticks (two scalar terms) has no batch form: deviances loops the single one."""
    _, fit = _fit("grouseticks_poisson")
    prob = fit._problem
    assert not batch.can_batch(prob)
    x = np.concatenate([fit.theta, fit.fixef.to_numpy()])
    values = batch.deviances(prob, np.array([x, x * 1.01]), fit._eta0)
    single = prob.stage2(fit._eta0)
    assert values.tolist() == [single(x), single(x * 1.01)]


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
