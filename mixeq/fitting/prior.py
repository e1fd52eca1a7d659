"""Prior weights and offsets (lme4's ``weights =`` and ``offset =``): read, checked
and aligned with the rows a model uses."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import DataError, UnknownColumnError


def prior_vector(value, data: pd.DataFrame, what: str) -> np.ndarray | None:
    """``weights``/``offset`` given as a column name or one value per row of ``data``."""
    if value is None:
        return None
    if isinstance(value, str):
        if value not in data.columns:
            raise UnknownColumnError(f"the {what} column '{value}' is not in the data; "
                                     f"columns: {', '.join(map(str, list(data.columns)[:12]))}")
        col = data[value]
        name = f"column '{value}'"
    else:
        col = value
        name = f"the {what} given"
    try:
        arr = np.asarray(col, dtype=float).ravel()
    except (TypeError, ValueError):
        raise DataError(f"the {what} ({name}) must be numeric") from None
    if arr.size != len(data):
        raise DataError(f"the {what} ({name}) have {arr.size} values for {len(data)} rows of data; "
                        "give one per row")
    if np.isnan(arr).any():
        raise DataError(f"the {what} ({name}) have {int(np.isnan(arr).sum())} missing value(s): "
                        "fill them or drop those rows before fitting")
    if not np.isfinite(arr).all():
        raise DataError(f"the {what} ({name}) have infinite values")
    if what == "weights" and (arr < 0).any():
        raise DataError(f"the weights ({name}) have negative values (e.g. {arr[arr < 0][0]:g}); "
                        "prior weights must be ≥ 0")
    return arr


def _kept(design, data: pd.DataFrame, arr: np.ndarray) -> np.ndarray:
    """The entries of a per-row vector for the rows the design kept."""
    if not design.dropped_rows:
        return arr
    keep = ~pd.Index(data.index).isin(design.dropped_index)
    return arr[keep]


def model_priors(model, data, weights: np.ndarray | None, offset: np.ndarray | None):
    """(prior weights, offset) for the rows used: binomial trials from cbind() multiply
    the weights (R's ``binomial()$initialize``); the offset adds to the formula's."""
    design = model.design
    if not isinstance(data, pd.DataFrame):
        data = design.data if weights is None and offset is None else pd.DataFrame(data)
    w = None if weights is None else _kept(design, data, weights)
    off = None if offset is None else _kept(design, data, offset)
    if design.offset is not None:
        off = design.offset if off is None else off + design.offset
    if design.trials is not None:
        w = design.trials.astype(float) if w is None else w * design.trials
    if w is not None and model.family.name == "gaussian" and (w == 0).any():
        raise DataError("weights of 0 in a linear mixed model: drop those rows instead")
    return w, off
