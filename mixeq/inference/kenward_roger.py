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

No n × n matrix is formed. Every G_i of a random-effects component is Z E_i Zᵀ
(E_i: q × q, per level of its term the unit pattern of component (a, b)), and by
Woodbury Σ⁻¹ = σ⁻² R with R = I − Z H Zᵀ, H = Λ (ΛᵀZᵀZΛ + I)⁻¹ Λᵀ; its powers are
R^k = I − Z H_k Zᵀ, H_1 = H, H_{k+1} = H + H_k − H_k S H (S = ZᵀZ). So with S, T = ZᵀX
and U = XᵀX (one pass over the rows, sparse Z) every quantity is a q × q or p × p
product: XᵀR^kX = U − TᵀH_kT, ZᵀR^kX = T − S H_k T, ZᵀR^kZ = S − S H_k S and
tr(R²) = n − tr(H_2 S). The cost is O(n) for the cross-products and O(q³) for the rest
(q random effects), for crossed, nested or single grouping factors alike.

Prior weights: KR of the √w-scaled model (rows of X and Z times √w, so the residual
part is σ² I), which is KR with Σ = Z Λ Λᵀ Zᵀ σ² + σ² W⁻¹ (every quantity above is
unchanged by a known linear map of y). pbkrtest 0.5.2 (and so lmerTest) uses σ² I
whatever the weights, and its numbers for weighted fits differ from these.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from mixeq.errors import InferenceError
from mixeq.inference.ddf import require_reml
from mixeq.inference.state import cached

MAX_Q = 6000   # q × q dense matrices (288 MB each at this size)


@dataclass
class KRState:
    phi: np.ndarray        # vcov(β̂)
    phi_adj: np.ndarray    # Kenward–Roger's adjusted vcov
    P: list
    W: np.ndarray


def _z_matrix(acc):
    """Sparse Z (columns: per term, level-major then component, as lme4's Zt), √w-scaled, and
    per variance parameter its (offset, k, nlevels, a, b), then γ (lower triangle of σ²λλᵀ)."""
    import scipy.sparse as sp

    n = acc.n
    rows, cols, vals = [], [], []
    comps, gamma, off = [], [], 0
    for (_, _, codes, M, nlev), lam in zip(acc.terms, acc.lambdas(acc.theta)):
        k = lam.shape[0]
        M = acc.scaled(M)
        for a in range(k):
            rows.append(np.arange(n))
            cols.append(off + codes * k + a)
            vals.append(M[:, a])
        S = acc.sigma ** 2 * lam @ lam.T
        for j in range(k):
            for i in range(j, k):
                comps.append((off, k, nlev, i, j))
                gamma.append(S[i, j])
        off += nlev * k
    Z = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n, off))
    return Z, comps, np.array(gamma + [acc.sigma ** 2])


def _apply_e(comp, Y: np.ndarray) -> np.ndarray:
    """E_i Y for component (a, b) of a term: rows (level, a) take Y's rows (level, b) and
    vice versa (E_i = Σ_l e_{l,a} e_{l,b}ᵀ + e_{l,b} e_{l,a}ᵀ; one term when a = b)."""
    off, k, nlev, a, b = comp
    out = np.zeros_like(Y)
    ia = off + np.arange(nlev) * k + a
    ib = off + np.arange(nlev) * k + b
    out[ia] = Y[ib]
    if a != b:
        out[ib] = Y[ia]
    return out


def _make(acc) -> KRState:
    from mixeq.inference.access import one_blas_thread

    with one_blas_thread():
        return _make_kr(acc)


def _make_kr(acc) -> KRState:
    Z, comps, gamma = _z_matrix(acc)
    q = Z.shape[1]
    if q > MAX_Q:
        raise InferenceError(f"Kenward–Roger needs q × q matrices and this model has {q} random "
                             f"effects (more than {MAX_Q}); use ddf='satterthwaite'")
    X = acc.scaled(acc.X)
    n, s2 = acc.n, acc.sigma ** 2
    S = (Z.T @ Z).toarray()
    T = np.asarray(Z.T @ X)
    U = X.T @ X
    lam = _lambda_full(acc, comps, q) / acc.sigma          # relative Λ (σ² ΛΛᵀ = Var b)
    Mchol = cho_factor(lam.T @ S @ lam + np.eye(q), lower=True)
    H1 = lam @ cho_solve(Mchol, lam.T)
    H2 = 2 * H1 - H1 @ S @ H1
    H3 = H1 + H2 - H2 @ S @ H1
    xrx = [None] + [U - T.T @ H @ T for H in (H1, H2, H3)]      # Xᵀ R^k X
    zrx = [None] + [T - S @ H @ T for H in (H1, H2)]            # Zᵀ R^k X
    zrz = [None] + [S - S @ H @ S for H in (H1, H2)]            # Zᵀ R^k Z
    m = len(comps) + 1
    last = m - 1
    phi = np.linalg.inv(xrx[1] / s2)
    # Σ⁻¹ G_i Σ⁻¹ X = σ⁻⁴ R Z E_i (ZᵀRX); the σ powers: P σ⁻⁴, Q σ⁻⁶, K σ⁻⁴
    EB = [_apply_e(c, zrx[1]) for c in comps]                   # E_i ZᵀRX
    EA = [_apply_e(c, zrz[1]) for c in comps]                   # E_i ZᵀRZ
    P = [-(zrx[1].T @ eb) / s2 ** 2 for eb in EB] + [-xrx[2] / s2 ** 2]
    P = [(x + x.T) / 2 for x in P]
    Q = {}
    for r in range(m):
        for t in range(r, m):
            if t < last:
                Q[r, t] = zrx[1].T @ _apply_e(comps[r], zrz[1] @ EB[t]) / s2 ** 3
            elif r < last:
                Q[r, t] = EB[r].T @ zrx[2] / s2 ** 3
            else:
                Q[r, t] = xrx[3] / s2 ** 3
    K = np.empty((m, m))
    for r in range(m):
        for t in range(r, m):
            if t < last:
                v = np.sum(EA[r] * EA[t].T)
            elif r < last:
                v = np.trace(_apply_e(comps[r], zrz[2]))
            else:
                v = n - np.sum(H2 * S)        # tr(R²) = n − tr(H₂ S), S and H₂ symmetric
            K[r, t] = K[t, r] = v / s2 ** 2
    return _assemble(phi, P, Q, K, m)


def _lambda_full(acc, comps, q: int) -> np.ndarray:
    """Λ (q × q, σ-scaled: σ λ_t per level) in Z's column order."""
    L = np.zeros((q, q))
    off = 0
    for (_, _, _, _, nlev), lam in zip(acc.terms, acc.lambdas(acc.theta)):
        k = lam.shape[0]
        for lvl in range(nlev):
            base = off + lvl * k
            L[base:base + k, base:base + k] = acc.sigma * lam
        off += nlev * k
    return L


def _assemble(phi, P, Q, K, m) -> KRState:
    """The expected information, W = 2 I⁻¹ and the adjusted Φ (pbkrtest's .KR_adjust)."""
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
