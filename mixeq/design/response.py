"""The response vector (and the offsets: other expressions evaluated like it)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from formulaic import model_matrix

from mixeq.design.context import evaluation_context
from mixeq.errors import DataError, FitError
from mixeq.spec.check import call_arguments


def evaluate(expr: str, data: pd.DataFrame, context: dict | None, what: str) -> pd.Series:
    """One checked expression (a column, ``log(y)``, ``b - a``) on ``data``,
    evaluated by formulaic in the closed ``context``."""
    name = expr[1:-1] if expr.startswith("`") and expr.endswith("`") else expr
    if name in data.columns:
        return data[name]
    try:
        return model_matrix(f"{expr} ~ 1", data, na_action="ignore",
                            context=evaluation_context() if context is None else context
                            ).lhs.iloc[:, 0]
    except Exception as exc:
        raise DataError(f"cannot evaluate {what} '{expr}': {exc}") from None


def response_vector(expr: str, data: pd.DataFrame, context: dict | None = None) -> pd.Series:
    """Evaluate the response (a column or an expression such as ``log(y)``).

    ``cbind(successes, failures)`` is evaluated (both columns must be numeric)
    and then refused: the two-column binomial response needs a GLMM fitter.
    """
    pair = call_arguments(expr, "cbind")
    if pair is not None:
        for part in pair:
            _numbers(evaluate(part, data, context, "the response column"), part, data.index)
        raise FitError(
            f"the two-column binomial response {expr} is not supported yet: mixeq fits "
            "linear mixed models with a numeric response; binomial models (family=) are "
            "still to come")
    return _numbers(evaluate(expr, data, context, "the response"), expr, data.index)


def _numbers(col: pd.Series, expr: str, index) -> pd.Series:
    if isinstance(col.dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
        raise DataError(
            f"the response '{expr}' is not numeric (dtype {col.dtype}); a linear mixed "
            f"model needs a numeric outcome: convert it, e.g. "
            f"df['{expr}'] = pd.to_numeric(df['{expr}'])")
    values = np.asarray(col, dtype=float)
    if not np.isfinite(values).all():
        raise DataError(f"the response '{expr}' has infinite or undefined values")
    return pd.Series(values, index=index, name=expr)


def offset_vector(offsets: tuple[str, ...], data: pd.DataFrame,
                  context: dict | None = None) -> np.ndarray | None:
    """The sum of the ``offset(…)`` expressions, row by row (None without offsets)."""
    if not offsets:
        return None
    total = np.zeros(len(data))
    for expr in offsets:
        values = np.asarray(evaluate(expr, data, context, "the offset"), dtype=float)
        if not np.isfinite(values).all():
            raise DataError(f"the offset '{expr}' has infinite or undefined values "
                            "(log() of zero?)")
        total += values
    return total
