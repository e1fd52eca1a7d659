"""Data sources that mixeq queries instead of loading: file paths and globs
(Parquet, CSV, TSV) opened by an embedded DuckDB, DuckDB relations and tables,
any Ibis table, and PySpark DataFrames.

Every source is seen as one Ibis table plus a way to run an Ibis expression and
bring back its (small) result as a pandas DataFrame. Ibis writes the SQL of each
engine, so the aggregates of ``aggregate.py`` are written once:

- paths: ``ibis.duckdb.connect().read_parquet(glob)`` (or ``read_csv``);
- an Ibis table: as it is (DuckDB, Spark, Postgres, BigQuery … backends);
- a DuckDB relation (``con.table("visits")``, ``con.sql(...)``): an unbound Ibis
  table with the relation's schema, compiled to DuckDB SQL and run by
  ``relation.query("mixeq_source", sql)`` in the relation's own connection;
- a PySpark DataFrame: registered as a temporary view and opened through Ibis's
  PySpark backend on the DataFrame's own SparkSession.
"""
from __future__ import annotations

import glob as globmod
import itertools
import warnings
from dataclasses import dataclass, field

import pandas as pd

from mixeq.remote.errors import SourceError

SOURCE_NAME = "mixeq_source"
FILE_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv", ".txt")
_views = itertools.count()
BATCH_ROWS = 1_000_000     # rows per Arrow batch of a long result


@dataclass
class Source:
    """A table that mixeq queries; build one with :func:`source` to pass options.

    ``factors``: column → list of levels (``None``: its sorted distinct values),
    to make a numeric column a factor or to choose the levels' order and the
    reference level (the first), like the CLI's ``--factor COL=l1,l2``.
    """

    data: object
    factors: dict = field(default_factory=dict)
    table: object = None            # ibis Table (bound, or unbound for relations)
    kind: str = ""                  # "duckdb-path", "ibis", "duckdb-relation", "spark"
    description: str = ""

    def execute(self, expr) -> pd.DataFrame:
        """Run an Ibis expression in the engine; only its result comes back."""
        try:
            with warnings.catch_warnings():   # pandas 3's notice about an option Ibis reads
                warnings.filterwarnings("ignore", message=".*future.infer_string.*")
                return self._execute(expr)
        except Exception as exc:  # the engine's own error, with what was being done
            if isinstance(exc, SourceError):
                raise
            raise SourceError(f"the query on {self.description} failed: "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0][:400]}") from exc

    def to_pandas(self) -> pd.DataFrame:
        """Every row of the source as a pandas DataFrame, the columns named in ``factors``
        made categorical with the levels a remote fit gives them (the given ones, else
        the values sorted as mixeq sorts them): the same model fits in memory, where
        profiles, simulations and the bootstrap apply (mixeq/remote/refusal.py)."""
        from mixeq.datasets import apply_factors
        from mixeq.design.grouping import factor_codes

        src = source(self)
        frame = (src.data.df() if src.kind == "duckdb-relation" else src.execute(src.table))
        given = {c: [str(v) for v in lv] for c, lv in src.factors.items() if lv}
        frame = apply_factors(frame, given)
        for col in src.factors:
            if col not in given and col in frame.columns:
                codes, levels = factor_codes(frame[col])
                frame[col] = pd.Categorical.from_codes(codes, categories=levels)
        return frame

    def batches(self, expr, rows: int = BATCH_ROWS):
        """Run an Ibis expression and yield its result as Arrow record batches of about
        ``rows`` rows: a result as long as the data (a crossed model's level codes,
        remote/products.py) is read a batch at a time into arrays made for it, never
        held whole or as pandas."""
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*future.infer_string.*")
                yield from self._batches(expr, rows)
        except Exception as exc:
            if isinstance(exc, SourceError):
                raise
            raise SourceError(f"the query on {self.description} failed: "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0][:400]}") from exc

    def _batches(self, expr, rows: int):
        import ibis

        if self.kind == "duckdb-relation":
            yield from _reader(self.data.query(SOURCE_NAME, str(ibis.to_sql(expr, dialect="duckdb"))),
                               rows)
            return
        backend = expr._find_backend()
        if getattr(backend, "name", "") == "duckdb":   # DuckDB's own reader (Ibis's needs an
            sql = str(ibis.to_sql(expr, dialect="duckdb"))   # API DuckDB 2 renamed)
            yield from _reader(backend.con.sql(sql), rows)
            return
        yield from expr.to_pyarrow_batches(chunk_size=rows)

    def _execute(self, expr) -> pd.DataFrame:
        if self.kind == "duckdb-relation":
            import ibis

            sql = ibis.to_sql(expr, dialect="duckdb")
            return self.data.query(SOURCE_NAME, str(sql)).df()
        return expr.to_pandas()


