"""Kenward–Roger's adjusted covariance of β̂ and denominator df (Kenward & Roger
1997, Biometrics 53; as pbkrtest computes them: Halekoh & Højsgaard 2014, JSS
59(9), section 4) — for REML fits.

The marginal covariance is linear in the variance parameters γ (per term the
lower triangle of σ²λλᵀ, then σ²): Σ = Σ_i γ_i G_i with G_i = Z_a Z_bᵀ + Z_b Z_aᵀ
(Z_a: the term's columns for component a; G_i = Z_a Z_aᵀ on the diagonal) and
G_last = I. With Φ = vcov(β̂), P_i = −XᵀΣ⁻¹G_iΣ⁻¹X, Q_ij = XᵀΣ⁻¹G_iΣ⁻¹G_jΣ⁻¹X and
the expected information I_ij = tr(Σ⁻¹G_iΣ⁻¹G_j) − 2 tr(ΦQ_ij) + tr(ΦP_iΦP_j),
W = 2 I⁻¹ and Φ_A = Φ + 2Φ[Σ_ij W_ij (Q_ij − P_iΦP_j)]Φ. For a contrast L of
rank q: A₁, A₂ from Θ = Lᵀ(LΦLᵀ)⁻¹L, then the scaling and df of the F test
(Kenward & Roger eqs. 14–17; pbkrtest's ``.KR_adjust`` and ``Lb_ddf``).

Σ is n × n: fine for the thousands of rows where small-sample df matter.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from mixeq.errors import InferenceError
from mixeq.inference.ddf import require_reml
from mixeq.inference.state import cached

MAX_ROWS = 8000


@dataclass
class KRState:
    phi: np.ndarray        # vcov(β̂)
    phi_adj: np.ndarray    # Kenward–Roger's adjusted vcov
    P: list
    W: np.ndarray


def _g_matrices(acc) -> tuple[list, np.ndarray]:
    """The G_i and γ_i (per term the lower triangle of σ²λλᵀ in θ's order, then σ²)."""
    n = acc.n
    G, gamma = [], []
    for (_, _, codes, M, nlev), lam in zip(acc.terms, acc.lambdas(acc.theta)):
        k = lam.shape[0]
        S = acc.sigma ** 2 * lam @ lam.T
        Z = []
        for a in range(k):
            Za = np.zeros((n, nlev))
            Za[np.arange(n), codes] = M[:, a]
            Z.append(Za)
        for j in range(k):
            for i in range(j, k):
                Gi = Z[i] @ Z[j].T
                if i != j:
                    Gi = Gi + Gi.T
                G.append(Gi)
                gamma.append(S[i, j])
    G.append(None)      # the identity
    gamma.append(acc.sigma ** 2)
    return G, np.array(gamma)


def _make(acc) -> KRState:
    from mixeq.inference.access import one_blas_thread

    with one_blas_thread():
        return _make_kr(acc)


def _make_kr(acc) -> KRState:
    if acc.n > MAX_ROWS:
        raise InferenceError(f"Kenward–Roger needs n × n matrices and this fit has {acc.n} rows "
                             f"(more than {MAX_ROWS}); use ddf='satterthwaite'")
    G, gamma = _g_matrices(acc)
    n, X = acc.n, acc.X
    Sigma = np.eye(n) * gamma[-1]
    for g, Gi in zip(gamma[:-1], G[:-1]):
        Sigma += g * Gi
    cf = cho_factor(Sigma, lower=True)
    SigInv = cho_solve(cf, np.eye(n))
    TT = SigInv @ X
    H = [SigInv if Gi is None else Gi @ SigInv for Gi in G]        # H_i = G_i Σ⁻¹
    O = [h @ X for h in H]
    m = len(G)
    phi = np.linalg.inv(X.T @ TT)  # = vcov(β̂) at the REML estimate (σ² (R_X R_Xᵀ)⁻¹)
    P = [-(o.T @ TT) for o in O]
    P = [(p + p.T) / 2 for p in P]
    Q = {}
    for r in range(m):
        left = O[r].T @ SigInv
        for s in range(r, m):
            Q[r, s] = left @ O[s]
    K = np.empty((m, m))
    for r in range(m):
        for s in range(r, m):
            K[r, s] = K[s, r] = float(np.sum(H[r].T * H[s]))
    IE2 = np.empty((m, m))
    for i in range(m):
        phiP = phi @ P[i]
        for j in range(i, m):
            IE2[i, j] = IE2[j, i] = K[i, j] - 2 * np.sum(phi * Q[i, j]) + np.sum(phiP * (P[j] @ phi))
    ev = np.linalg.eigvalsh(IE2)
    W = 2 * (np.linalg.inv(IE2) if np.min(np.abs(ev)) > 1e-10 else np.linalg.pinv(IE2))
    W = (W + W.T) / 2
    U = np.zeros_like(phi)
    for i in range(m - 1):
        for j in range(i + 1, m):
            U += W[i, j] * (Q[i, j] - P[i] @ phi @ P[j])
    U = U + U.T
    for i in range(m):
        U += W[i, i] * (Q[i, i] - P[i] @ phi @ P[i])
    phi_adj = phi + 2 * phi @ U @ phi
    return KRState(phi, phi_adj, P, W)


def kr_state(fit) -> KRState:
    require_reml(fit)
    return cached(fit, "kenward_roger", _make)


def _div0(x: float, y: float, tol: float = 1e-14) -> float:
    return 1.0 if abs(x) < tol and abs(y) < tol else x / y


def _adjust(kr: KRState, L: np.ndarray, q: int):
    """(df₂, F scaling) for the contrast L of rank q."""
    phi = kr.phi
    Theta = L.T @ np.linalg.solve(L @ phi @ L.T, L)
    TP = Theta @ phi
    m = len(kr.P)
    A1 = A2 = 0.0
    u = [TP @ P @ phi for P in kr.P]
    for i in range(m):
        for j in range(i, m):
            e = 1.0 if i == j else 2.0
            A1 += e * kr.W[i, j] * np.trace(u[i]) * np.trace(u[j])
            A2 += e * kr.W[i, j] * np.sum(u[i] * u[j].T)
    B = (A1 + 6 * A2) / (2 * q)
    g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2)
    c1 = g / (3 * q + 2 * (1 - g))
    c2 = (q - g) / (3 * q + 2 * (1 - g))
    c3 = (q + 2 - g) / (3 * q + 2 * (1 - g))
    V0 = 1 + c1 * B
    V1 = 1 - c2 * B
    V2 = 1 - c3 * B
    V0 = 0.0 if abs(V0) < 1e-10 else V0
    rho = (1 / q) * _div0(1 - A2 / q, V1) ** 2 * V0 / V2
    df2 = 4 + (q + 2) / (q * rho - 1)
    scaling = 1.0 if abs(df2 - 2) < 1e-2 else df2 * (1 - A2 / q) / (df2 - 2)
    return float(df2), float(scaling)


def kr_contrast_1d(kr: KRState, beta: np.ndarray, l: np.ndarray):
    """(estimate, adjusted standard error, df) of lᵀβ (pbkrtest's Lb_ddf)."""
    df, _ = _adjust(kr, l[None, :], 1)
    return float(l @ beta), float(np.sqrt(l @ kr.phi_adj @ l)), df


def kr_ftest(fit, L: np.ndarray):
    """(unscaled F, NumDF, DenDF, F scaling) of Lβ = 0 (pbkrtest's KRmodcomp)."""
    from mixeq.inference.state import access

    kr = kr_state(fit)
    beta = access(fit).beta
    q = int(np.linalg.matrix_rank(L))
    df2, scaling = _adjust(kr, L, q)
    Lb = L @ beta
    wald = float(Lb @ np.linalg.solve(L @ kr.phi_adj @ L.T, Lb))
    return wald / q, q, df2, scaling
