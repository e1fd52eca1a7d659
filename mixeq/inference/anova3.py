"""F tests per fixed-effect term (lmerTest's ``anova(m, type = 3 | 1, ddf = …)``):
Sum Sq, Mean Sq, NumDF, DenDF, F value, Pr(>F); Mean Sq = F σ̂², Sum Sq = Mean Sq · NumDF."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import InferenceError
from mixeq.inference.contrasts import type1_contrasts, type3_contrasts
from mixeq.inference.ddf import ddf_method
from mixeq.inference.satterthwaite import contrast_md, f_pvalue
from mixeq.inference.state import access

COLUMNS = ["Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)"]


def term_anova(fit, type: int | str = 3, ddf: str = "satterthwaite") -> pd.DataFrame:
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
