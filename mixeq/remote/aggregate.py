"""The queries: what the engine computes, and the only things that come back.

1. ``profile``: one aggregate over all rows — rows, complete rows, missing values
   per column, and over the complete rows the means of the numeric columns and of
   the response (the shifts that centre them, see ``design.py``), the response's
   range, and for several grouping variables an estimate of the number of cells.
2. ``factor_levels``: the distinct values of each factor (a GROUP BY per factor).
3. ``cell_grams``: per cell of the interaction of all grouping variables (one
   GROUP BY), the count and the sums of products of every pair of basis columns
   [1, shifted columns, shifted response]; with ``keys`` one factor's columns, the
   same per level of that factor (crossed factors, products.py, which also reads
   the rows' level codes in Arrow batches: ``Source.batches``).

Missing values never reach the sums: every query after ``profile`` runs on the
rows where no variable the model uses is missing (and, for factors given with
their levels, where the value is one of them), so dropped rows are counted once.
"""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from mixeq.remote.compile import label_expr


def complete_predicate(table, columns: list[str], given_levels: dict):
    """Rows with every used column present (not NULL, not NaN; a listed level)."""
    schema = table.schema()
    preds = []
    for c in columns:
        col = table[c]
        preds.append(col.notnull())
        if schema[c].is_floating():
            preds.append(~col.isnan())
        if given_levels.get(c):
            preds.append(label_expr(col).isin([str(v) for v in given_levels[c]]))
    out = preds[0]
    for p in preds[1:]:
        out = out & p
    return out


def profile(src, complete, columns: list[str], means: dict, response, cell_key=None,
            extra: dict | None = None) -> dict:
    """``response`` None: no response statistics (a GLMM's are in glmm.py); ``extra``:
    more named aggregates, returned as numbers."""
    t = src.table
    metrics = {"n_total": t.count(), "n_complete": complete.cast("int64").sum()}
    for i, c in enumerate(columns):
        metrics[f"miss_{i}"] = t[c].isnull().cast("int64").sum()
    for i, expr in enumerate(means.values()):
        metrics[f"mean_{i}"] = expr.mean(where=complete)
    if response is not None:
        metrics["y_mean"] = response.mean(where=complete)
        metrics["y_min"] = response.min(where=complete)
        metrics["y_max"] = response.max(where=complete)
    if cell_key is not None:
        metrics["cells"] = cell_key.approx_nunique(where=complete)
    metrics.update(extra or {})
    row = src.execute(t.aggregate(**metrics)).iloc[0]
    out = {
        "n_total": int(row["n_total"]),
        "n": _int(row["n_complete"]),
        "missing": {c: _int(row[f"miss_{i}"]) for i, c in enumerate(columns)},
        "means": {name: _float(row[f"mean_{i}"]) for i, name in enumerate(means)},
        "y_mean": 0.0, "y_min": 0.0, "y_max": 1.0, "check_constant": response is not None,
        "cells": int(row["cells"]) if cell_key is not None else None,
    }
    if response is not None:
        out.update(y_mean=_float(row["y_mean"]), y_min=_float(row["y_min"]),
                   y_max=_float(row["y_max"]))
    out.update({k: _float(row[k]) for k in extra or {}})
    return out


def _int(v) -> int:
    """A count that the engine returns as NULL (a sum over no rows) is 0."""
    return 0 if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


def _float(v) -> float:
    return float("nan") if v is None or v is pd.NA else float(v)


def factor_levels(src, complete, column: str) -> list:
    """Distinct values of ``column`` among the complete rows (engine values)."""
    t = src.table.filter(complete)
    out = src.execute(t.group_by(column).aggregate(n=t.count()))
    return [v.item() if isinstance(v, np.generic) else v for v in out[column].tolist()]


def cell_grams(src, complete, keys: list[str], basis: list, weight=None
               ) -> tuple[pd.DataFrame, np.ndarray]:
    """Per cell: key values, and the (cells, d, d) Gram stack of [1, basis…]
    (weighted by the prior weights ``weight`` when given: Σ w b bᵀ)."""
    t = src.table.filter(complete)
    cols = [ibis.literal(1.0, type="float64")] + list(basis)
    d = len(cols)
    metrics = {"n_": t.count() if weight is None else weight.sum()}
    for i, j in _upper(d):
        prod = (cols[i] * cols[j]) if i else cols[j]
        metrics[f"s_{i}_{j}"] = (prod if weight is None else prod * weight).sum()
    expr = t.group_by(keys).aggregate(**metrics) if keys else t.aggregate(**metrics)
    out = src.execute(expr)
    G = np.empty((len(out), d, d))
    G[:, 0, 0] = out["n_"].to_numpy(dtype=float)
    for i, j in _upper(d):
        v = out[f"s_{i}_{j}"].to_numpy(dtype=float)
        G[:, i, j] = v
        G[:, j, i] = v
    return out[keys], G


def _upper(d: int) -> list[tuple[int, int]]:
    """Pairs i ≤ j of the Gram's upper triangle, without (0, 0) (the count)."""
    return [(i, j) for i in range(d) for j in range(i, d) if j > 0]
