"""mixedlm (PyPI; Rust core, lme4-style API): ``mixedlm.lmer(formula, data, REML=)``
builds and fits in one call, so its design time is not separated."""
from __future__ import annotations

from benchmarks.engines import FitOutcome

SEPARATE_DESIGN = False
NAME = "mixedlm"


def unavailable() -> str | None:
    try:
        import mixedlm  # noqa: F401
    except ImportError:
        return "not installed (pip install mixedlm)"
    return None


def cannot(case, data) -> str | None:
    return None


def design(case, data):
    return None


def fit(case, data, built) -> FitOutcome:
    import mixedlm

    result = mixedlm.lmer(case.formula, data, REML=case.reml)
    objective = result.REMLcrit() if case.reml else result.deviance
    if callable(objective):
        objective = objective()
    converged = getattr(result, "converged", None)
    return FitOutcome(float(objective), bool(converged) if converged is not None else None,
                      {"function_evals": _plain(getattr(result, "function_evals", None)),
                       "optimizer": _plain(getattr(result, "optimizer", None))})


def _plain(value):
    if callable(value):
        return None
    return value if isinstance(value, (int, float, str)) else None
