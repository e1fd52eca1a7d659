"""Variance decomposition of a linear mixed model: Nakagawa & Schielzeth's R²
(2013, Methods Ecol. Evol. 4:133; random slopes as Johnson 2014, Methods Ecol. Evol.
5:944, and Nakagawa, Johnson & Schielzeth 2017, J. R. Soc. Interface 14:20170213) and
the ICC of each grouping factor.

σ²_f = var(X β̂) (variance of the fixed-effect predictions, n − 1 denominator as R's
var); per term σ²_t = mean over rows of z_i Σ_t z_iᵀ (z_i: the row of the term's
matrix, Σ_t its covariance; for a random intercept simply its variance); σ²_ε = σ̂².
R²_marginal = σ²_f / (σ²_f + Σσ²_t + σ²_ε), R²_conditional = (σ²_f + Σσ²_t) / (…), as
MuMIn's r.squaredGLMM and performance's r2_nakagawa. ICC of factor g (adjusted ICC,
performance's icc): Σ_{t on g} σ²_t / (Σσ²_t + σ²_ε).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def _components(fit):
    fixed = fit.model.X.to_numpy(dtype=float) @ fit.fixef.to_numpy()
    var_f = float(np.var(fixed, ddof=1)) if fixed.size > 1 else 0.0
    per_term = []
    for term, S in zip(fit.model.terms, fit.term_covariances()):
        M = np.asarray(term.matrix, dtype=float)
        per_term.append((term.group, float(np.mean(np.einsum("ij,jk,ik->i", M, S, M)))))
    return var_f, per_term, fit.sigma ** 2


def r2(fit) -> pd.Series:
    var_f, per_term, var_e = _components(fit)
    var_r = sum(v for _, v in per_term)
    total = var_f + var_r + var_e
    return pd.Series({"marginal": var_f / total, "conditional": (var_f + var_r) / total},
                     name="R2")


def icc(fit) -> pd.Series:
    _, per_term, var_e = _components(fit)
    var_r = sum(v for _, v in per_term)
    out: dict[str, float] = {}
    for group, v in per_term:
        out[group] = out.get(group, 0.0) + v / (var_r + var_e)
    return pd.Series(out, name="ICC")
