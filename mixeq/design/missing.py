"""Dropping rows with missing values in the variables a model uses."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from mixeq.errors import DataError, MixeqWarning


@dataclass
class Complete:
    data: pd.DataFrame
    dropped: int
    dropped_index: list
    by_column: dict[str, int]


def complete_rows(data: pd.DataFrame, columns: list[str]) -> Complete:
    """A new frame holding the rows with no missing value in ``columns``.

    Warns with the count (and the columns responsible) when rows are dropped,
    as lme4's ``na.action = na.omit`` does silently — we say it.
    """
    used = data[columns]  # a new frame: the caller's stays untouched
    missing = used.isna().to_numpy()
    bad = missing.any(axis=1)
    dropped = int(bad.sum())
    if not dropped:
        return Complete(used, 0, [], {})
    by_column = {c: int(n) for c, n in zip(columns, missing.sum(axis=0)) if n}
    kept = used.loc[~bad]
    detail = ", ".join(f"{c} ({n})" for c, n in by_column.items())
    warnings.warn(f"dropped {dropped} of {len(data)} rows with missing values in: {detail}",
                  MixeqWarning, stacklevel=4)
    if len(kept) == 0:
        raise DataError(
            f"no complete rows: every row has a missing value in one of {', '.join(columns)}; "
            "fill or drop the missing values, or remove those variables from the formula")
    return Complete(kept, dropped, list(data.index[bad]), by_column)
