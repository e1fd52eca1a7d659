"""Dropping rows with missing values in the variables a model uses."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mixeq.design.frame import read_column
from mixeq.errors import DataError, MixeqWarning


_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3


def _missing(col: pd.Series) -> np.ndarray | None:
    """Missing values of one column, without pandas' generic (slow) isna; None when
    the column cannot hold any (numpy integers and booleans)."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return col.array.codes < 0   # the Categorical's own codes (.cat.codes makes a Series)
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return None
    values = col.to_numpy()
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "iub":
        return None
    return np.asarray(pd.isna(values), dtype=bool)


def _snapshot(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows as they are now, safe from later changes to ``data``: with pandas'
    copy-on-write a shallow copy is such a snapshot (and costs nothing)."""
    return data.copy(deep=False) if _COPY_ON_WRITE else data[columns].copy()


@dataclass
class Complete:
    """The rows used (``data``) and what was dropped; ``columns``: the used columns of
    ``data`` as read here (name → Series; empty when rows were dropped), for the rest of
    the build to read again without pandas (:func:`mixeq.design.frame.read_column`)."""

    data: pd.DataFrame
    dropped: int
    dropped_index: list
    by_column: dict[str, int]
    columns: dict[str, pd.Series] = field(default_factory=dict)


def complete_rows(data: pd.DataFrame, columns: list[str], read: dict | None = None) -> Complete:
    """A new frame holding the rows with no missing value in ``columns`` (``read``:
    those of ``data`` already read, :func:`mixeq.design.frame.read_column`).

    Warns with the count (and the columns responsible) when rows are dropped,
    as lme4's ``na.action = na.omit`` does silently — we say it.
    """
    bad = np.zeros(len(data), dtype=bool)
    by_column, read = {}, dict(read or {})
    for c in columns:
        read[c] = col = read_column(data, c, read)   # a snapshot too: copy-on-write
        missing = _missing(col)
        n = 0 if missing is None else int(np.count_nonzero(missing))
        if n:
            by_column[c] = n
            bad |= missing
    dropped = int(np.count_nonzero(bad)) if by_column else 0
    if not dropped:
        return Complete(_snapshot(data, columns), 0, [], {}, read if _COPY_ON_WRITE else {})
    used = data[columns]
    kept = used.loc[~bad]
    detail = ", ".join(f"{c} ({n})" for c, n in by_column.items())
    warnings.warn(f"dropped {dropped} of {len(data)} rows with missing values in: {detail}",
                  MixeqWarning, stacklevel=4)
    if len(kept) == 0:
        raise DataError(
            f"no complete rows: every row has a missing value in one of {', '.join(columns)}; "
            "fill or drop the missing values, or remove those variables from the formula")
    return Complete(kept, dropped, list(data.index[bad]), by_column)
