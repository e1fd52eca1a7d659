"""Bundled example data sets, with R's factor levels restored."""
from __future__ import annotations

import json
from importlib import resources

import pandas as pd

# Categorical columns and their levels in R's order, for the bundled examples
# (from lme4's data sets; seedlike is a simulated textbook-shaped data set).
_FACTORS = {
    "sleepstudy": {"Subject": ["308", "309", "310", "330", "331", "332", "333", "334", "335",
                               "337", "349", "350", "351", "352", "369", "370", "371", "372"]},
    "seedlike": {"school": [f"s{i:03d}" for i in range(1, 61)]},
}


def example_path(name: str) -> str:
    return str(resources.files("mixeq") / "examples" / f"{name}.csv")


def load_example(name: str) -> pd.DataFrame:
    """``load_example("sleepstudy")`` or ``load_example("seedlike")``."""
    if name not in _FACTORS:
        raise ValueError(f"no bundled example {name!r}; choose one of {sorted(_FACTORS)}")
    df = pd.read_csv(example_path(name))
    return apply_factors(df, _FACTORS[name])


def apply_factors(df: pd.DataFrame, factors: dict[str, list[str]]) -> pd.DataFrame:
    """A copy of ``df`` with the named columns made categorical with the given levels."""
    out = df.copy()
    for col, levels in factors.items():
        if col in out.columns:
            out[col] = pd.Categorical(labels(out[col]), categories=levels)
    return out


def labels(col: pd.Series) -> pd.Series:
    """Values as text; whole floats (integers read next to missing values) lose '.0'."""
    if pd.api.types.is_float_dtype(col):
        whole = col.dropna().eq(col.dropna().round()).all()
        if whole:
            return col.map(lambda v: v if pd.isna(v) else str(int(v)))
    return col.map(lambda v: v if pd.isna(v) else str(v))


def read_factors(path: str) -> dict[str, dict[str, list[str]]]:
    with open(path) as fh:
        return json.load(fh)
