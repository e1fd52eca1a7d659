"""varcomp.to_theta, the one conversion from lme4's profile scale (sd, cor …, σ) to θ,
against lme4 1.1-31's ``Sv_to_Cv`` (tests/data/inference_varcomp/sv_to_cv.json, made by
tools/make_varcomp_references.R): interior points, correlations of ±1 and zero SDs."""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

import mixeq
from conftest import load_dataset
from mixeq.inference import varcomp
from mixeq.inference.state import access

from .helpers import DATA

REF = json.loads((DATA / "inference_varcomp" / "sv_to_cv.json").read_text())
CASES = {c["id"][0]: c for c in REF["cases"]}
# lme4's safe_chol factors a singular covariance with R's chol(pivot = TRUE), puts the
# columns back in order and keeps the lower triangle: where the pivot moved a column its θ
# is not the lower Cholesky factor (for cor_minus_one a rotation of it, for the 3 × 3 ones
# not even a factor of the covariance it was given); ours is, there too
PIVOTED = {"cor_minus_one", "singular_3x3", "middle_sd_zero_3x3"}


@dataclass
class Layout:
    term_sizes: tuple[int, ...]


def factors(theta, sizes) -> list[np.ndarray]:
    """Each term's lower-triangular λ from θ (columns' lower triangles, θ's order)."""
    out, pos = [], 0
    for k in sizes:
        lam = np.zeros((k, k))
        r, c = np.triu_indices(k)           # row-major upper = column-major lower
        lam[c, r] = theta[pos:pos + k * (k + 1) // 2]
        out.append(lam)
        pos += k * (k + 1) // 2
    return out


def covariances(sdcor, sizes) -> list[np.ndarray]:
    """Each term's D C D / σ² from (sd, cor …, σ), by numpy, independently of varcomp."""
    out, pos, sigma = [], 0, sdcor[-1]
    for k in sizes:
        m = np.zeros((k, k))
        r, c = np.triu_indices(k)
        m[c, r] = sdcor[pos:pos + k * (k + 1) // 2]
        sd = np.diag(m).copy()
        C = m + m.T
        np.fill_diagonal(C, 1.0)
        out.append(C * np.outer(sd, sd) / sigma ** 2)
        pos += k * (k + 1) // 2
    return out


def assert_theta_as_lme4(ours, theirs, sizes, exact: bool) -> None:
    """Same covariance per term (λ λᵀ, what the deviance sees) within 1e-10; with
    ``exact`` the same θ too."""
    assert ours is not None
    ours, theirs = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    assert ours.shape == theirs.shape
    for a, b in zip(factors(ours, sizes), factors(theirs, sizes)):
        np.testing.assert_allclose(a @ a.T, b @ b.T, rtol=1e-10, atol=1e-12)
    if exact:
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_factors_orders_theta_as_lme4():
    # lme4: θ = (λ11, λ21, λ22) for a 2 × 2 term; Sv_to_Cv(c(2, .3, 1, .5), s = .5)
    lam = factors(np.array([4.0, 0.6, 1.9078784028338913]), [2])[0]
    assert lam[1, 0] == 0.6 and lam[0, 1] == 0.0


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_to_theta_matches_lme4_sv_to_cv(case_id):
    case = CASES[case_id]
    sizes = tuple(case["sizes"])
    ours = varcomp.to_theta(Layout(sizes), np.array(case["sdcor"], dtype=float))
    assert ours is not None
    for lam, want in zip(factors(ours, sizes), covariances(case["sdcor"], sizes)):
        np.testing.assert_allclose(lam @ lam.T, want, rtol=1e-10, atol=1e-12)
        assert np.all(np.diag(lam) >= 0)
    if case_id in PIVOTED:      # the exception is real: lme4's θ is another one
        assert not np.allclose(ours, case["theta"], atol=1e-6)
    else:
        assert_theta_as_lme4(ours, case["theta"], sizes, exact=True)


def test_theta_checker_catches_planted_errors():
    case = CASES["random_3x3_1"]
    theta = np.array(case["theta"])
    sizes = (3,)
    assert_theta_as_lme4(theta.copy(), theta, sizes, exact=True)
    bad = theta.copy()
    bad[4] *= 1 + 1e-8                                   # one λ entry off
    with pytest.raises(AssertionError):
        assert_theta_as_lme4(bad, theta, sizes, exact=False)
    flipped = theta.copy()
    flipped[[0, 1, 2]] *= -1                             # a rotation: same λ λᵀ, other θ
    assert_theta_as_lme4(flipped, theta, sizes, exact=False)
    with pytest.raises(AssertionError):
        assert_theta_as_lme4(flipped, theta, sizes, exact=True)
    with pytest.raises(AssertionError):
        assert_theta_as_lme4(None, theta, sizes, exact=False)
    with pytest.raises(AssertionError):
        assert_theta_as_lme4(theta[:-1], theta, sizes, exact=False)


def test_points_that_are_no_covariance_give_none():
    """An infinite deviance in the profile. (lme4's Sv_to_Cv does not refuse these:
    its pivoted Cholesky of an indefinite matrix returns a factor of another matrix.)"""
    three = Layout((3,))
    ok = np.array([1.0, 0.9, 0.9, 1.0, 0.7, 1.0, 2.0])     # (sd1, c21, c31, sd2, c32, sd3, σ)
    assert varcomp.to_theta(three, ok) is not None
    bad = ok.copy()
    bad[4] = -0.9               # cor(1,2) = cor(1,3) = 0.9 but cor(2,3) = −0.9
    assert varcomp.to_theta(three, bad) is None
    two = Layout((2,))
    assert varcomp.to_theta(two, np.array([1.0, 1.0 + 1e-9, 1.0, 1.0])) is None   # |cor| > 1
    assert varcomp.to_theta(two, np.array([1.0, 0.2, -1e-9, 1.0])) is None        # SD < 0
    assert varcomp.to_theta(two, np.array([1.0, 0.2, 1.0, 0.0])) is None          # σ = 0
    assert varcomp.to_theta(Layout((1,)), np.array([-0.1, 1.0])) is None
    # a zero SD has no correlations: whatever they say, the covariance is D C D
    zero = varcomp.to_theta(three, np.array([1.0, 0.9, 0.9, 0.0, -0.9, 1.0, 2.0]))
    np.testing.assert_allclose(zero, [0.5, 0.0, 0.45, 0.0, 0.0, np.sqrt(1 - 0.81) / 2])


def test_sd_cor_conversion_round_trips_for_three_by_three_terms():
    """θ → (sd, cor, σ) → θ for a fit's 3 × 3 λ (the profile's parameter scale)."""
    df = load_dataset("sleepstudy").assign(D2=lambda d: (d.Days - 4.5) ** 2 / 10)
    acc = access(mixeq.fit("Reaction ~ Days + (1 + Days + D2 | Subject)", df))
    rng = np.random.default_rng(3)
    for _ in range(20):
        theta = rng.normal(size=6)
        theta[[0, 3, 5]] = np.abs(theta[[0, 3, 5]]) + 0.1
        x = varcomp.to_sdcor(acc, theta, 2.5)
        np.testing.assert_allclose(varcomp.to_theta(acc, x), theta, atol=1e-10)
