"""Levels of new data the fit never saw: the one check predict() makes of them.

lme4's ``predict.merMod`` refuses a level of a fixed-effect factor the fit did not
see (model.frame: "factor f has new levels z"), since no coefficient exists for it;
formulaic would instead warn and code the row as the reference level, a silent
wrong prediction. A new level (or a missing value) of a grouping factor is refused
too unless ``allow.new.levels = TRUE``, when it gets no random effect (b = 0).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from mixeq.errors import DataError


def level_label(value) -> str:
    """A level as text: 308, 308.0 and '308' are one label (as the grouping codes)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    return str(value)


def unseen_fixed_levels(model_spec, data: pd.DataFrame, aliases=None) -> dict[str, list[str]]:
    """column → the labels in ``data`` (missing values aside) that the factor of the
    formulaic ``model_spec`` (fitted with it) did not have."""
    if model_spec is None:
        return {}
    frame = aliases.frame(data) if aliases is not None else data
    out: dict[str, list[str]] = {}
    for key, (_, state) in (getattr(model_spec, "encoder_state", None) or {}).items():
        if "categories" not in state:
            continue
        seen = {level_label(c) for c in state["categories"]}
        column = _factor_column(key, frame)
        if column is None:
            continue
        columns = [column]
        values = frame[columns[0]]
        labels = {level_label(v) for v in values[values.notna()].unique()}
        new = sorted(labels - seen)
        if new:
            name = aliases.undo(columns[0]) if aliases else columns[0]
            out[name] = out.get(name, []) + [n for n in new if n not in out.get(name, [])]
    return out


def _factor_column(key: str, frame: pd.DataFrame) -> str | None:
    """The column whose labels are the factor's levels: the column itself, or the first
    argument of ``factor(col)`` / ``C(col, …)``; None for a computed factor
    (``I(x > 5)``, ``factor(round(x))``), whose levels are not the column's values."""
    if key in frame.columns:
        return key
    from mixeq.spec.check import call_arguments

    for name in ("factor", "C"):
        args = call_arguments(key, name)
        if args and args[0].strip() in frame.columns:
            return args[0].strip()
    return None


def check_fixed_levels(model_spec, data: pd.DataFrame, what: str, aliases=None) -> None:
    """Raise a DataError naming each factor column of ``data`` with a level the fit
    never saw, the level(s), and the way out."""
    new = unseen_fixed_levels(model_spec, data, aliases)
    if new:
        listed = "; ".join(f"column {c!r} has level(s) {', '.join(map(repr, v))}"
                           for c, v in new.items())
        raise DataError(
            f"new levels detected in newdata for the {what}: {listed}, not seen in the fit, "
            "so no coefficient exists for them; use only the fitted levels (or drop those "
            "rows)")


def formulaic_mismatch(caught: list, what: str) -> None:
    """formulaic's warning of a category outside the fitted ones, as an error (the
    fallback for a factor :func:`unseen_fixed_levels` could not tie to one column)."""
    for w in caught:
        text = str(w.message)
        if "outside of the nominated levels" in text and "{nan}" not in text:
            levels = text.rsplit(":", 1)[-1].strip().rstrip(".")
            raise DataError(f"new levels detected in newdata for the {what}: {levels} "
                            "not seen in the fit; use only the fitted levels")


def record_warnings():
    """A context recording warnings (formulaic's level mismatch among them)."""
    return warnings.catch_warnings(record=True)


def check_group_levels(group: str, labels: np.ndarray, codes: np.ndarray,
                       allow_new_levels: bool) -> None:
    """lme4's rule for a grouping factor: a level not in the fit (code −1) or a missing
    value is an error unless ``allow_new_levels``, when the row gets b = 0."""
    if allow_new_levels:
        return
    labels = pd.Series(labels)
    missing = labels.isna().to_numpy()
    new = sorted({str(v) for v in labels[(codes < 0) & ~missing]})
    if new:
        shown = ", ".join(new[:10]) + (f" … ({len(new)} in all)" if len(new) > 10 else "")
        raise DataError(
            f"new levels detected in newdata for grouping factor {group!r}: {shown}; "
            "pass allow_new_levels=True to predict them with no random effect (b = 0, "
            "as lme4's allow.new.levels = TRUE), or include_random=False")
    if missing.any():
        raise DataError(
            f"missing values in newdata for grouping factor {group!r} (rows "
            f"{', '.join(map(str, np.flatnonzero(missing)[:10]))}); pass "
            "allow_new_levels=True to predict them with no random effect (b = 0), as lme4")
