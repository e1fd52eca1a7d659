"""The later block's update by classes of equal first-term counts
(mixeq/fitting/crossed_classes.py), forced on small crossed data by taking away the
pair operator (``MAX_PAIR_ENTRIES = 0``, as for 100,000 × 2,000 crossed levels):
the criterion equals the pair operator's path, and the fits equal lme4's."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mixeq
import mixeq.fitting.crossed_classes as cc
import mixeq.fitting.pairs as pairs
from conftest import load_dataset, load_reference
from mixeq.fitting.engine import make_factor
from mixeq.fitting.later import ClassBlock

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTS = json.loads((DATA / "crossed_counts_lme4.json").read_text())


def _counts_model():
    return mixeq.Model("y ~ x + (1 | a) + (1 | b)", pd.read_csv(DATA / "crossed_counts.csv"))


def _factors(model, monkeypatch):
    """(the pair operator's factor, the classes' factor) of one model."""
    with_p, _ = make_factor(model, "blocked")
    assert with_p.cross.P is not None and not isinstance(with_p.later, ClassBlock)
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    classes, _ = make_factor(model, "blocked")
    assert classes.cross.P is None and isinstance(classes.later, ClassBlock)
    return with_p, classes


def _thetas(theta):
    """θ, smaller and larger, and each component at its boundary 0."""
    return [theta, theta * 0.3, theta * 3.0] + [np.where(np.arange(theta.size) == i, 0.0, theta)
                                                for i in range(theta.size)]


def test_projected_classes_equal_the_pair_operator(monkeypatch):
    """43 distinct counts of a (Poisson(150)): g(θ) projected on K < 43 Chebyshev
    polynomials; the criterion, β and modes equal the pair operator's."""
    model = _counts_model()
    with_p, classes = _factors(model, monkeypatch)
    up = classes.later.classes
    assert up.Qt is not None and up.Qt.shape[0] < up.Qt.shape[1] == COUNTS["distinct_counts"]
    for theta in _thetas(np.array(COUNTS["REML"]["theta"])):
        for reml in (True, False):
            a, b = with_p.objective(theta, reml), classes.objective(theta, reml)
            assert abs(b - a) <= 1e-12 * abs(a)
    theta = np.array(COUNTS["REML"]["theta"])
    fa, fb = with_p.factorization(theta), classes.factorization(theta)
    np.testing.assert_allclose(fb.beta, fa.beta, rtol=1e-11)
    for ua, ub in zip(fa.u, fb.u):
        np.testing.assert_allclose(ub, ua, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("reml", [True, False])
def test_fit_by_classes_equals_lme4(reml, monkeypatch):
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    fit = _counts_model().fit(reml=reml, factor="blocked")
    ref = COUNTS["REML" if reml else "ML"]
    assert isinstance(fit._factor.later, ClassBlock)
    np.testing.assert_allclose(fit.objective, ref["objective"], rtol=1e-9)
    np.testing.assert_allclose(fit.fixef.to_numpy(), ref["fixef"], rtol=1e-5)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=1e-3)
    np.testing.assert_allclose(fit.sigma, ref["sigma"], rtol=1e-5)


@pytest.mark.parametrize("ref_id", ["penicillin_crossed", "insteval_crossed"])
def test_exact_classes_on_lme4_references(ref_id, monkeypatch):
    """Penicillin (one class: every plate has 6 rows) and InstEval (86 counts from 1 to
    ~100, too spread to project: the classes are kept exactly, in float32 as the counts
    are integers): the criterion at lme4's θ equals the pair operator's and lme4's."""
    ref = load_reference(ref_id)
    model = mixeq.Model(ref["formula"], load_dataset(ref["dataset"]))
    with_p, classes = _factors(model, monkeypatch)
    assert classes.later.classes.Qt is None and classes.later.classes.B.dtype == np.float32
    theta = np.array(ref["theta"])
    for t in _thetas(theta)[:2]:
        a, b = with_p.objective(t, True), classes.objective(t, True)
        assert abs(b - a) <= 1e-12 * abs(a)
    np.testing.assert_allclose(classes.objective(theta, True), ref["REMLcrit"], rtol=1e-8)


def test_penicillin_fit_by_classes_equals_lme4(monkeypatch):
    ref = load_reference("penicillin_crossed")
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    fit = mixeq.Model(ref["formula"], load_dataset(ref["dataset"])).fit(factor="blocked")
    assert isinstance(fit._factor.later, ClassBlock)
    np.testing.assert_allclose(fit.objective, ref["REMLcrit"], rtol=1e-9)
    np.testing.assert_allclose(fit.theta, ref["theta"], rtol=1e-4)


def test_too_many_classes_fall_back_to_the_general_path(monkeypatch):
    """Past the memory budget the classes are not formed; W Aᵀ per θ gives the same."""
    model = _counts_model()
    with_p, _ = make_factor(model, "blocked")
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    monkeypatch.setattr(cc, "MAX_CLASS_BYTES", 0)
    general, _ = make_factor(model, "blocked")
    assert not isinstance(general.later, ClassBlock) and general.cross.P is None
    theta = np.array(COUNTS["REML"]["theta"])
    a, b = with_p.objective(theta, True), general.objective(theta, True)
    assert abs(b - a) <= 1e-12 * abs(a)


