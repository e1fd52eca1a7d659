"""F tests per fixed-effect term (lmerTest's ``anova(m, type = 3 | 1, ddf = …)``):
Sum Sq, Mean Sq, NumDF, DenDF, F value, Pr(>F); Mean Sq = F σ̂², Sum Sq = Mean Sq · NumDF.

A GLMM has no df: Wald chi-square tests per term, (Lβ̂)ᵀ(L V Lᵀ)⁻¹(Lβ̂) on rank(L) df
(V = vcov(β̂), glmer's), with the same type III (or type I) contrasts L — car's
``Anova(m, type = 3)`` where the hypotheses coincide (no interactions, or sum coding),
without its (Intercept) row."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import InferenceError
from mixeq.inference.contrasts import type1_contrasts, type3_contrasts
from mixeq.inference.ddf import ddf_method
from mixeq.inference.satterthwaite import contrast_md, f_pvalue
from mixeq.inference.state import access, is_glmm

COLUMNS = ["Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)"]
CHISQ_COLUMNS = ["Chisq", "Df", "Pr(>Chisq)"]


def term_anova(fit, type: int | str = 3, ddf: str = "satterthwaite") -> pd.DataFrame:
    if is_glmm(fit):
        return wald_chisq_anova(fit, type)
    method = ddf_method(ddf)
    if method == "lme4":
        raise InferenceError("type III F tests need a df method: ddf='satterthwaite' or "
                             "'kenward-roger'")
    kind = str(type).upper()
    if kind in ("3", "III"):
        contrasts = type3_contrasts(access(fit))
    elif kind in ("1", "I"):
        contrasts = type1_contrasts(access(fit))
    else:
        raise InferenceError(f"unknown anova type {type!r}; choose 3 (type III) or 1 (sequential)")
    acc = access(fit)
    rows, index = [], []
    for term, L in contrasts.items():
        if L.shape[0] == 0:
            continue
        if method == "kenward-roger":
            from mixeq.inference.kenward_roger import kr_ftest

            F, ndf, ddf_v, scale = kr_ftest(fit, L)
            ms = F * acc.sigma ** 2
            F = F * scale
        else:
            from mixeq.inference.coeftable import satterthwaite_cov

            F, ndf, ddf_v = contrast_md(satterthwaite_cov(fit), acc.beta, L)
            ms = F * acc.sigma ** 2
        rows.append([ms * ndf, ms, ndf, ddf_v, F, f_pvalue(F, ndf, ddf_v)])
        index.append(term)
    frame = pd.DataFrame(rows, index=pd.Index(index, name="term"), columns=COLUMNS)
    frame["NumDF"] = frame["NumDF"].astype(int)
    return frame


def _contrasts(acc, type):
    kind = str(type).upper()
    if kind in ("3", "III"):
        return type3_contrasts(acc)
    if kind in ("1", "I"):
        return type1_contrasts(acc)
    raise InferenceError(f"unknown anova type {type!r}; choose 3 (type III) or 1 (sequential)")


def wald_chisq_anova(fit, type: int | str = 3) -> pd.DataFrame:
    from scipy import stats

    acc = access(fit)
    V = fit.vcov.to_numpy()
    rows, index = [], []
    for term, L in _contrasts(acc, type).items():
        if L.shape[0] == 0:
            continue
        Lb = L @ acc.beta
        stat = float(Lb @ np.linalg.lstsq(L @ V @ L.T, Lb, rcond=None)[0])
        df = int(np.linalg.matrix_rank(L))
        rows.append([stat, df, float(stats.chi2.sf(stat, df))])
        index.append(term)
    frame = pd.DataFrame(rows, index=pd.Index(index, name="term"), columns=CHISQ_COLUMNS)
    frame["Df"] = frame["Df"].astype(int)
    return frame
