"""``fit.predict(newdata)`` for fits from a remote source: the formula compiled
again (compile.py) on the new rows — a pandas DataFrame, or a path or table as
for fitting — with the factor levels of the fit, and η = offset + Xβ̂ + Σ Z b̂
formed in an engine (Ibis; a DataFrame through DuckDB). Factors and grouping
variables are matched by their labels ('308' for 308 or 308.0), so new data
need not have the source's column types. As lme4 (and mixeq's in-memory predict),
a new level of a fixed-effect factor is an error, and a new or missing grouping
level is one unless ``allow_new_levels`` (then no random effect): new_levels.py.
"""
from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from mixeq.errors import DataError

ROW = "_mixeq_row"


def predict_remote(fit, newdata=None, type: str = "link", include_random: bool = True,
                   allow_new_levels: bool = False) -> pd.Series:
    """Predictions for ``newdata`` (None: the source's complete rows) on the link
    scale, or the response scale (``type="response"``, GLMMs)."""
    from mixeq.remote.compile import Compiler, label_expr
    from mixeq.remote.design import parse_terms
    from mixeq.remote.fitted import _assemble, _base, _modes
    from mixeq.remote.source import source

    if type not in ("link", "response"):
        raise DataError(f"type must be 'link' or 'response', not {type!r}")
    design = fit.model.design
    if newdata is None:
        table = design.source.table.filter(design.complete)
        run, index = design.source.execute, None
    elif isinstance(newdata, pd.DataFrame):
        frame = newdata.reset_index(drop=True).copy()
        frame[ROW] = np.arange(len(frame))
        table, run, index = ibis.memtable(frame), (lambda e: e.to_pandas()), newdata.index
    else:
        src = source(newdata)
        table, run, index = src.table, src.execute, None
    by_label = {c: None for c in design.factor_levels}
    comp = Compiler(table, {**design.source.factors, **by_label})
    comp.levels = {c: [(lab, lab) for _, lab in lv] for c, lv in design.factor_levels.items()}
    if newdata is not None:
        from mixeq.remote.new_levels import check_factor_levels

        check_factor_levels(table, comp.levels, run)
    offset, fixed_atoms, random_atoms, _ = parse_terms(design.spec, comp)
    spec = design.spec
    x_new = {c.name: c.expr for c in comp.columns(spec.intercept, fixed_atoms)}
    x_exprs = {name: x_new[name] for name in design.x_exprs}
    from mixeq.remote.design import _split

    t_new = [comp.columns(r.intercept or not r.terms, atoms)
             for r, atoms in zip(spec.random, _split(random_atoms, spec))]
    by_term = {r.canonical(): [c.expr for c in cols] for r, cols in zip(spec.random, t_new)}
    term_exprs = [by_term[t.spec.canonical()] for t in fit.model.terms]
    names = list(dict.fromkeys(c for term in fit.model.terms for c in term.group.split(":")))
    keys = {c: label_expr(table[c]) for c in names} if include_random else {}
    extra = {ROW: table[ROW]} if ROW in table.columns else {}
    base, key_names = _base(fit, table, x_exprs, offset, term_exprs if include_random else [],
                            keys, extra)
    if include_random:
        modes = [ibis.memtable(_modes(fit, i, term, as_labels=True))
                 for i, term in enumerate(fit.model.terms)]
        t, eta = _assemble(base, key_names, modes, fit)
        if newdata is not None and not allow_new_levels:
            from mixeq.remote.new_levels import check_group_levels

            check_group_levels(t, fit, run)
    else:
        t, eta = base, base["_fx"]
    cols = {"predicted": eta}
    if ROW in t.columns:
        cols[ROW] = t[ROW]
    out = run(t.select(**cols))
    if ROW in out.columns:
        out = out.sort_values(ROW)
    values = out["predicted"].to_numpy(dtype=float)
    if type == "response":
        values = fit.family.link.linkinv(values) if hasattr(fit, "family") else values
    return pd.Series(values, index=index if index is not None else None, name="predicted")
