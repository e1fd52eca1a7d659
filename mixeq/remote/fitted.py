"""Fitted values and residuals of a remote fit, as a query the engine evaluates.

fitted = Xβ̂ + offset + Σ_terms Σ_columns m_j · b̂_j[level]: the fixed part is an
expression of the row; each term's conditional modes (levels × k, small) are sent
to the engine as a table and joined on the grouping variables (a left join: every
complete row has its level). Nothing is computed until the query is run, and only
what the caller asks for comes back.
"""
from __future__ import annotations

import os
import tempfile

import ibis
import pandas as pd

from mixeq.remote.source import SOURCE_NAME


def _base(fit, t=None, x_exprs=None, offset_expr=None, term_exprs=None, keys=None,
          extra=None):
    """The rows with their keys, the fixed part of η (``_fx``) and each term's
    columns (``_t{i}_{j}``); by default the source's complete rows and the fit's
    compiled expressions (predict.py passes those compiled on new data)."""
    design = fit.model.design
    if t is None:
        t = design.source.table.filter(design.complete)
        x_exprs, offset_expr, term_exprs = design.x_exprs, design.offset_expr, design.term_exprs
        names = list(dict.fromkeys(c for term in fit.model.terms for c in term.group.split(":")))
        keys = {c: t[c] for c in names}
        extra = {"_y": design.y_expr}
        if getattr(design, "family", None) is not None:   # a GLMM: prior weights of the rows
            from mixeq.remote.glmm import _product

            wt = _product(design.trials_expr, design.weight_expr)
            extra["_wt"] = ibis.literal(1.0, type="float64") if wt is None else wt
    fx = ibis.literal(0.0, type="float64")
    for (name, expr), beta in zip(x_exprs.items(), fit.fixef.to_numpy()):
        fx = fx + (float(beta) if expr is None else expr * float(beta))
    if offset_expr is not None:
        fx = fx + offset_expr
    cols = {**(extra or {}), "_fx": fx}
    for i, exprs in enumerate(term_exprs):
        for j, e in enumerate(exprs):
            cols[f"_t{i}_{j}"] = ibis.literal(1.0, type="float64") if e is None else e
    return t.select(**keys, **cols), list(keys)


def _modes(fit, i: int, term, as_labels: bool = False) -> pd.DataFrame:
    """Term i's modes keyed by the engine values of its grouping variables (or by
    their labels, for new data whose types may differ)."""
    g = fit.model.design.groups[term.group]
    frame = g.level_keys.reset_index(drop=True).copy()
    if as_labels:
        from mixeq.datasets import labels

        frame = frame.apply(lambda col: pd.Series(labels(col), index=col.index).astype(str))
    frame.columns = [f"_k{i}_{c}" for c in range(frame.shape[1])]
    b = fit._b[i]
    for j in range(b.shape[1]):
        frame[f"_b{i}_{j}"] = b[:, j]
    return frame


def _assemble(base, keys, tables, fit):
    """The rows joined with each term's modes (left joins: a level without a mode
    gets none); returns the table and η (the LMM's fitted values)."""
    t = base
    for i, (term, m) in enumerate(zip(fit.model.terms, tables)):
        cols = term.group.split(":")
        preds = [t[c] == m[f"_k{i}_{k}"] for k, c in enumerate(cols)]
        t = t.left_join(m, preds).select(
            *[t[c] for c in t.columns], *[m[f"_b{i}_{j}"] for j in range(term.ncols)])
    eta = t["_fx"]
    for i, term in enumerate(fit.model.terms):
        for j in range(term.ncols):
            eta = eta + t[f"_t{i}_{j}"] * t[f"_b{i}_{j}"].fill_null(0.0)
    return t, eta


def _query(fit, finish):
    """The source's complete rows with η, finished by ``finish(t, eta, keys)``: an Ibis
    expression, or for a DuckDB relation a relation of its own connection."""
    design = fit.model.design
    base, keys = _base(fit)
    modes = [_modes(fit, i, term) for i, term in enumerate(fit.model.terms)]

    def build(tables):
        t, eta = _assemble(base, keys, tables, fit)
        return finish(t, eta, keys)
    if design.source.kind != "duckdb-relation":
        return build([ibis.memtable(m) for m in modes])
    sql = _relation_sql(modes, build, tempfile.mkdtemp(prefix="mixeq_modes_"))
    return design.source.data.query(SOURCE_NAME, sql)


def _relation_sql(frames, build, folder: str) -> str:
    """DuckDB SQL of ``build(tables)`` for a relation source: the small frames are
    written to Parquet in ``folder`` and read there (a relation's connection cannot
    see Ibis's in-memory tables)."""
    names = [f"mixeq_frame_{i}" for i in range(len(frames))]
    tables = [ibis.table(ibis.memtable(m).schema(), name=n) for m, n in zip(frames, names)]
    sql = str(ibis.to_sql(build(tables), dialect="duckdb"))
    for m, n in zip(frames, names):
        path = os.path.join(folder, f"{n}.parquet")
        m.to_parquet(path, index=False)
        sql = sql.replace(f'"{n}"', f"read_parquet('{path}')")
    return sql


