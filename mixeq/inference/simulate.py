"""Responses simulated from a fitted linear mixed model (lme4's ``simulate.merMod``):

    y* = o + X β̂ + Σ_t Z_t b*_t + σ̂ ε / √w,  b*_t = σ̂ (u λ_tᵀ) per level, u, ε ~ N(0, I)

(o the offset, w the prior weights: lme4's residual SD σ/√w) with new random effects (``conditional=False``, lme4's default ``re.form = NA``),
or the fitted conditional modes b̂ (``conditional=True``, ``re.form = NULL``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import InferenceError


def check_nsim(nsim) -> int:
    try:
        ok = int(nsim) == nsim
    except (TypeError, ValueError):
        ok = False
    if not ok or int(nsim) < 1:
        raise InferenceError(f"nsim must be a whole number ≥ 1, got {nsim!r}")
    return int(nsim)


def simulate_array(acc, nsim: int, rng: np.random.Generator, conditional: bool = False,
                   theta=None, beta=None, sigma=None, fitted_b=None) -> np.ndarray:
    """(n × nsim) simulated responses at (θ, β, σ) (default: the estimates)."""
    theta = acc.theta if theta is None else theta
    beta = acc.beta if beta is None else beta
    sigma = acc.sigma if sigma is None else sigma
    mean = acc.known_mean + acc.X @ beta
    Y = np.repeat(mean[:, None], nsim, axis=1)
    if conditional:
        Y += np.asarray(fitted_b)[:, None]
    else:
        for (_, _, codes, M, nlev), lam in zip(acc.terms, acc.lambdas(theta)):
            k = lam.shape[0]
            u = rng.standard_normal((nsim, nlev, k))
            b = sigma * u @ lam.T                                  # nsim × levels × k
            Y += np.einsum("ik,sik->is", M, b[:, codes, :])
    eps = sigma * rng.standard_normal(Y.shape)
    Y += eps if acc.sqrt_w is None else eps / acc.sqrt_w[:, None]
    return Y


def simulate(fit, nsim: int = 1, seed=None, conditional: bool = False) -> pd.DataFrame:
    from mixeq.inference.state import access, is_glmm

    if is_glmm(fit):
        from mixeq.inference.glmm_simulate import simulate_glmm

        return simulate_glmm(fit, nsim, seed, conditional)
    nsim = check_nsim(nsim)
    acc = access(fit)
    rng = np.random.default_rng(seed)
    fitted_b = (fit.fitted.to_numpy() - acc.known_mean - acc.X @ acc.beta) if conditional else None
    Y = simulate_array(acc, nsim, rng, conditional, fitted_b=fitted_b)
    return pd.DataFrame(Y, index=fit.model.y.index, columns=[f"sim_{i + 1}" for i in range(nsim)])
