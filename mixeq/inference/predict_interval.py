"""Prediction with intervals (``fit.predict(newdata, interval=…)``).

The prediction is x β̂ + z b̂ (z b̂ only for levels seen in the fit, and only with
``include_random``). Its variance:

* ``confidence``: the uncertainty of β̂ only, x V xᵀ (V = vcov(β̂)), the conditional
  modes taken as given (as ggeffects and merTools' fixed-effect intervals do);
* ``prediction``: a new observation also varies by σ̂² and by its random effects —
  for a seen level their conditional variance given the data, z Var(b | y) zᵀ
  (lme4's condVar), for an unseen level or without ``include_random`` their whole
  variance z Σ zᵀ.

Limits are prediction ± z_{1−α/2} · se (normal quantiles, as Wald intervals).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from mixeq.errors import InferenceError
from mixeq.inference.access import new_design
from mixeq.inference.confint import check_level

INTERVALS = ("none", "confidence", "prediction")


def predict_interval(fit, newdata=None, interval: str = "confidence", level: float = 0.95,
                     include_random: bool = True, allow_new_levels: bool = False,
                     ) -> pd.DataFrame:
    kind = str(interval).strip().lower()
    if kind not in INTERVALS:
        raise InferenceError(f"unknown interval {interval!r}; choose 'confidence', 'prediction' "
                             "or 'none'")
    level = check_level(level)
    from mixeq.inference.state import access

    access(fit)      # (refuses fits whose variances this does not cover: weights, offsets)
    pred = fit.predict(newdata, include_random=include_random,
                       allow_new_levels=allow_new_levels).to_numpy()
    index, X, terms = new_design(fit, newdata, include_random=True)
    V = fit.vcov.to_numpy()
    var = np.einsum("ij,jk,ik->i", X, V, X)
    if kind == "prediction":
        var = var + fit.sigma ** 2
        covs = fit.term_covariances()
        condvar = _condvar_per_term(fit)
        for (M, codes), S, cv in zip(terms, covs, condvar):
            seen = (codes >= 0) & include_random
            marginal = np.einsum("ij,jk,ik->i", M, S, M)
            cond = np.zeros(len(codes))
            if seen.any():
                C = cv[codes[seen]]
                cond[seen] = np.einsum("ij,ijk,ik->i", M[seen], C, M[seen])
            var = var + np.where(seen, cond, marginal)
    z = stats.norm.ppf(0.5 + level / 2)
    se = np.sqrt(var)
    out = pd.DataFrame({"fit": pred, "se": se}, index=index)
    if kind != "none":
        out["lwr"] = pred - z * se
        out["upr"] = pred + z * se
    return out


def _condvar_per_term(fit) -> list[np.ndarray]:
    """Var(b_l | y) (levels × k × k) for each term, cut from the per-factor arrays."""
    out = []
    offsets: dict[str, int] = {}
    for term in fit.model.terms:
        arr = fit.ranef_condvar[term.group]
        start = offsets.get(term.group, 0)
        k = len(term.columns)
        out.append(arr[:, start:start + k, start:start + k])
        offsets[term.group] = start + k
    return out
