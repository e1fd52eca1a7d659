"""Likelihood-ratio tests between nested fits, as lme4's ``anova()`` does them:
REML fits are refitted by ML first, models are ordered by number of parameters; GLMM fits
(glmer's) compare by −2 log-likelihood (lme4's "deviance" column), one family at a time."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import chi2

from mixeq.errors import FitError, MixeqWarning


def anova(*fits) -> pd.DataFrame:
    """Table with npar, AIC, BIC, logLik, deviance, Chisq, Df, Pr(>Chisq)."""
    from mixeq.fitting.glmm.result import GlmmFit
    from mixeq.fitting.result import FitResult

    if len(fits) < 2:
        raise FitError("anova() compares two or more fits: anova(fit0, fit1)")
    for i, f in enumerate(fits):
        if not isinstance(f, (FitResult, GlmmFit)):
            raise FitError(f"argument {i + 1} of anova() is a {type(f).__name__}, not a fit; "
                           "pass results of mixeq.fit() or Model.fit()")
    _same_data(fits)
    if any(f.reml for f in fits):
        warnings.warn("refitting model(s) with ML (instead of REML) for the likelihood-ratio test",
                      MixeqWarning, stacklevel=2)
    ml = sorted((f.refit(reml=False) for f in fits), key=lambda f: f.npar)
    rows = []
    for i, f in enumerate(ml):
        row = {"npar": f.npar, "AIC": f.aic, "BIC": f.bic, "logLik": f.loglik,
               "deviance": -2.0 * f.loglik, "Chisq": np.nan, "Df": np.nan, "Pr(>Chisq)": np.nan}
        if i > 0:
            prev = ml[i - 1]
            stat = max(2.0 * (f.loglik - prev.loglik), 0.0)
            df = f.npar - prev.npar
            row.update({"Chisq": stat, "Df": df,
                        "Pr(>Chisq)": float(chi2.sf(stat, df)) if df > 0 else np.nan})
        rows.append(row)
    index = [f.model.spec.canonical() for f in ml]
    return pd.DataFrame(rows, index=pd.Index(index, name="model"))


def _same_data(fits) -> None:
    families = {str(getattr(f, "family", "gaussian")) for f in fits}
    if len(families) > 1:
        raise FitError(f"the fits have different families ({', '.join(sorted(families))}); "
                       "likelihood-ratio tests compare models of one family and link")
    first = fits[0].model
    for f in fits[1:]:
        m = f.model
        if m.spec.response != first.spec.response:
            raise FitError(f"the fits have different responses ({first.spec.response!r} and "
                           f"{m.spec.response!r}); likelihoods are only comparable for one response")
        if m.nobs != first.nobs or not m.y.index.equals(first.y.index) \
                or not np.array_equal(m.y.to_numpy(), first.y.to_numpy()):
            raise FitError(
                f"the fits use different rows ({first.nobs} and {m.nobs} observations): "
                "refit them on the same data, e.g. drop rows with missing values in any "
                "variable of either model before fitting")
