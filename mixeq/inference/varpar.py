"""The asymptotic covariance of the variance parameters (θ, σ) and the gradient of
vcov(β) with respect to them — what Satterthwaite's df need (Kuznetsova,
Brockhoff & Christensen 2017, JSS 82(13), section 3; lmerTest's as_lmerModLT).

The deviance in (θ, σ), not profiled over σ (lmerTest's ``devfun_vp``):

    ML:   d(θ, σ) = log|L_Z|² + r²(θ)/σ² + n log(2πσ²)
    REML: d(θ, σ) + log|R_X|² − p log(2πσ²)

is built from the profiled criterion's three numbers at θ (one factor of the
small blocks: no pass over the n rows), and vcov(β)(θ, σ) = σ² (R_X R_Xᵀ)⁻¹.
A = 2 H⁻¹ (H the Hessian of d at the optimum; a Moore–Penrose inverse over the
eigenvalues above 1e-8, as lmerTest), and J_i = ∂vcov(β)/∂(θ, σ)_i.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import log, pi

import numpy as np

from mixeq.inference.numderiv import hessian, jacobian

EIGEN_TOL = 1e-8


@dataclass
class VarparCov:
    """``A``: asymptotic covariance of (θ, σ); ``jac``: list of p × p matrices
    ∂vcov(β)/∂ each of (θ, σ); ``vcov``: vcov(β) at the estimate; ``hessian``:
    the deviance's Hessian (its eigenvalues tell of a flat or boundary optimum)."""

    A: np.ndarray
    jac: list
    vcov: np.ndarray
    hessian: np.ndarray


def deviance_vp(access, varpar: np.ndarray) -> float:
    theta, sigma = varpar[:-1], varpar[-1]
    parts = access.parts(theta)
    if parts is None:
        return np.inf
    s2 = sigma * sigma
    dev = parts.ld_l + parts.pwrss / s2 + access.n * log(2.0 * pi * s2)
    if access.reml:
        dev += parts.ld_x - access.p * log(2.0 * pi * s2)
    return dev


def vcov_beta(access, varpar: np.ndarray) -> np.ndarray:
    parts = access.parts(varpar[:-1])
    if parts is None:
        return np.full((access.p, access.p), np.nan)
    rinv = np.linalg.inv(parts.rx)
    return varpar[-1] ** 2 * rinv.T @ rinv


def varpar_cov(access) -> VarparCov:
    x = np.append(access.theta, access.sigma)
    H = hessian(lambda v: deviance_vp(access, v), x)
    values, vectors = np.linalg.eigh(H)
    pos = values > EIGEN_TOL
    Hinv = (vectors[:, pos] / values[pos]) @ vectors[:, pos].T
    J = jacobian(lambda v: vcov_beta(access, v), x)
    p = access.p
    jac = [J[:, i].reshape(p, p) for i in range(x.size)]
    return VarparCov(2.0 * Hinv, jac, vcov_beta(access, x), H)
