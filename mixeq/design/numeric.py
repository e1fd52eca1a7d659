"""A fast path for model matrices whose terms are numeric columns and their products.

formulaic is the general path (factors, transforms, contrasts); for the common
case of plain numeric columns (``1 + x + m + x:m``) the matrix is a few numpy
products, which keeps building a small model in well under a millisecond.
``NumericSpec`` answers ``get_model_matrix`` as formulaic's model spec does, so
predictions on new data work the same way on either path.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mixeq.design.frame import read_column

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


class NumericSpec:
    """Columns ``Intercept`` (if any) and one product of numeric columns per term."""

    def __init__(self, intercept: bool, terms: tuple[tuple[str, ...], ...]):
        self.intercept = intercept
        self.terms = terms

    @property
    def column_names(self) -> list[str]:
        return (["Intercept"] if self.intercept else []) + [":".join(t) for t in self.terms]

    def get_model_matrix(self, data: pd.DataFrame, **_ignored) -> pd.DataFrame:
        return pd.DataFrame(self.values(data), index=data.index, columns=self.column_names)

    def values(self, data: pd.DataFrame, columns: dict[str, pd.Series] | None = None) -> np.ndarray:
        """The matrix on ``data``; ``columns``: its columns already read (name → Series)."""
        n = len(data)
        column = (lambda name: data[name]) if columns is None else columns.__getitem__
        cols = [np.ones(n)] if self.intercept else []
        for term in self.terms:
            col = column(term[0]).to_numpy(dtype=float)
            for name in term[1:]:
                col = col * column(name).to_numpy(dtype=float)
            cols.append(col)
        return np.column_stack(cols) if cols else np.empty((n, 0))


def numeric_spec(intercept: bool, terms: tuple[str, ...], data: pd.DataFrame,
                 read: dict | None = None) -> tuple[NumericSpec, dict[str, pd.Series]] | None:
    """A NumericSpec when every term is a product of distinct numeric columns, with
    the columns read to tell (for :meth:`NumericSpec.values`: each read once; ``read``:
    columns of ``data`` already read, :func:`mixeq.design.frame.read_column`)."""
    split, columns = [], {}
    for term in terms:
        parts = tuple(term.split(":"))
        if len(set(parts)) != len(parts):
            return None
        for name in parts:
            if name in columns:
                continue
            if not _NAME.match(name) or name not in data.columns:
                return None
            col = read_column(data, name, read)
            if not _plain_number(col):
                return None
            columns[name] = col
        split.append(parts)
    return NumericSpec(intercept, tuple(split)), columns


def _plain_number(col: pd.Series) -> bool:
    dtype = col.dtype
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype))
