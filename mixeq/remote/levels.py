"""Levels of predictors for a remote model, by aggregate queries.

The same fact as mixeq/design/levels.py, by its functions: a predictor is at the
level of a grouping factor it is constant within (``within_tolerance``: REL_TOL of
its overall spread), the highest such factor (``predictor_level``). The spreads are
computed in the engine: per level of the factor max − min (numbers) or whether
min = max (text), then the largest of those over levels — one query per grouping
factor, one row back. Run on first use (the equations need it; a fit
does not).
"""
from __future__ import annotations

from mixeq.design.levels import predictor_level, within_tolerance
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
        for i, c in enumerate(names):     # text: the count of levels with two values
            spread = float(spreads[f"r{i}"]) if numeric[c] else 0.0
            if within_tolerance(float(row[f"v{i}"]), spread):
                within[c].append(gname)
    return {c: predictor_level(c, tuple(within[c]), design.groups) for c in names}
