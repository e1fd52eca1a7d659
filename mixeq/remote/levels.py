"""Levels of predictors for a remote model, by aggregate queries.

The same fact as mixeq/design/levels.py (a predictor is at the level of a
grouping factor it is constant within; the same tolerance, REL_TOL of its overall
spread), decided in the engine: per level of the factor max − min (numbers) or
whether min = max (text), then the largest of those over levels — one query per
grouping factor, one row back. Run on first use (the equations need it; a fit
does not).
"""
from __future__ import annotations

from mixeq.design.levels import REL_TOL
from mixeq.design.types import PredictorLevel


def remote_predictor_levels(design) -> dict[str, PredictorLevel]:
    src = design.source
    t = src.table.filter(design.complete)
    schema = t.schema()
    names = list(design.predictors)
    if not names:
        return {}
    numeric = {c: schema[c].is_numeric() and not schema[c].is_boolean()
               and c not in src.factors for c in names}
    spread_q = {f"r{i}": (t[c].max() - t[c].min()) for i, c in enumerate(names) if numeric[c]}
    spreads = src.execute(t.aggregate(**spread_q)).iloc[0] if spread_q else {}
    within: dict[str, list[str]] = {c: [] for c in names}
    for gname, g in design.groups.items():
        cols = gname.split(":")
        inner = {}
        for i, c in enumerate(names):
            inner[f"h{i}"], inner[f"l{i}"] = t[c].max(), t[c].min()
        per = t.group_by(cols).aggregate(**inner)
        outer = {}
        for i, c in enumerate(names):
            hi, lo = per[f"h{i}"], per[f"l{i}"]
            outer[f"v{i}"] = (hi - lo).max() if numeric[c] else (hi != lo).cast("int64").sum()
        row = src.execute(per.aggregate(**outer)).iloc[0]
        for i, c in enumerate(names):
            v = float(row[f"v{i}"])
            tol = REL_TOL * max(float(spreads[f"r{i}"]), 1e-300) if numeric[c] else 0.0
            if v <= tol:
                within[c].append(gname)
    out = {}
    for c in names:
        if not within[c]:
            out[c] = PredictorLevel(name=c, level=1, group=None)
            continue
        groups = design.groups
        top = max(within[c], key=lambda h: (groups[h].level, -groups[h].nlevels))
        out[c] = PredictorLevel(name=c, level=groups[top].level, group=top,
                                constant_within=tuple(within[c]))
    return out
