"""The level of each predictor: the grouping factor it is constant within.

This module holds the ONE definition of "constant within a cluster"
(:func:`constant_within`) and of a cluster's rows (:func:`cluster_rows`); the
design, the equations' proof and the equation reader all call these."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.design.grouping import factor_codes
from mixeq.design.types import GroupingFactor, PredictorLevel

REL_TOL = 1e-8  # constant within a cluster: spread below this share of the overall spread


def predictor_levels(names: list[str], data: pd.DataFrame,
                     groups: dict[str, GroupingFactor]) -> dict[str, PredictorLevel]:
    """For every predictor, the grouping factors it is constant within and the
    highest of them (the one highest in the nesting, then with fewest levels)."""
    out = {}
    for name in names:
        codes = as_numbers(data[name])
        within = tuple(g.name for g in groups.values()
                       if constant_within(codes, g.codes, g.nlevels))
        out[name] = predictor_level(name, within, groups)
    return out


def predictor_level(name: str, within: tuple[str, ...],
                    groups: dict[str, GroupingFactor]) -> PredictorLevel:
    """The level of a predictor constant within the factors ``within``: level 1 when
    none, else the highest of them in the nesting (then the one with fewest levels).
    The one definition, for data in memory and in an engine (mixeq/remote/levels.py)."""
    if not within:
        return PredictorLevel(name=name, level=1, group=None)
    top = max(within, key=lambda g: (groups[g].level, -groups[g].nlevels))
    return PredictorLevel(name=name, level=groups[top].level, group=top,
                          constant_within=tuple(within))


def is_constant_within(col: pd.Series, group: GroupingFactor) -> bool:
    """The one test of "constant within every cluster of ``group``" (any column kind)."""
    return constant_within(as_numbers(col), group.codes, group.nlevels)


def as_numbers(col: pd.Series) -> np.ndarray:
    """A column as numbers: numeric values, or a factor's codes (equal labels, equal codes)."""
    if pd.api.types.is_numeric_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype):
        return col.to_numpy(dtype=float)
    return factor_codes(col)[0].astype(float)


def constant_within(values: np.ndarray, codes: np.ndarray, nlevels: int | None = None) -> bool:
    """True when max − min within every cluster (``codes``, 0 … nlevels-1; negative codes
    are rows outside every cluster) is at most ``REL_TOL`` times the spread of
    ``values`` over all rows: rounding noise is constant, any real variation is not.
    Vectorised over clusters."""
    values = np.asarray(values, dtype=float)
    codes = np.asarray(codes)
    keep = codes >= 0
    values, codes = values[keep], codes[keep]
    if values.size == 0:
        return True
    nlevels = int(codes.max()) + 1 if nlevels is None else nlevels
    hi = np.full(nlevels, -np.inf)
    lo = np.full(nlevels, np.inf)
    np.maximum.at(hi, codes, values)
    np.minimum.at(lo, codes, values)
    used = np.isfinite(hi)
    return within_tolerance(float(np.max(hi[used] - lo[used])), float(np.ptp(values)))


def within_tolerance(largest_within: float, spread: float) -> bool:
    """The tolerance of "constant within": the largest max − min within a cluster is at
    most ``REL_TOL`` of the spread over all rows (for codes of text, where any
    difference counts: spread 0). An engine computes both spreads by aggregate queries
    (mixeq/remote/levels.py) and decides here."""
    return bool(largest_within <= REL_TOL * max(spread, 1e-300))


def cluster_rows(codes: np.ndarray, code: int) -> np.ndarray:
    """The rows of one cluster, in data order (the order of ``m.X`` and ``m.Z``)."""
    return np.flatnonzero(np.asarray(codes) == code)
