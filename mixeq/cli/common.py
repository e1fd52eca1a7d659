"""Helpers shared by the sub-commands: reading data files and factor options."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from mixeq.datasets import apply_factors, labels
from mixeq.errors import DataError


# Exit statuses of every command: 0 done, 1 a bug in mixeq, 2 a user error (main.py),
# 3 `check` read the equations and has remarks (or could not read them) — not a bug.
EXIT_REMARKS = 3


def json_text(obj) -> str:
    """JSON for stdout: non-ASCII characters as they are on a Unicode terminal, else as
    JSON escapes (an ASCII-only stdout cannot show them, and other escapes are not JSON)."""
    import sys

    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return json.dumps(obj, indent=2, ensure_ascii=not encoding.startswith("utf"))


def add_factor_options(parser) -> None:
    """``--factor COL[=l1,l2,…]`` (repeatable) and ``--factors FILE.json``."""
    parser.add_argument(
        "--factor", action="append", default=[], metavar="COL[=L1,L2,…]",
        help="treat column COL of --data as a factor (categorical), with its levels in "
        "sorted order or in the order given; the first level is the reference. Repeatable.")
    parser.add_argument(
        "--factors", metavar="FILE.json",
        help="JSON file mapping columns to their factor levels, {\"col\": [\"l1\", …]} "
        "(or, as in tests/data/factors.json, {dataset: {col: [...]}} keyed by the CSV's name)")


def read_data(path: str, args=None) -> pd.DataFrame:
    """Read a CSV (TSV/Parquet by extension); apply the --factor/--factors options."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"data file '{path}' does not exist")
    try:
        if p.suffix.lower() in (".tsv", ".tab"):
            df = pd.read_csv(p, sep="\t")
        elif p.suffix.lower() == ".parquet":
            df = pd.read_parquet(p)
        else:
            df = pd.read_csv(p)
    except Exception as exc:
        raise DataError(f"cannot read data file '{path}': {exc}") from None
    if df.empty:
        raise DataError(f"data file '{path}' has no rows (columns: "
                        f"{', '.join(map(str, df.columns)) or 'none'}): a header line only?")
    factors = factor_levels(args, df, p.stem) if args is not None else {}
    return apply_factors(df, factors) if factors else df


def data_or_source(path: str, args=None):
    """Parquet files and globs are queried through DuckDB (mixeq.remote), never
    loaded; other files are read as ``read_data`` reads them."""
    if path.lower().endswith((".parquet", ".pq")) or any(ch in path for ch in "*?["):
        from mixeq.remote import source

        given: dict = {}
        if getattr(args, "factors", None):
            given.update(_factors_file(args.factors, Path(path).stem))
        for item in getattr(args, "factor", None) or []:
            col, _, levels = item.partition("=")
            given[col.strip()] = [v.strip() for v in levels.split(",")] if levels else None
        return source(path, factors=given)
    return read_data(path, args)


def factor_levels(args, df: pd.DataFrame, stem: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if getattr(args, "factors", None):
        out.update(_factors_file(args.factors, stem))
    for item in getattr(args, "factor", None) or []:
        col, _, levels = item.partition("=")
        col = col.strip()
        if col not in df.columns:
            raise DataError(f"--factor {col}: no column '{col}' in the data "
                            f"(columns: {', '.join(map(str, df.columns))})")
        if levels:
            given = [v.strip() for v in levels.split(",")]
            repeated = sorted({v for v in given if given.count(v) > 1})
            if repeated or "" in given:
                what = (f"repeats {', '.join(repeated)}" if repeated else "has an empty level")
                raise DataError(f"--factor {item}: the level list {what}; name each level "
                                f"once, e.g. --factor {col}=a,b,c")
            out[col] = given
        else:
            values = df[col].dropna()
            try:
                order = sorted(pd.unique(values))
            except TypeError:
                order = sorted(pd.unique(values), key=str)
            out[col] = list(dict.fromkeys(labels(pd.Series(order))))
    for col, levels in out.items():
        if col in df.columns:
            missing = sorted(set(labels(df[col].dropna())) - set(levels))[:5]
            if missing:
                raise DataError(f"factor levels given for '{col}' leave out values found "
                                f"in the data: {', '.join(missing)}; list every level")
    return out


def _factors_file(path: str, stem: str) -> dict[str, list[str]]:
    try:
        spec = json.loads(Path(path).read_text())
    except Exception as exc:
        raise DataError(f"cannot read --factors file '{path}': {exc}") from None
    if not isinstance(spec, dict):
        raise DataError(f"--factors file '{path}': expected a JSON object "
                        "{\"column\": [\"level\", …]}")
    if spec and all(isinstance(v, dict) for v in spec.values()):
        spec = spec.get(stem, {})
    out = {}
    for k, v in spec.items():
        if not isinstance(v, list) or len({str(x) for x in v}) != len(v):
            raise DataError(f"--factors file '{path}': the levels of '{k}' must be a list "
                            "naming each level once")
        out[str(k)] = [str(x) for x in v]
    return out
