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


def _base(fit):
    design = fit.model.design
    t = design.source.table.filter(design.complete)
    fx = ibis.literal(0.0, type="float64")
    for (name, expr), beta in zip(design.x_exprs.items(), fit.fixef.to_numpy()):
        fx = fx + (float(beta) if expr is None else expr * float(beta))
    if design.offset_expr is not None:
        fx = fx + design.offset_expr
    cols = {"_y": design.y_expr, "_fx": fx}
    keys = list(dict.fromkeys(c for term in fit.model.terms for c in term.group.split(":")))
    for i, exprs in enumerate(design.term_exprs):
        for j, e in enumerate(exprs):
            cols[f"_t{i}_{j}"] = ibis.literal(1.0, type="float64") if e is None else e
    return t.select(*keys, **cols), keys


def _modes(fit, i: int, term) -> pd.DataFrame:
    """Term i's modes keyed by the engine values of its grouping variables."""
    g = fit.model.design.groups[term.group]
    frame = g.level_keys.reset_index(drop=True).copy()
    frame.columns = [f"_k{i}_{c}" for c in range(frame.shape[1])]
    b = fit._b[i]
    for j in range(b.shape[1]):
        frame[f"_b{i}_{j}"] = b[:, j]
    return frame


def _assemble(base, keys, tables, fit):
    t = base
    for i, (term, m) in enumerate(zip(fit.model.terms, tables)):
        cols = term.group.split(":")
        preds = [t[c] == m[f"_k{i}_{k}"] for k, c in enumerate(cols)]
        t = t.left_join(m, preds).select(
            *[t[c] for c in t.columns], *[m[f"_b{i}_{j}"] for j in range(term.ncols)])
    fitted = t["_fx"]
    for i, term in enumerate(fit.model.terms):
        for j in range(term.ncols):
            fitted = fitted + t[f"_t{i}_{j}"] * t[f"_b{i}_{j}"].fill_null(0.0)
    return t.select(*keys, y=t["_y"], fitted=fitted, residual=t["_y"] - fitted)


def fitted_query(fit):
    design = fit.model.design
    base, keys = _base(fit)
    modes = [_modes(fit, i, term) for i, term in enumerate(fit.model.terms)]
    if design.source.kind != "duckdb-relation":
        return _assemble(base, keys, [ibis.memtable(m) for m in modes], fit)
    # a relation runs SQL in its own connection: the modes go there as Parquet files
    names = [f"mixeq_modes_{i}" for i in range(len(modes))]
    tables = [ibis.table(ibis.memtable(m).schema(), name=n) for m, n in zip(modes, names)]
    sql = str(ibis.to_sql(_assemble(base, keys, tables, fit), dialect="duckdb"))
    folder = tempfile.mkdtemp(prefix="mixeq_modes_")
    for m, n in zip(modes, names):
        path = os.path.join(folder, f"{n}.parquet")
        m.to_parquet(path, index=False)
        sql = sql.replace(f'"{n}"', f"read_parquet('{path}')")
    return design.source.data.query(SOURCE_NAME, sql)


def fetch(fit) -> pd.DataFrame:
    q = fitted_query(fit)
    if fit.model.design.source.kind == "duckdb-relation":
        return q.df()
    return fit.model.design.source.execute(q)


def residual_quantiles(fit, probs) -> list[float]:
    src = fit.model.design.source
    names = [f"q{i}" for i in range(len(probs))]
    if src.kind == "duckdb-relation":
        q = fitted_query(fit)
        sel = ", ".join(f"quantile_cont(residual, {float(p)}) AS {n}" for p, n in zip(probs, names))
        row = q.query("mixeq_fitted", f"SELECT {sel} FROM mixeq_fitted").df().iloc[0]
    else:
        q = fitted_query(fit)
        row = src.execute(q.aggregate(**{n: q.residual.quantile(float(p))
                                          for p, n in zip(probs, names)})).iloc[0]
    return [float(row[n]) for n in names]
