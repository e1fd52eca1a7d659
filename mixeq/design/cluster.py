"""One cluster's matrices: y_j, X_j and Z_j."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.errors import DataError


def extract_cluster(model, level, group: str | None = None):
    """Rows of one level of a grouping factor, with the Z columns that belong to it.

    Z_j holds the columns of every term whose grouping factor is ``group`` or nested
    within it, for the levels that occur in the cluster. A crossed factor makes
    Z_j meaningless (its columns are shared across clusters): then the error says
    to use the stacked form ``y = Xβ + Zb + ε``.
    """
    from mixeq.model import Cluster

    groups = model.groups
    if not groups:
        raise DataError("the model has no random effects, so it has no clusters; "
                        "X and y are the whole model")
    if group is None:
        top = [g for g in groups.values() if not g.nested_in]
        if len(top) != 1:
            raise DataError(
                "the model has several grouping factors that are not nested "
                f"({', '.join(g.name for g in top)}): name one with group=...")
        group = top[0].name
    if group not in groups:
        raise DataError(f"no grouping factor '{group}'; the model has {', '.join(groups)}")
    gf = groups[group]
    label = str(level)
    if label not in gf.levels:
        shown = ", ".join(gf.levels[:8]) + (" …" if gf.nlevels > 8 else "")
        raise DataError(f"'{label}' is not a level of '{group}' (levels: {shown})")
    crossed = [g for g in groups if g != group and group not in groups[g].nested_in
               and g not in gf.nested_in]
    if crossed:
        raise DataError(
            f"'{group}' is crossed with {', '.join(crossed)}: a cluster of '{group}' shares "
            "random effects with other clusters, so Y_j = X_j β + Z_j b_j does not separate; "
            "use the stacked form y = Xβ + Zb + ε (form='stacked')")
    rows = np.flatnonzero(gf.codes == gf.levels.index(label))
    return Cluster(group=group, level=label, rows=rows, y=model.y.iloc[rows],
                   X=model.X.iloc[rows], Z=_cluster_z(model, rows))


def _cluster_z(model, rows: np.ndarray) -> pd.DataFrame:
    blocks, names = [], []
    for term in model.terms:
        used = np.unique(term.codes[rows])
        for code in used:
            mask = (term.codes[rows] == code)[:, None]
            blocks.append(term.matrix[rows] * mask)
            names += [_z_name(term, term.levels[code], col) for col in term.columns]
    data = np.hstack(blocks) if blocks else np.empty((len(rows), 0))
    return pd.DataFrame(data, index=model.y.index[rows], columns=names)


def _z_name(term, level: str, column: str) -> str:
    return f"{term.group}[{level}]:{column}" if column != "(Intercept)" else f"{term.group}[{level}]"
