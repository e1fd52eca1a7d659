"""The variance parameters on lme4's profile scale ("sdcor": per term the standard
deviations on the diagonal and correlations below it, in θ's order, then σ) and
back to θ, with lme4's names (``confint(oldNames = FALSE)``)."""
from __future__ import annotations

import numpy as np


def names(access) -> list[str]:
    out = []
    for (group, cols, *_), k in zip(access.terms, access.term_sizes):
        for j in range(k):
            for i in range(j, k):
                out.append(f"sd_{cols[i]}|{group}" if i == j else f"cor_{cols[i]}.{cols[j]}|{group}")
    return out + ["sigma"]


def kinds(access) -> list[str]:
    """'sd', 'cor' or 'sigma' per profile parameter."""
    out = []
    for k in access.term_sizes:
        for j in range(k):
            for i in range(j, k):
                out.append("sd" if i == j else "cor")
    return out + ["sigma"]


def to_sdcor(access, theta, sigma) -> np.ndarray:
    out = []
    for lam in access.lambdas(theta):
        S = sigma * sigma * lam @ lam.T
        sd = np.sqrt(np.clip(np.diag(S), 0, None))
        k = lam.shape[0]
        for j in range(k):
            for i in range(j, k):
                if i == j:
                    out.append(sd[i])
                else:
                    d = sd[i] * sd[j]
                    out.append(S[i, j] / d if d > 0 else 0.0)
    return np.array(out + [sigma])


def _chol_psd(S: np.ndarray) -> np.ndarray | None:
    """Lower Cholesky factor of a positive semi-definite S (zero pivots: zero columns)."""
    k = S.shape[0]
    L = np.zeros((k, k))
    for j in range(k):
        d = S[j, j] - L[j, :j] @ L[j, :j]
        if d < -1e-12 * max(1.0, abs(S[j, j])):
            return None
        if d <= 1e-300:
            continue
        L[j, j] = np.sqrt(d)
        for i in range(j + 1, k):
            L[i, j] = (S[i, j] - L[i, :j] @ L[j, :j]) / L[j, j]
    # a zero pivot with a non-zero remainder below it: not PSD
    return L if np.allclose(L @ L.T, S, atol=1e-10 * max(1.0, np.abs(S).max())) else None


def to_theta(access, sdcor: np.ndarray) -> np.ndarray | None:
    """θ from (sd, cor …, σ); None when the correlations make no covariance matrix."""
    sigma = sdcor[-1]
    if not sigma > 0:
        return None
    theta, pos = [], 0
    for k in access.term_sizes:
        m = k * (k + 1) // 2
        vals = sdcor[pos:pos + m]
        pos += m
        C = np.eye(k)
        sd = np.zeros(k)
        idx = 0
        for j in range(k):
            for i in range(j, k):
                if i == j:
                    sd[i] = vals[idx]
                else:
                    C[i, j] = C[j, i] = vals[idx]
                idx += 1
        if np.any(sd < 0) or np.any(np.abs(C) > 1):
            return None
        L = _chol_psd(C * np.outer(sd, sd)) if k > 1 else np.array([[sd[0]]])
        if L is None:
            return None
        L = L / sigma
        for j in range(k):
            for i in range(j, k):
                theta.append(L[i, j])
    return np.array(theta)


def converter(access):
    """A fast ``to_theta`` for this layout: (sd, cor …, σ) → θ in plain Python
    (the profile calls it thousands of times): per term the Cholesky factor of
    D C D / σ², its columns' lower triangles in θ's order; None where C is not
    positive semi-definite."""
    sizes = list(access.term_sizes)

    def to_theta_fast(x):
        x = x.tolist() if hasattr(x, "tolist") else list(x)
        sigma = x[-1]
        if not sigma > 0:
            return None
        out, pos = [], 0
        for k in sizes:
            if k == 1:
                sd = x[pos]
                if sd < 0:
                    return None
                out.append(sd / sigma)
                pos += 1
                continue
            m = k * (k + 1) // 2
            vals = x[pos:pos + m]
            pos += m
            sd = [0.0] * k
            C = [[1.0 if i == j else 0.0 for j in range(k)] for i in range(k)]
            idx = 0
            for j in range(k):
                for i in range(j, k):
                    if i == j:
                        sd[i] = vals[idx]
                    else:
                        C[i][j] = C[j][i] = vals[idx]
                    idx += 1
            if min(sd) < 0:
                return None
            L = [[0.0] * k for _ in range(k)]
            for j in range(k):
                d = C[j][j] - sum(L[j][t] * L[j][t] for t in range(j))
                if d < -1e-12:
                    return None
                d = max(d, 0.0) ** 0.5
                L[j][j] = d
                for i in range(j + 1, k):
                    v = C[i][j] - sum(L[i][t] * L[j][t] for t in range(j))
                    if d == 0.0:
                        if abs(v) > 1e-12:
                            return None
                        L[i][j] = 0.0
                    else:
                        L[i][j] = v / d
            for j in range(k):
                for i in range(j, k):
                    out.append(sd[i] * L[i][j] / sigma)
        return np.array(out)

    return to_theta_fast