def run_with_frames(src, frames: list, build) -> pd.DataFrame:
    """Run ``build(tables)`` — an Ibis expression over the source and the small pandas
    ``frames`` sent to the engine as tables — and bring back its result."""
    if src.kind != "duckdb-relation":
        return src.execute(build([ibis.memtable(m) for m in frames]))
    with tempfile.TemporaryDirectory(prefix="mixeq_frames_") as folder:
        return src.data.query(SOURCE_NAME, _relation_sql(frames, build, folder)).df()


def fitted_query(fit):
    return _query(fit, lambda t, eta, keys: t.select(*keys, y=t["_y"], fitted=eta,
                                                     residual=t["_y"] - eta))


def linkinv_expr(link: str, eta):
    """μ = g⁻¹(η) in the engine, for the links every engine writes with exp()."""
    if link == "logit":
        return 1.0 / (1.0 + (-eta).exp())
    if link == "log":
        return eta.exp()
    if link == "cloglog":
        return 1.0 - (-(eta.exp())).exp()
    if link == "identity":
        return eta
    if link == "probit":
        from mixeq.remote.probit import ndtr

        return ndtr(eta)
    return None


def glmm_fitted_query(fit):
    def finish(t, eta, keys):
        cols = {"y": t["_y"], "eta": eta}
        mu = linkinv_expr(fit.family.link.name, eta)
        if mu is not None:
            cols["fitted"] = mu
        return t.select(*keys, **cols)
    return _query(fit, finish)


def glmm_pearson_quantiles(fit, probs) -> list[float]:
    """Quantiles of (y − μ)√wt/√V(μ) over the rows, computed by the engine."""
    from mixeq.remote import links

    fam = fit.family

    def finish(t, eta, keys):
        mu = links.linkinv(fam.link.name, eta)
        return t.select(r=(t["_y"] - mu) * t["_wt"].sqrt() / links.variance(fam.name, mu).sqrt())
    return _quantiles(fit.model.design.source, _query(fit, finish), "r", probs)


# engines whose Ibis quantile is exact, by linear interpolation (R's type 7): DuckDB's
# quantile_cont, Spark's percentile (Ibis compiles ``quantile`` to it), the SQL standard's
# percentile_cont of PostgreSQL, Snowflake, Oracle, Exasol and RisingWave. Elsewhere Ibis's
# quantile is approximate (ClickHouse's sampled ``quantile``) or not defined (Trino,
# BigQuery): there ``approx_quantile`` is asked for, and the summary says so.
EXACT_QUANTILES = {"duckdb", "pyspark", "postgres", "snowflake", "oracle", "exasol",
                   "risingwave"}


def engine_name(src) -> str:
    """The Ibis backend's name of a source ("duckdb" for paths and DuckDB relations)."""
    if src.kind in ("duckdb-path", "duckdb-relation"):
        return "duckdb"
    try:
        return src.table.get_backend().name
    except Exception:   # an unbound table
        return "ibis"


def quantile_note(src) -> str | None:
    """The line a summary prints under quantiles computed in ``src``'s engine: None
    where they are exact (``EXACT_QUANTILES``), else that they are approximate."""
    name = engine_name(src)
    if name in EXACT_QUANTILES:
        return None
    return (f"(quantiles approximate: the {name} engine's approx_quantile, not the rows' "
            "exact quantiles)")


def _quantiles(src, q, col: str, probs) -> list[float]:
    """Quantiles of column ``col`` of the query ``q``, computed by the engine: exact (R's
    type 7; DuckDB's ``quantile_cont`` for a relation) where ``quantile_note`` is None,
    else the engine's approximate quantile."""
    names = [f"q{i}" for i in range(len(probs))]
    if src.kind == "duckdb-relation":
        sel = ", ".join(f"quantile_cont({col}, {float(p)}) AS {n}" for p, n in zip(probs, names))
        row = q.query("mixeq_q", f"SELECT {sel} FROM mixeq_q").df().iloc[0]
    else:
        how = "quantile" if quantile_note(src) is None else "approx_quantile"
        row = src.execute(q.aggregate(**{n: getattr(q[col], how)(float(p))
                                          for p, n in zip(probs, names)})).iloc[0]
    return [float(row[n]) for n in names]


def glmm_fetch(fit) -> pd.DataFrame:
    q = _query(fit, lambda t, eta, keys: t.select(y=t["_y"], wt=t["_wt"], eta=eta))
    if fit.model.design.source.kind == "duckdb-relation":
        return q.df()
    return fit.model.design.source.execute(q)


def fetch(fit) -> pd.DataFrame:
    q = fitted_query(fit)
    if fit.model.design.source.kind == "duckdb-relation":
        return q.df()
    return fit.model.design.source.execute(q)


def residual_quantiles(fit, probs) -> list[float]:
    return _quantiles(fit.model.design.source, fitted_query(fit), "residual", probs)
