"""Large data sets for the remote-fit benchmark, generated inside DuckDB and written
as Parquet (issue 13). Deterministic: every random number is a hash of the row
number (or level) and a fixed salt, so the files are the same on every run and
with any number of threads.

- ``slopes100m``: 100,000,000 rows, ``y ~ x + (1 + x | g)``, 1,000,000 groups of 100
  rows; x ~ N(0, 1); y = 300 + 10 x + b0_g + b1_g x + ε with b0 ~ N(0, 24²),
  b1 ~ N(0, 6²), corr(b0, b1) = 0.07, ε ~ N(0, 25²) (sleepstudy's estimates).
- ``crossed20m``: 20,000,000 rows, ``y ~ x + (1 | a) + (1 | b)``, a uniform over
  100,000 levels and b over 2,000 levels; y = 5 + 0.5 x + u_a + v_b + ε with
  u ~ N(0, 1), v ~ N(0, 0.5²), ε ~ N(0, 1).
- ``slopes10m``: the first 10,000,000 rows of ``slopes100m`` (100,000 groups), for
  the in-memory engines.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DIR = Path(os.environ.get("MIXEQ_BENCH_DATA", "/tmp/mixeq_bench"))
SALT = 20261201

FILES = {"slopes100m": "slopes100m.parquet", "crossed20m": "crossed20m.parquet",
         "slopes10m": "slopes10m.parquet"}


def _u(expr: str, k: int) -> str:
    """A uniform (0, 1) number from the hash of ``expr`` and stream ``k``."""
    return (f"((hash(({expr})::BIGINT * 64 + {k} + {SALT}::BIGINT * 4294967296) % 4503599627370496)"
            "::DOUBLE + 0.5) / 4503599627370496.0")


def _normal(expr: str, k: int) -> str:
    """A standard normal number (Box–Muller on two hashed uniforms)."""
    return f"(sqrt(-2.0 * ln({_u(expr, k)})) * cos(2.0 * pi() * {_u(expr, k + 1)}))"


def slopes_sql(rows: int, per_group: int = 100) -> str:
    b0 = f"24.0 * {_normal('g', 10)}"
    z = _normal("g", 12)
    b1 = f"6.0 * (0.07 * {_normal('g', 10)} + sqrt(1 - 0.07 * 0.07) * {z})"
    return f"""
        SELECT (i // {per_group})::INTEGER AS g, x,
               300.0 + 10.0 * x + {b0} + ({b1}) * x + 25.0 * {_normal('i', 20)} AS y
        FROM (SELECT i, i // {per_group} AS g, {_normal('i', 0)} AS x FROM range({rows}) t(i))"""


def crossed_sql(rows: int, na: int = 100_000, nb: int = 2_000) -> str:
    return f"""
        SELECT a, b, x, 5.0 + 0.5 * x + {_normal('a', 40)} + 0.5 * {_normal('b', 42)}
                        + {_normal('i', 44)} AS y
        FROM (SELECT i, floor({_u('i', 30)} * {na})::INTEGER AS a,
                     floor({_u('i', 31)} * {nb})::INTEGER AS b, {_normal('i', 32)} AS x
              FROM range({rows}) t(i))"""


def generate(folder: Path = DEFAULT_DIR, which=("slopes100m", "crossed20m", "slopes10m"),
             threads: int = 2) -> dict[str, Path]:
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    out = {}
    for name in which:
        path = folder / FILES[name]
        if not path.exists():
            sql = {"slopes100m": lambda: slopes_sql(100_000_000),
                   "slopes10m": lambda: slopes_sql(10_000_000),
                   "crossed20m": lambda: crossed_sql(20_000_000)}[name]()
            tmp = path.with_suffix(".tmp.parquet")
            con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
            tmp.rename(path)
        out[name] = path
    return out
