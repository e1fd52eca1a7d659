"""Which denominator-df method: the names users write, one table."""
from __future__ import annotations

from mixeq.errors import InferenceError

DDF_METHODS = {"satterthwaite": "satterthwaite", "kenward-roger": "kenward-roger",
               "kenward_roger": "kenward-roger", "kr": "kenward-roger", "lme4": "lme4",
               "none": "lme4"}


def ddf_method(ddf: str) -> str:
    key = str(ddf).strip().lower().replace(" ", "-")
    if key not in DDF_METHODS:
        raise InferenceError(f"unknown ddf {ddf!r}; choose 'satterthwaite', 'kenward-roger' "
                             "or 'lme4' (no df: t values only)")
    return DDF_METHODS[key]


def require_reml(fit, what: str = "Kenward-Roger") -> None:
    if not fit.reml:
        raise InferenceError(f"{what} is defined for REML fits only, and this fit is by ML: "
                             "refit by REML (mixeq.fit(..., reml=True) or fit.refit(reml=True))")
