"""Levels of new rows the remote fit never saw, found by the engine (one small
query each): lme4's rule as the in-memory predict (mixeq/design/unseen.py) — a
new level of a factor of the fixed part (or of a random slope) is an error, as no
coefficient exists for it; a new or missing grouping level is an error unless
``allow_new_levels`` (then b = 0)."""
from __future__ import annotations

from mixeq.errors import DataError

SHOWN = 10


def check_factor_levels(table, levels: dict, run) -> None:
    """``levels``: factor column → the fitted [(label, label)]; ``run`` executes an
    Ibis expression to pandas."""
    from mixeq.remote.compile import label_expr

    found = {}
    for column, pairs in levels.items():
        if column not in table.columns:
            continue
        label = label_expr(table[column])
        query = table.filter(table[column].notnull() & ~label.isin([lab for _, lab in pairs]))
        new = run(query.select(level=label).distinct().limit(SHOWN))["level"].tolist()
        if new:
            found[column] = sorted(map(str, new))
    if found:
        listed = "; ".join(f"column {c!r} has level(s) {', '.join(map(repr, v))}"
                           for c, v in found.items())
        raise DataError(f"new levels detected in newdata: {listed}, not seen in the fit, so "
                        "no coefficient exists for them; use only the fitted levels (or "
                        "drop those rows)")


def check_group_levels(t, fit, run) -> None:
    """``t``: the new rows left-joined with each term's modes (``_b{i}_0`` null where
    the row's grouping level has none: new, or missing)."""
    for i, term in enumerate(fit.model.terms):
        cols = term.group.split(":")
        unmatched = t.filter(t[f"_b{i}_0"].isnull())
        rows = run(unmatched.select(*cols).distinct().limit(SHOWN))
        if len(rows):
            missing = rows.isna().any(axis=1)
            new = [":".join(map(str, r)) for r in rows[~missing].itertuples(index=False)]
            what = (f"new levels detected in newdata for grouping factor {term.group!r}: "
                    f"{', '.join(new)}" if new else
                    f"missing values in newdata for grouping factor {term.group!r}")
            raise DataError(f"{what}; pass "
                            "allow_new_levels=True to predict them with no random effect "
                            "(b = 0, as lme4's allow.new.levels = TRUE), or include_random=False")
