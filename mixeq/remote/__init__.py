"""Fitting from data mixeq never loads (issue 13): Parquet/CSV paths and globs
through an embedded DuckDB, DuckDB relations, any Ibis table, PySpark DataFrames.

``mixeq.fit("y ~ x + (1 + x | g)", data="big/*.parquet")`` compiles the formula's
columns to engine expressions (compile.py), asks the engine for per-cell
cross-products (aggregate.py), turns them into a few exact pseudo-rows per cell
(pseudo.py) and runs the in-memory fitter on those with the data's n (adapter.py);
crossed factors (about a row per cell) bring back per-level and per-pair sums and
give them to the fitter as they are (products.py).
``source(data, factors=...)`` passes options (which columns are factors, their
levels); ``fit.fitted_query()`` gives fitted values and residuals as a query.
"""
from mixeq.remote.errors import SourceError, UnsupportedTermError
from mixeq.remote.source import Source, is_remote, source


def remote_design(spec, data, family=None, weights=None, offset=None):
    from mixeq.remote.design import build_remote_design

    return build_remote_design(spec, data, family=family, weights=weights, offset=offset)


def fit_remote(model, reml: bool = True, **options):
    from mixeq.remote.adapter import fit_remote as _fit

    return _fit(model, reml=reml, **options)


__all__ = ["Source", "SourceError", "UnsupportedTermError", "fit_remote", "is_remote",
           "remote_design", "source"]
