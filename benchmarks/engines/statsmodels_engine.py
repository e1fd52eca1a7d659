"""statsmodels' MixedLM: one grouping factor with ``re_formula`` and variance
components nested in it; crossed factors as variance components of a single
all-ones group. Its REML/ML log-likelihood includes lme4's constants, so
-2 llf is lme4's REML criterion / deviance."""
from __future__ import annotations

import warnings

from benchmarks.engines import FitOutcome

SEPARATE_DESIGN = True
NAME = "statsmodels"
# MixedLM holds each group's variance-component design as a dense matrix.
MAX_DENSE_BYTES = 500e6


def unavailable() -> str | None:
    try:
        import statsmodels  # noqa: F401
    except ImportError:
        return "not installed (pip install statsmodels)"
    return None


def cannot(case, data) -> str | None:
    form = case.statsmodels
    if form is None:
        return "the model has no MixedLM form"
    if form.groups is None and form.vc:
        q = sum(data[col].nunique() for col in form.vc)
        size = len(data) * q * 8
        if size > MAX_DENSE_BYTES:
            return (f"crossed factors need one all-ones group with a dense "
                    f"{len(data):,} x {q:,} variance-component matrix ({size / 1e9:.1f} GB)")
    return None


def design(case, data):
    import statsmodels.formula.api as smf

    form = case.statsmodels
    frame = data
    groups = form.groups
    if groups is None:
        frame = data.assign(_one=1)
        groups = "_one"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.mixedlm(form.fixed, frame, groups=groups, re_formula=form.re_formula,
                           vc_formula=form.vc or None)


def fit(case, data, built) -> FitOutcome:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = built.fit(reml=case.reml)
    return FitOutcome(float(-2.0 * result.llf), bool(result.converged), {})
