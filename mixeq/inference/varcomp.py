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


def _cholesky_of_correlations(C: list[list[float]]) -> list[list[float]] | None:
    """Lower Cholesky factor L of a positive semi-definite correlation matrix C (a zero
    pivot gives a zero column); None when C is not PSD.

    The test is on the correlation scale, so it does not depend on the units of the
    response: a pivot below −1e-12 or, after a zero pivot, an off-diagonal remainder
    above 1e-12 means no covariance matrix has these correlations, and the profile's
    deviance is infinite there. (lme4's ``Sv_to_Cv`` does not refuse them: R's pivoted
    ``chol`` of an indefinite matrix returns the factor of another matrix.)"""
    k = len(C)
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
            else:
                L[i][j] = v / d
    return L


def _term_theta(vals: list[float], k: int, sigma: float) -> list[float] | None:
    """One term's θ from its (sd, cor …) in θ's order: the columns' lower triangles of
    D L / σ, where L Lᵀ = C, so that (D L)(D L)ᵀ = D C D is the covariance. This is
    the Cholesky factor of D C D / σ² that lme4's ``Sv_to_Cv`` takes (``safe_chol``):
    with a zero SD its row and column are zero, as theirs (the deviance depends on
    Λ Λᵀ only, but θ is reported and compared with lme4's)."""
    if k == 1:
        return None if vals[0] < 0 else [vals[0] / sigma]
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
    for j in range(k):              # a zero SD has no correlations: D C D ignores them
        if sd[j] == 0.0:
            for i in range(k):
                if i != j:
                    C[i][j] = C[j][i] = 0.0
    L = _cholesky_of_correlations(C)
    if L is None:
        return None
    return [sd[i] * L[i][j] / sigma for j in range(k) for i in range(j, k)]


def to_theta(access, sdcor) -> np.ndarray | None:
    """θ from (sd, cor …, σ) (the inverse of ``to_sdcor``); None where σ ≤ 0, an SD is
    negative or a term's correlations make no covariance matrix. The one conversion:
    the profiles (profile.py, glmm_profile.py) call it for every deviance they
    evaluate, thousands of times, hence plain Python on short lists rather than numpy
    on tiny arrays."""
    x = sdcor.tolist() if hasattr(sdcor, "tolist") else list(sdcor)
    sigma = x[-1]
    if not sigma > 0:
        return None
    out, pos = [], 0
    for k in access.term_sizes:
        m = k * (k + 1) // 2
        term = _term_theta(x[pos:pos + m], k, sigma)
        if term is None:
            return None
        out.extend(term)
        pos += m
    return np.array(out)
