"""The coefficient table with df and p-values, as lmerTest's ``summary(m, ddf = …)``:
Estimate, Std. Error, df, t value, Pr(>|t|) per fixed effect."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.inference.ddf import ddf_method
from mixeq.inference.satterthwaite import contrast_1d, t_pvalue
from mixeq.inference.state import access, cached
from mixeq.inference.varpar import varpar_cov


def satterthwaite_cov(fit):
    return cached(fit, "varpar", varpar_cov)


def coef_table(fit, ddf: str = "satterthwaite") -> pd.DataFrame:
    method = ddf_method(ddf)
    acc = access(fit, criterion=method != "lme4")
    if method == "lme4":
        se = np.sqrt(np.diag(fit.vcov.to_numpy()))
        return pd.DataFrame({"Estimate": acc.beta, "Std. Error": se, "t value": acc.beta / se},
                            index=acc.names)
    rows = []
    eye = np.eye(acc.p)
    if method == "kenward-roger":
        from mixeq.inference.kenward_roger import kr_contrast_1d, kr_state

        kr = kr_state(fit)
        for j in range(acc.p):
            est, se, df = kr_contrast_1d(kr, acc.beta, eye[j])
            rows.append((est, se, df))
    else:
        vp = satterthwaite_cov(fit)
        rows = [contrast_1d(vp, acc.beta, eye[j]) for j in range(acc.p)]
    est, se, df = (np.array(c, dtype=float) for c in zip(*rows)) if rows else ([], [], [])
    t = np.asarray(est) / np.asarray(se) if rows else np.zeros(0)
    p = [t_pvalue(ti, di) for ti, di in zip(t, df)]
    return pd.DataFrame({"Estimate": est, "Std. Error": se, "df": df, "t value": t,
                         "Pr(>|t|)": p}, index=acc.names)
