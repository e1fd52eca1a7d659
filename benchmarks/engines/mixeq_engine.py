"""mixeq: ``Model(formula, data)`` is the design, ``.fit(reml=...)`` the fit."""
from __future__ import annotations

from benchmarks.engines import FitOutcome

SEPARATE_DESIGN = True
NAME = "mixeq"


def unavailable() -> str | None:
    try:
        import mixeq  # noqa: F401
        from mixeq.fitting import fit_model  # noqa: F401
    except Exception as exc:  # the engine arrives during development
        return f"mixeq cannot fit yet ({type(exc).__name__}: {exc})"
    return None


def cannot(case, data) -> str | None:
    return None


def design(case, data):
    import mixeq

    return mixeq.Model(case.formula, data)


def fit(case, data, built) -> FitOutcome:
    result = built.fit(reml=case.reml)
    objective = result.reml_criterion if case.reml else result.deviance
    summary = getattr(result, "optimizer_summary", None)
    return FitOutcome(float(objective), getattr(result, "converged", None),
                      _summary_dict(summary))


def _summary_dict(summary) -> dict:
    if summary is None:
        return {}
    if isinstance(summary, dict):
        items = summary.items()
    else:
        items = getattr(summary, "__dict__", {}).items()
    keep = {}
    for key, value in items:
        if isinstance(value, (int, float, str, bool)) or value is None:
            keep[key] = value
    return keep
