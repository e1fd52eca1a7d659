"""Per-fit results computed once (the (θ, σ) covariance, the KR adjustment), kept
beside the fit rather than on it: a fit's own attributes stay the fitter's."""
from __future__ import annotations

from weakref import WeakKeyDictionary

from mixeq.inference.access import LmmAccess

_CACHE: "WeakKeyDictionary" = WeakKeyDictionary()


def cached(fit, key: str, make):
    """``make(access)`` for this fit, computed on first use."""
    from mixeq.fitting.result import FitResult

    if not isinstance(fit, FitResult):
        LmmAccess(fit)   # raises the error that names what was passed
    entry = _CACHE.get(fit)
    if entry is None:
        entry = {"access": LmmAccess(fit)}
        _CACHE[fit] = entry
    if key not in entry:
        if entry["access"].unsupported:
            from mixeq.errors import InferenceError

            raise InferenceError(entry["access"].unsupported)
        entry[key] = make(entry["access"])
    return entry[key]


def access(fit, criterion: bool = True) -> LmmAccess:
    """The fit's LmmAccess; ``criterion``: the caller evaluates the criterion away from
    the estimate (df, profiles, simulation), which weighted or offset fits do not support yet."""
    from mixeq.errors import InferenceError

    acc = cached(fit, "access", LmmAccess)
    if criterion and acc.unsupported:
        raise InferenceError(acc.unsupported)
    return acc
