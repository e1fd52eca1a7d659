"""The level of each predictor: the grouping factor it is constant within."""
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
        codes = _as_numbers(data[name])
        within = tuple(g.name for g in groups.values() if _constant_within(codes, g))
        if not within:
            out[name] = PredictorLevel(name=name, level=1, group=None)
            continue
        top = max(within, key=lambda g: (groups[g].level, -groups[g].nlevels))
        out[name] = PredictorLevel(name=name, level=groups[top].level, group=top,
                                   constant_within=within)
    return out


def is_constant_within(col: pd.Series, group: GroupingFactor) -> bool:
    """The one test of "constant within every cluster of ``group``" (any column kind)."""
    return _constant_within(_as_numbers(col), group)


def _as_numbers(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype):
        return col.to_numpy(dtype=float)
    return factor_codes(col)[0].astype(float)


def _constant_within(values: np.ndarray, group: GroupingFactor) -> bool:
    """Max − min within every level below the tolerance (vectorised over levels)."""
    spread = np.ptp(values) if values.size else 0.0
    hi = np.full(group.nlevels, -np.inf)
    lo = np.full(group.nlevels, np.inf)
    np.maximum.at(hi, group.codes, values)
    np.minimum.at(lo, group.codes, values)
    return bool(np.all(hi - lo <= REL_TOL * max(spread, 1e-300)))
