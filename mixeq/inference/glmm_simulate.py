"""Responses simulated from a fitted GLMM (lme4's ``simulate.merMod`` for glmer fits)
and the parametric bootstrap built on them (lme4's ``bootMer``, type "parametric").

η* = offset + X β̂ + Σ_t Z_t b*_t, with new random effects b*_t = u λ_tᵀ per level,
u ~ N(0, I) (``conditional=False``, lme4's default ``use.u = FALSE`` / ``re.form = NA``),
or the fitted conditional modes (``conditional=True``, ``use.u = TRUE``); μ* = g⁻¹(η*)
and the response is drawn as R's family ``simulate`` functions draw it:

* binomial: Binomial(size = prior weights, μ*) — the trials for ``cbind(k, n − k)``
  (the simulated table holds the successes k), 1 for a 0/1 response, the weights
  for a proportion with weights (the table holds k / size, as R returns);
* Poisson: Poisson(μ*); prior weights are ignored, with a warning, as R does.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mixeq.errors import InferenceError, MixeqWarning
from mixeq.inference.simulate import check_nsim


def sizes(acc) -> np.ndarray | None:
    """Binomial sizes (R's prior weights; None for Poisson)."""
    resp = acc.response
    if resp.family.name != "binomial":
        return None
    size = np.asarray(resp.wt, dtype=float)
    if np.any(np.abs(size - np.round(size)) > 1e-8):
        raise InferenceError("cannot simulate binomial responses with non-integer prior "
                             "weights (R's binomial()$simulate refuses them too)")
    return np.round(size).astype(np.int64)


def linear_predictors(acc, nsim: int, rng, conditional: bool, theta=None, beta=None):
    """(n × nsim) η*: new random effects per replicate, or the fitted modes' η."""
    if conditional:
        eta = np.asarray(acc.fit.linear_predictor, dtype=float)
        return np.repeat(eta[:, None], nsim, axis=1)
    theta = acc.theta if theta is None else theta
    beta = acc.beta if beta is None else beta
    base = acc.response.offset + acc.X @ beta
    E = np.repeat(base[:, None], nsim, axis=1)
    for (_, _, codes, M, nlev), lam in zip(acc.terms, acc.lambdas(theta)):
        u = rng.standard_normal((nsim, nlev, lam.shape[0]))
        b = u @ lam.T
        E += np.einsum("ik,sik->is", M, b[:, codes, :])
    return E


def draw_counts(acc, eta: np.ndarray, rng) -> np.ndarray:
    """Counts (successes, or Poisson counts) at η*."""
    resp = acc.response
    mu = resp.family.link.linkinv(eta)
    size = sizes(acc)
    if size is None:
        return rng.poisson(mu)
    return rng.binomial(size[:, None], np.clip(mu, 0.0, 1.0))


def simulate_glmm(fit, nsim: int = 1, seed=None, conditional: bool = False) -> pd.DataFrame:
    from mixeq.inference.state import access

    nsim = check_nsim(nsim)
    acc = access(fit)
    resp = acc.response
    if resp.family.name == "poisson" and np.any(resp.wt != 1):
        warnings.warn("ignoring prior weights: Poisson responses are simulated from μ alone "
                      "(as R's poisson()$simulate)", MixeqWarning, stacklevel=3)
    rng = np.random.default_rng(seed)
    counts = draw_counts(acc, linear_predictors(acc, nsim, rng, conditional), rng)
    if acc.model.trials is None and resp.family.name == "binomial":
        out = counts / sizes(acc)[:, None]          # R: rbinom(size = wts) / wts
    else:
        out = counts
    return pd.DataFrame(out, index=fit.model.y.index, columns=[f"sim_{i + 1}" for i in range(nsim)])


def bootstrap_glmm_table(acc, nsim: int, seed) -> pd.DataFrame:
    """nsim parametric-bootstrap replicates of (θ, β): responses simulated with new random
    effects, each refitted by the fit's criterion from the estimate (GlmmAccess.make_refitter)."""
    acc.require_deviance()
    rng = np.random.default_rng(seed)
    refit = acc.make_refitter()
    size = sizes(acc)
    rows = []
    for start in range(0, nsim, 100):
        m = min(100, nsim - start)
        counts = draw_counts(acc, linear_predictors(acc, m, rng, False), rng)
        for i in range(m):
            y = counts[:, i] if size is None else counts[:, i] / size
            theta, beta, dev = refit(y)
            rows.append(np.concatenate([theta, beta]) if np.isfinite(dev)
                        else np.full(theta.size + beta.size, np.nan))
    table = pd.DataFrame(np.array(rows), columns=list(acc.layout.names) + list(acc.names))
    table.index.name = "replicate"
    return table