def test_a_loose_projection_is_caught(monkeypatch):
    """Planted break: with a tolerance of 1e-3 the projection keeps too few
    polynomials, and the criterion moves by more than the tests allow."""
    model = _counts_model()
    with_p, exact = _factors(model, monkeypatch)
    monkeypatch.setattr(cc, "PROJECTION_TOL", 1e-3)
    loose, _ = make_factor(model, "blocked")
    assert loose.later.classes.Qt.shape[0] < exact.later.classes.Qt.shape[0]
    theta = np.array(COUNTS["REML"]["theta"])
    a, b = with_p.objective(theta, True), loose.objective(theta, True)
    assert abs(b - a) > 1e-9 * abs(a)


def test_float32_classes_only_when_exact():
    """Integer A with small sums: float32 (exact); a non-integer A: float64."""
    rows = np.array([0, 1, 0, 1, 1])
    levels = np.array([0, 0, 1, 1, 2])
    a = np.array([2.0, 2.0, 1.0])
    AF1 = np.ones((3, 2))
    up = cc.class_update(np.array([1.0, 1.0, 1.0, 1.0, 1.0]), rows, levels, a, 2, AF1)
    assert up.B.dtype == np.float32
    # classes: a = 1 (level 2), a = 2 (levels 0, 1); M_c's packed lower triangles
    np.testing.assert_array_equal(up.B[0], [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(up.B[1], [2.0, 2.0, 2.0])
    up = cc.class_update(np.array([1.5, 1.0, 1.0, 1.0, 1.0]), rows, levels, a, 2, AF1)
    assert up.B.dtype == np.float64
    np.testing.assert_array_equal(up.B[1], [3.25, 2.5, 2.0])


@pytest.mark.parametrize("ref_id", ["insteval_crossed", "penicillin_crossed", "sleepstudy_uncorrelated"])
def test_scalar_products_equal_the_z_products(ref_id):
    """A_RR, Z_RᵀZ₁ and A_FR summed from the codes (pairs.scalar_products) equal the
    products of the sparse Z blocks: InstEval's two later terms meet each other,
    sleepstudy's (0 + Days | Subject) has zeros (Days = 0) that Z leaves out."""
    import scipy.sparse as sp

    ref = load_reference(ref_id)
    model = mixeq.Model(ref["formula"], load_dataset(ref["dataset"]))
    terms = list(model.terms)
    F = np.column_stack([model.X.to_numpy(dtype=float), model.y.to_numpy(dtype=float)])
    ARR, AR1, AFR = pairs.scalar_products(terms[1:], terms[0], F)
    ZR = sp.hstack([t.Z() for t in terms[1:]], format="csc")
    for got, want in ((ARR, ZR.T @ ZR), (AR1, ZR.T @ terms[0].Z())):
        want = sp.csr_matrix(want)
        assert got.nnz == want.nnz
        np.testing.assert_allclose(got.toarray(), want.toarray(), rtol=1e-13, atol=1e-9)
    np.testing.assert_allclose(AFR, np.asarray(ZR.T @ F).T, rtol=1e-12)


def test_class_matrices_in_batches_give_the_same_projection(monkeypatch):
    """The class matrices pass into QᵀS a few at a time (``BATCH_BYTES``): batches of
    one class give the same B as all at once."""
    model = _counts_model()
    _, whole = _factors(model, monkeypatch)
    monkeypatch.setattr(cc, "BATCH_BYTES", 1)
    one, _ = make_factor(model, "blocked")
    np.testing.assert_allclose(one.later.classes.B, whole.later.classes.B, rtol=1e-12, atol=1e-12)


def test_vector_valued_later_term_by_classes(monkeypatch):
    """A later term with two columns, (x | b): Λ_R is not diagonal, so the classes'
    update is subtracted before Λ_R is applied on both sides; equal to P's dense path."""
    model = mixeq.Model("y ~ x + (1 | a) + (x | b)", pd.read_csv(DATA / "crossed_counts.csv"))
    with_p, _ = make_factor(model, "blocked")
    assert with_p.cross.P is not None and not isinstance(with_p.later, ClassBlock)
    monkeypatch.setattr(pairs, "MAX_PAIR_ENTRIES", 0)
    classes, _ = make_factor(model, "blocked")
    assert isinstance(classes.later, ClassBlock) and not classes.lt.scalar
    for theta in (np.array([1.1, 0.5, 0.1, 0.2]), np.array([0.3, 1.0, -0.4, 0.6])):
        for reml in (True, False):
            a, b = with_p.objective(theta, reml), classes.objective(theta, reml)
            assert abs(b - a) <= 1e-12 * abs(a)
    theta = np.array([1.1, 0.5, 0.1, 0.2])
    np.testing.assert_allclose(classes.factorization(theta).beta, with_p.factorization(theta).beta,
                               rtol=1e-11)
