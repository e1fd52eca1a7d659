"""Helpers shared by the sub-commands: reading data files."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from mixeq.errors import DataError


def read_data(path: str) -> pd.DataFrame:
    """Read a CSV (or TSV/Parquet by extension) into a DataFrame."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"data file '{path}' does not exist")
    try:
        if p.suffix.lower() in (".tsv", ".tab"):
            return pd.read_csv(p, sep="\t")
        if p.suffix.lower() == ".parquet":
            return pd.read_parquet(p)
        return pd.read_csv(p)
    except Exception as exc:
        raise DataError(f"cannot read data file '{path}': {exc}") from None
