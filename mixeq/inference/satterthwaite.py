"""Satterthwaite's denominator df for contrasts of β (lmerTest's contest1D and
contestMD; Kuznetsova et al. 2017, JSS 82(13), eqs. 6–9).

One contrast l: ν = 2 (lᵀVl)² / (gᵀAg) with g_i = lᵀJ_i l. Several (rows of L):
L V Lᵀ = P D Pᵀ; the q rows of PᵀL are independent t tests with ν_m as above;
F = Σ t_m² / q with denominator df 2E/(E − q), E = Σ ν_m/(ν_m − 2)
(ν_m ≤ 2 anywhere: 2; all ν_m equal: their mean).
"""
from __future__ import annotations

import numpy as np
from scipy import stats


def contrast_1d(vp, beta: np.ndarray, l: np.ndarray) -> tuple[float, float, float]:
    """(estimate, standard error, df) of lᵀβ."""
    var = float(l @ vp.vcov @ l)
    g = np.array([l @ J @ l for J in vp.jac])
    denom = float(g @ vp.A @ g)
    df = 2.0 * var * var / denom if denom > 0 else np.inf
    return float(l @ beta), float(np.sqrt(var)), df


def fstat_ddf(nu: np.ndarray, tol: float = 1e-8) -> float:
    nu = np.asarray(nu, dtype=float)
    if nu.size == 1:
        return float(nu[0])
    if np.all(np.abs(np.diff(nu)) < tol):
        return float(nu.mean())
    if np.any(nu <= 2):
        return 2.0
    E = float(np.sum(nu / (nu - 2.0)))
    return 2.0 * E / (E - nu.size)


def contrast_md(vp, beta: np.ndarray, L: np.ndarray, eps: float = np.sqrt(np.finfo(float).eps)):
    """(F, NumDF, DenDF) of the hypothesis Lβ = 0."""
    L = np.atleast_2d(L)
    if L.shape[0] == 1:
        est, se, df = contrast_1d(vp, beta, L[0])
        return (est / se) ** 2, 1, df
    VL = L @ vp.vcov @ L.T
    d, P = np.linalg.eigh(VL)
    order = np.argsort(d)[::-1]
    d, P = d[order], P[:, order]
    pos = d > max(eps * d[0], 0.0)
    q = int(pos.sum())
    PtL = (P.T @ L)[:q]
    if q == 1:
        est, se, df = contrast_1d(vp, beta, PtL[0])
        return (est / se) ** 2, 1, df
    t2 = (PtL @ beta) ** 2 / d[:q]
    nu = []
    for m in range(q):
        g = np.array([PtL[m] @ J @ PtL[m] for J in vp.jac])
        nu.append(2.0 * d[m] ** 2 / float(g @ vp.A @ g))
    return float(t2.sum() / q), q, fstat_ddf(np.array(nu))


def t_pvalue(t: float, df: float) -> float:
    return float(2.0 * stats.t.sf(abs(t), df))


def f_pvalue(F: float, ndf: float, ddf: float) -> float:
    return float(stats.f.sf(F, ndf, ddf))