def _reader(relation, rows: int):
    """Record batches of a DuckDB relation (``to_arrow_reader`` in DuckDB 2, earlier
    ``fetch_arrow_reader``)."""
    read = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    yield from read(rows)


def is_remote(data) -> bool:
    """True for what mixeq fits without loading: a path or glob of Parquet/CSV files,
    a :class:`Source`, an Ibis table, a DuckDB relation or a PySpark DataFrame."""
    if isinstance(data, Source):
        return True
    if isinstance(data, str):
        return data.lower().endswith(FILE_SUFFIXES) or any(ch in data for ch in "*?[")
    mod = type(data).__module__ or ""
    return mod.startswith(("ibis.", "duckdb", "pyspark.sql"))


def source(data, factors: dict | None = None) -> Source:
    """Open ``data`` (see the module) as a :class:`Source`."""
    if isinstance(data, Source):
        if data.table is None:
            return source(data.data, factors=data.factors)
        return data
    src = Source(data, dict(factors or {}))
    mod = type(data).__module__ or ""
    if isinstance(data, str):
        _open_path(src, data)
    elif mod.startswith("ibis."):
        import ibis.expr.types as ir

        if not isinstance(data, ir.Table):
            raise SourceError(f"an Ibis {type(data).__name__} is not a table; pass a table expression")
        src.table, src.kind, src.description = data, "ibis", "the Ibis table"
    elif mod.startswith("duckdb"):
        _open_relation(src, data)
    elif mod.startswith("pyspark.sql"):
        _open_spark(src, data)
    else:
        raise SourceError(f"cannot query a {type(data).__name__}: pass a Parquet/CSV path or "
                          "glob, a DuckDB relation, an Ibis table or a PySpark DataFrame")
    return src


def _open_path(src: Source, path: str) -> None:
    import ibis

    if not globmod.glob(path):
        raise SourceError(f"no file matches '{path}'; check the path (globs such as "
                          "'data/*.parquet' are allowed)")
    con = ibis.duckdb.connect()
    con.raw_sql("SET enable_progress_bar = false")   # DuckDB's bar would write to the terminal
    # DuckDB's allocator keeps what a query freed (~350 MB after the crossed benchmark's
    # queries) unless told to flush it: the fit that follows needs that memory
    con.raw_sql("SET allocator_flush_threshold = '0MB'")
    con.raw_sql("SET allocator_bulk_deallocation_flush_threshold = '0MB'")
    low = path.lower()
    try:
        if low.endswith((".parquet", ".pq")) or not low.endswith((".csv", ".tsv", ".txt")):
            src.table = con.read_parquet(path)
        else:
            kwargs = {"delim": "\t"} if low.endswith(".tsv") else {}
            src.table = con.read_csv(path, **kwargs)
    except Exception as exc:
        raise SourceError(f"DuckDB cannot read '{path}': {str(exc).splitlines()[0][:300]}") from None
    src.kind, src.description = "duckdb-path", f"'{path}' (DuckDB)"


def _open_relation(src: Source, rel) -> None:
    import ibis

    if not hasattr(rel, "query"):
        raise SourceError(f"a DuckDB {type(rel).__name__} is not a relation; pass "
                          "con.table(name) or con.sql(query)")
    schema = rel.limit(0).to_arrow_table().schema
    src.table = ibis.table(ibis.Schema.from_pyarrow(schema), name=SOURCE_NAME)
    src.kind, src.description = "duckdb-relation", "the DuckDB relation"


def _open_spark(src: Source, df) -> None:
    import ibis

    if not hasattr(df, "createOrReplaceTempView"):
        raise SourceError(f"a PySpark {type(df).__name__} is not a DataFrame")
    name = f"mixeq_view_{next(_views)}"
    df.createOrReplaceTempView(name)
    con = ibis.pyspark.connect(df.sparkSession)
    src.table, src.kind, src.description = con.table(name), "spark", "the Spark DataFrame"
