"""Run one query many times with new small tables: a GLMM fitted by passes
(passes.py) sends the same query at every PIRLS step, only the values of β and of
the modes change. Compiling an Ibis expression to SQL costs more than running it
on thousands of rows, so the expression is built once over *named* tables, its
SQL written once, and each pass only replaces the named tables' contents:

- DuckDB (paths, Ibis DuckDB tables): pandas frames registered in the source's
  connection (``register``), the SQL run there;
- a DuckDB relation: the frames written as Parquet at fixed paths that the SQL reads;
- Spark: the frames as temporary views of the source's SparkSession, ``spark.sql``;
- any other Ibis backend: the expression executed with in-memory tables each time.
"""
from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import weakref

import ibis
import pandas as pd

from mixeq.remote.source import SOURCE_NAME

_ids = itertools.count()


class Runner:
    """``run(frames)``: the result of ``build(tables)`` with ``tables`` holding ``frames``
    (their names and column types are fixed by the first frames given)."""

    def __init__(self, src, build, frames: list[pd.DataFrame]):
        self.src, self.build = src, build
        tag = next(_ids)
        self.names = [f"mixeq_p{tag}_{i}" for i in range(len(frames))]
        schemas = [ibis.memtable(f).schema() for f in frames]
        self.kind = self._kind()
        self.folder = None
        if self.kind == "ibis":
            return
        tables = [ibis.table(s, name=n) for s, n in zip(schemas, self.names)]
        dialect = "pyspark" if self.kind == "spark" else "duckdb"
        sql = str(ibis.to_sql(build(tables), dialect=dialect))
        if self.kind == "relation":
            self.folder = tempfile.mkdtemp(prefix="mixeq_passes_")
            self.paths = [os.path.join(self.folder, f"{n}.parquet") for n in self.names]
            for n, p in zip(self.names, self.paths):
                sql = sql.replace(f'"{n}"', f"read_parquet('{p}')")
        self.sql = sql

    def _kind(self) -> str:
        src = self.src
        if src.kind == "duckdb-relation":
            return "relation"
        if src.kind == "spark":
            self.backend = src.table.get_backend()
            return "spark"
        try:
            backend = src.table.get_backend()
        except Exception:  # an unbound table: nothing to register into
            return "ibis"
        self.backend = backend
        return "duckdb" if backend.name == "duckdb" else "ibis"

    def run(self, frames: list[pd.DataFrame]) -> pd.DataFrame:
        if self.kind == "ibis":
            return self.src.execute(self.build([ibis.memtable(f) for f in frames]))
        try:
            if self.kind == "duckdb":
                con = self.backend.con
                for n, f in zip(self.names, frames):
                    con.register(n, f)
                with _without_partial_pushdown(con):
                    return con.execute(self.sql).df()
            if self.kind == "relation":
                for p, f in zip(self.paths, frames):
                    f.to_parquet(p, index=False)
                return self.src.data.query(SOURCE_NAME, self.sql).df()
            session = self.backend._session
            for n, f in zip(self.names, frames):
                session.createDataFrame(f).createOrReplaceTempView(n)
            return session.sql(self.sql).toPandas()
        except Exception as exc:
            from mixeq.remote.errors import SourceError

            raise SourceError(f"a PIRLS step's query on {self.src.description} failed: "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0][:400]}") from exc

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __del__(self):
        self.close()


class _without_partial_pushdown:
    """DuckDB ≥ 1.4's ``partial_aggregate_pushdown`` spends ~60 ms planning a pass's
    query (its many sums above joins with the small tables), 5× running it on
    thousands of rows: it is switched off for the query, the setting then restored."""

    def __init__(self, con):
        self.con, self.old = con, None

    def __enter__(self):
        try:
            self.old = self.con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
            off = ",".join(x for x in [self.old, "partial_aggregate_pushdown"] if x)
            self.con.execute(f"SET disabled_optimizers = '{off}'")
        except Exception:   # an older DuckDB without it
            self.old = None

    def __exit__(self, *exc):
        if self.old is not None:
            self.con.execute(f"SET disabled_optimizers = '{self.old}'")
        return False


STAGE_ROWS = 50_000_000   # above this many rows a fit by passes reads the source each time


def stage(src, build, frames: list[pd.DataFrame], rows: int, owner=None):
    """Materialise ``build(tables)`` once in the engine as a temporary table (DuckDB:
    ``CREATE TEMP TABLE``; Spark: a cached temporary view) and return it as a named
    Ibis table, or None where that is not done (other backends, a DuckDB relation,
    more than ``STAGE_ROWS`` rows): the passes then evaluate ``build`` every time.
    The table (or view and its cache) is dropped when ``owner`` — the fit's pass
    engine — is released, so that a session's staged rows do not outlive its fits."""
    runner = Runner(src, build, frames)
    if runner.kind not in ("duckdb", "spark") or rows > STAGE_ROWS:
        return None
    name = f"mixeq_stage_{next(_ids)}"
    try:
        if runner.kind == "duckdb":
            con = runner.backend.con
            for n, f in zip(runner.names, frames):
                con.register(n, f)
            con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {runner.sql}')
            release = (_drop_duckdb, con, name)
        else:
            session = runner.backend._session
            for n, f in zip(runner.names, frames):
                session.createDataFrame(f).createOrReplaceTempView(n)
            df = session.sql(runner.sql).cache()
            df.count()
            df.createOrReplaceTempView(name)
            release = (_drop_spark, session, name, df)
    except Exception:   # the engine would not stage: evaluate the rows each pass instead
        return None
    if owner is not None:
        weakref.finalize(owner, *release)
    schema = build([ibis.table(ibis.memtable(f).schema(), name=n)
                    for f, n in zip(frames, runner.names)]).schema()
    return ibis.table(schema, name=name)


def _drop_duckdb(con, name: str) -> None:
    try:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
    except Exception:   # the connection is already closed: its temp tables went with it
        pass


def _drop_spark(session, name: str, df) -> None:
    try:
        session.catalog.dropTempView(name)
        df.unpersist()
    except Exception:   # the session is already stopped
        pass
