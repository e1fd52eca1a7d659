"""Per-fit results computed once (the (θ, σ) covariance, the KR adjustment, profiles),
kept beside the fit rather than on it: a fit's own attributes stay the fitter's."""
from __future__ import annotations

from weakref import WeakKeyDictionary

from mixeq.inference.access import GlmmAccess, LmmAccess

_CACHE: "WeakKeyDictionary" = WeakKeyDictionary()


def is_glmm(fit) -> bool:
    from mixeq.fitting.glmm.result import GlmmFit

    return isinstance(fit, GlmmFit)


def _make_access(fit):
    """The adapter for this kind of fit (raises the error that names what was passed)."""
    return GlmmAccess(fit) if is_glmm(fit) else LmmAccess(fit)


def cached(fit, key: str, make):
    """``make(access)`` for this fit, computed on first use."""
    from mixeq.fitting.result import FitResult

    if not isinstance(fit, FitResult) and not is_glmm(fit):
        LmmAccess(fit)   # raises the error that names what was passed
    entry = _CACHE.get(fit)
    if entry is None:
        entry = {"access": _make_access(fit)}
        _CACHE[fit] = entry
    if key not in entry:
        if getattr(entry["access"], "unsupported", None):
            from mixeq.errors import InferenceError

            raise InferenceError(entry["access"].unsupported)
        entry[key] = make(entry["access"])
    return entry[key]


def access(fit, criterion: bool = True):
    """The fit's LmmAccess (GlmmAccess for a GLMM); ``criterion``: the caller evaluates
    the criterion away from the estimate (df, profiles, simulation)."""
    from mixeq.errors import InferenceError

    acc = cached(fit, "access", lambda a: a)
    if criterion and getattr(acc, "unsupported", None):
        raise InferenceError(acc.unsupported)
    return acc
