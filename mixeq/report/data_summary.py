"""The data a model uses: observations, rows dropped, grouping factors and, for
every predictor, the level it varies at and its values (categories or range)."""
from __future__ import annotations

import pandas as pd

from mixeq.report.html import table


def _values(series: pd.Series) -> str:
    if isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object \
            or pd.api.types.is_bool_dtype(series):
        cats = list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype) \
            else sorted(map(str, series.dropna().unique()))
        shown = ", ".join(map(str, cats[:8])) + (", …" if len(cats) > 8 else "")
        return f"{len(cats)} categories: {shown}"
    return f"numeric, {series.min():.4g} to {series.max():.4g} (mean {series.mean():.4g})"


def data_summary(model) -> str:
    n = model.nobs
    dropped = f", {model.dropped_rows} rows with missing values dropped" if model.dropped_rows else ""
    out = [f"<p>{n} observations{dropped}; X is {model.X.shape[0]} × {model.X.shape[1]}, "
           f"Z is {model.Z.shape[0]} × {model.Z.shape[1]} with {model.Z.nnz} non-zeros.</p>"]
    groups = [[g.name, g.nlevels, f"level {g.level}", ", ".join(g.nested_in) or "—"]
              for g in model.groups.values()]
    if groups:
        out.append(table(["grouping factor", "levels", "hierarchy", "nested in"], groups,
                         "Grouping factors"))
    data = model.data
    rows = []
    for name, lev in model.levels.items():
        where = ("level 1: varies within clusters" if lev.group is None
                 else f"level {lev.level}: constant within {lev.group}")
        values = _values(data[name]) if name in data.columns else ""
        rows.append([name, where, values])
    if rows:
        out.append(table(["predictor", "level", "values"], rows, "Predictors"))
    return "\n".join(out)
