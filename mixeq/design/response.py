"""The response vector (and the offsets: other expressions evaluated like it)."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from formulaic import model_matrix

from mixeq.design.context import evaluation_context
from mixeq.design.frame import read_column
from mixeq.errors import DataError
from mixeq.spec.check import call_arguments
from mixeq.spec.vocabulary import IDENTITY


def evaluate(expr: str, data: pd.DataFrame, context: dict | None, what: str,
             aliases=None, columns: dict | None = None) -> pd.Series:
    """One checked expression (a column, ``log(y)``, ``b - a``) on ``data``,
    evaluated by formulaic in the closed ``context`` (columns in ``aliases`` under
    their aliases: :mod:`mixeq.spec.aliases`; ``columns``: those of ``data`` already
    read, :func:`mixeq.design.frame.read_column`)."""
    name = expr[1:-1] if expr.startswith("`") and expr.endswith("`") else expr
    if name in data.columns:
        return read_column(data, name, columns)
    # I(): arithmetic on the left of '~' as arithmetic (size - incidence, incidence/size,
    # 10 * log(t)), not as formula operators that drop or nest terms
    wrapped = f"{IDENTITY}({expr})"
    if aliases is not None:   # (frame: no column hides a function, I() included)
        wrapped, data = aliases.text(wrapped), aliases.frame(data)
    try:
        return model_matrix(f"{wrapped} ~ 1", data, na_action="ignore",
                            context=evaluation_context() if context is None else context
                            ).lhs.iloc[:, 0]
    except Exception as exc:
        message = aliases.undo(str(exc)) if aliases else exc
        raise DataError(f"cannot evaluate {what} '{expr}': {message}") from None


def response_vector(expr: str, data: pd.DataFrame, context: dict | None = None,
                    aliases=None, columns: dict | None = None) -> pd.Series:
    """Evaluate the response (a column or an expression such as ``log(y)``).

    ``cbind(successes, failures)`` is evaluated (both columns must be numeric)
    and then refused: the two-column binomial response needs a GLMM fitter.
    """
    pair = _cbind_arguments(expr)
    if pair is not None:
        for part in pair:
            _numbers(evaluate(part, data, context, "the response column", aliases, columns),
                     part, data.index)
        raise DataError(f"the response '{expr}' is a binomial one (successes, failures): "
                        "fit it with family='binomial'")
    return _numbers(evaluate(expr, data, context, "the response", aliases, columns), expr,
                    data.index)


@lru_cache(maxsize=512)
def _cbind_arguments(expr: str) -> tuple[str, ...] | None:
    """The arguments of a ``cbind(s, f)`` response (None for any other), once per text."""
    pair = call_arguments(expr, "cbind")
    return None if pair is None else tuple(pair)


def _numbers(col: pd.Series, expr: str, index) -> pd.Series:
    return pd.Series(_values(col, expr), index=index, name=expr)


def _values(col, expr: str) -> np.ndarray:
    """A numeric response column (a Series or an array) as finite floats."""
    dtype = col.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iufb" and isinstance(col, pd.Series):
        values = col.to_numpy(dtype=float)  # = np.asarray(col, float), 1 µs instead of 5
    else:
        if isinstance(dtype, pd.CategoricalDtype) or not (
                pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)):
            raise DataError(
                f"the response '{expr}' is not numeric (dtype {dtype}); a linear mixed "
                f"model needs a numeric outcome: convert it, e.g. "
                f"df['{expr}'] = pd.to_numeric(df['{expr}'])")
        values = np.asarray(col, dtype=float)
    if not np.isfinite(values).all():
        raise DataError(f"the response '{expr}' has infinite or undefined values")
    return values


def offset_vector(offsets: tuple[str, ...], data: pd.DataFrame,
                  context: dict | None = None, aliases=None) -> np.ndarray | None:
    """The sum of the ``offset(…)`` expressions, row by row (None without offsets)."""
    if not offsets:
        return None
    total = np.zeros(len(data))
    for expr in offsets:
        values = np.asarray(evaluate(expr, data, context, "the offset", aliases), dtype=float)
        if not np.isfinite(values).all():
            raise DataError(f"the offset '{expr}' has infinite or undefined values "
                            "(log() of zero?)")
        total += values
    return total


def binomial_response(expr: str, data: pd.DataFrame, context: dict | None = None,
                      aliases=None, columns: dict | None = None
                      ) -> tuple[pd.Series, np.ndarray | None]:
    """The response of a binomial model as lme4 reads it: (y, trials).

    ``cbind(s, f)``: y = s / (s + f) with s + f trials; a two-level factor (or
    text, or bool): the first level is 0, the other 1 (R's ``binomial()``); a
    numeric column: 0/1 or proportions (trials then come from ``weights=``).
    """
    pair = _cbind_arguments(expr)
    if pair is not None:
        if len(pair) != 2:
            raise DataError(f"cbind() in the response '{expr}' needs two arguments: "
                            "cbind(successes, failures)")
        s, f = (_values(_count_column(part, data, context, aliases, columns), part)
                for part in pair)
        for values, part in ((s, pair[0]), (f, pair[1])):
            if (values < 0).any():
                raise DataError(f"'{part}' in the response '{expr}' has negative counts; "
                                "cbind(successes, failures) takes counts ≥ 0")
        n = s + f
        y = np.divide(s, n, out=np.zeros_like(s), where=n > 0)
        return pd.Series(y, index=data.index, name=expr), n
    col = evaluate(expr, data, context, "the response", aliases, columns)
    if isinstance(col.dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(col) \
            or not pd.api.types.is_numeric_dtype(col):
        if pd.api.types.is_bool_dtype(col):
            y = col.to_numpy(dtype=float)
        else:
            cat = col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category")
            codes = cat.array.codes   # the Categorical's own (.cat.codes makes a Series)
            if len(cat.array.categories) > 2:
                levels = list(cat.array.categories)
                raise DataError(
                    f"the response '{expr}' has {len(levels)} levels "
                    f"({', '.join(map(str, levels[:5]))}{' …' if len(levels) > 5 else ''}); a "
                    f"binomial response has two: recode it, e.g. df['{expr}'] == '{levels[-1]}'")
            if codes.min() < 0:
                raise DataError(f"the response '{expr}' has missing values")
            y = (codes > 0).astype(float)
        return pd.Series(y, index=data.index, name=expr), None
    return _numbers(col, expr, data.index), None


_DIFFERENCE = re.compile(r"^\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*-\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*$")


def _count_column(part: str, data: pd.DataFrame, context, aliases=None,
                  columns: dict | None = None) -> pd.Series | np.ndarray:
    """One argument of cbind(): a column, ``n - k`` of two numeric columns read
    directly (the common ``cbind(k, n - k)``; formulaic costs ~3 ms per call; numpy's
    subtraction for plain number columns, pandas' for nullable ones), else any
    expression through ``evaluate``."""
    m = _DIFFERENCE.match(part)
    if m and m.group(1) in data.columns and m.group(2) in data.columns:
        a, b = read_column(data, m.group(1), columns), read_column(data, m.group(2), columns)
        if _plain(a.dtype) and _plain(b.dtype):
            return a.to_numpy(dtype=float) - b.to_numpy(dtype=float)
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b) \
                and not pd.api.types.is_bool_dtype(a) and not pd.api.types.is_bool_dtype(b):
            return a - b
    return evaluate(part, data, context, "the response column", aliases, columns)


def _plain(dtype) -> bool:
    return isinstance(dtype, np.dtype) and dtype.kind in "iuf"
