"""Predictions of a GLMM on the link or the response scale (lme4's
``predict(type = "link" | "response")``)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import DataError


def predict_glmm(fit, newdata, type: str = "link", include_random: bool = True,
                 allow_new_levels: bool = False) -> pd.Series:
    if type not in ("link", "response"):
        raise DataError(f"type must be 'link' or 'response', not {type!r}")
    model = fit.model
    if newdata is None:
        if include_random:
            eta = fit.linear_predictor.to_numpy()
        else:
            eta = model.X.to_numpy() @ fit.fixef.to_numpy()
            if model.offset is not None:
                eta = eta + model.offset
        index = model.y.index
    else:
        from mixeq.fitting.predict import predict as lmm_predict

        eta = lmm_predict(fit, newdata, include_random, allow_new_levels).to_numpy()   # with the new rows' offset
        index = newdata.index
    values = fit.family.link.linkinv(np.asarray(eta, dtype=float)) if type == "response" else eta
    return pd.Series(values, index=index, name="predicted")
