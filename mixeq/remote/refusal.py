"""What a fit from a remote source cannot do, said with how it was made and the fix.

Profiles, simulations, the bootstrap and Satterthwaite's df evaluate the criterion
away from the estimate or refit to new responses: they need the data's rows, and a
remote fit holds none of them — by cells it holds per-cell sums (pseudo-rows for an
LMM, mixeq/remote/pseudo.py; one row per cell for a GLMM, glmm.py), by products the
cross-products of crossed factors (products.py), by passes nothing but the last
step's sums (passes.py). The message names which, from the fit's own design, and
how to load the source's rows to fit them in memory instead.
"""
from __future__ import annotations

DEFAULT_LINK = {"binomial": "logit", "poisson": "log"}
HOW = {
    "cells": "from per-cell sums of its rows (remote_glmm='cells': {cells:,} cells in memory, "
             "no row)",
    "cells-lmm": "from per-cell sums of its rows ({cells:,} pseudo-rows carrying each grouping "
                 "cell's cross-products, no row)",
    "products": "from the cross-products of its crossed grouping factors (no row in memory)",
    "passes": "by passes over its rows (remote_glmm='passes': one query per PIRLS step, "
              "{queries:,} so far; no row in memory)",
}


def how_fitted(fit) -> str:
    """How a remote fit was made, in words (its design's mode)."""
    design = fit.model.design
    mode = design.mode
    key = "cells-lmm" if mode == "cells" and not getattr(fit.model, "is_glmm", False) else mode
    queries = getattr(fit, "remote_passes", getattr(design, "passes", 0))
    return (f"{design.source.description} "
            + HOW.get(key, mode).format(cells=len(design.y), queries=int(queries)))


def load_hint(src) -> str:
    """The call that brings a source's rows into memory as a pandas DataFrame."""
    data = src.data
    if src.kind == "duckdb-path":
        low = str(data).lower()
        if low.endswith((".csv", ".tsv", ".txt")):
            sep = ", sep='\\t'" if low.endswith(".tsv") else ""
            return f"pandas.read_csv('{data}'{sep})"
        if any(ch in str(data) for ch in "*?["):
            return f"duckdb.read_parquet('{data}').df()"
        return f"pandas.read_parquet('{data}')"
    return {"duckdb-relation": "relation.df()", "spark": "spark_df.toPandas()",
            "ibis": "table.to_pandas()"}.get(src.kind, "a pandas DataFrame of the rows")


def refusal(fit, what: str, still: str = "") -> str:
    """``what`` needs the rows: the message naming how ``fit`` was made and the fix;
    ``still``: what does apply to the remote fit."""
    model = fit.model
    glmm = getattr(model, "is_glmm", False)
    extra = ""
    if glmm:
        family = model.family
        extra = f", family='{family.name}'"
        if family.link.name != DEFAULT_LINK.get(family.name):
            extra += f", link='{family.link.name}'"
    for option in ("weights", "offset"):
        name = getattr(model, f"{option}_name", None)
        if name is not None:
            extra += f", {option}={name!r}"
    src = model.design.source
    reads = f"to_pandas() reads {src.description} as {load_hint(src)} does"
    if src.factors:
        reads += f", and makes {', '.join(src.factors)} factors as factors= did"
    text = (f"{what} need the data's rows in memory, and this {'GLMM' if glmm else 'model'} "
            f"was fitted from a remote source, {how_fitted(fit)}: load the rows and fit them "
            f"in memory, data = fit.model.design.source.to_pandas(); "
            f"in_memory = mixeq.fit({model.formula!r}, data{extra}) ({reads})")
    return text + (f"; {still}" if still else "")
