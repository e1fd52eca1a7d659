"""Confidence intervals as lme4's ``confint(m, method = …, oldNames = FALSE)``: rows
sd_(Intercept)|Subject, cor_Days.(Intercept)|Subject, …, sigma, then the fixed
effects; columns "2.5 %" and "97.5 %" (for level 0.95).

* ``wald``: β̂ ± z σ̂_β (variance parameters: NaN, as lme4 gives NA);

A GLMM's rows have no sigma (σ = 1), and its profile is glmm_profile.py's.
* ``profile``: from the likelihood profiles (profile.py);
* ``bootstrap``: percentiles of a parametric bootstrap (bootstrap.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from mixeq.errors import InferenceError
from mixeq.inference import varcomp
from mixeq.inference.state import access, cached, is_glmm

METHODS = ("wald", "profile", "bootstrap")


def check_level(level) -> float:
    try:
        level = float(level)
    except (TypeError, ValueError):
        raise InferenceError(f"level must be a number between 0 and 1, got {level!r}") from None
    if not 0.0 < level < 1.0:
        raise InferenceError(f"level must lie strictly between 0 and 1 (e.g. 0.95), got {level}")
    return level


def column_names(level: float) -> list[str]:
    a = (1.0 - level) / 2.0
    return [f"{100 * a:.3g} %", f"{100 * (1 - a):.3g} %"]


def confint(fit, method: str = "profile", level: float = 0.95, nsim: int = 1000,
            seed=None) -> pd.DataFrame:
    level = check_level(level)
    key = str(method).strip().lower()
    if key not in METHODS:
        raise InferenceError(f"unknown confint method {method!r}; choose 'wald', 'profile' "
                             "or 'bootstrap'")
    acc = access(fit, criterion=key != "wald")
    glmm = is_glmm(fit)
    rows = varcomp.names(acc)[:-1] if glmm else varcomp.names(acc)
    rows = rows + list(acc.names)
    cols = column_names(level)
    a = (1.0 - level) / 2.0
    if key == "wald":
        z = stats.norm.ppf(1 - a)
        se = np.sqrt(np.diag(fit.vcov.to_numpy()))
        vals = np.full((len(rows), 2), np.nan)
        nvp = len(rows) - acc.p
        vals[nvp:, 0] = acc.beta - z * se
        vals[nvp:, 1] = acc.beta + z * se
        return pd.DataFrame(vals, index=rows, columns=cols)
    if key == "profile":
        prof = fit_profile(fit)
        z = stats.norm.ppf([a, 1 - a])
        vals = [prof.interval(name, z) if name in prof.names else [np.nan, np.nan] for name in rows]
        return pd.DataFrame(np.array(vals, dtype=float), index=rows, columns=cols)
    from mixeq.inference.bootstrap import bootstrap

    boot = bootstrap(fit, nsim=nsim, seed=seed)
    table = boot.sdcor_table()
    vals = np.nanquantile(table[rows].to_numpy(), [a, 1 - a], axis=0).T
    return pd.DataFrame(vals, index=rows, columns=cols)


def fit_profile(fit):
    """The fit's profile, computed once (an LMM's: profile.py; a GLMM's: glmm_profile.py)."""
    if is_glmm(fit):
        from mixeq.inference.glmm_profile import profile_glmm

        return cached(fit, "profile", profile_glmm)
    from mixeq.inference.profile import profile_fit

    return cached(fit, "profile", lambda _acc: profile_fit(fit))
