"""Predictions on new data: X and each term's matrix rebuilt with the formulaic
model specs kept on the design; levels not seen in the fit get no random effect."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.design.frame import as_frame, prepare_columns
from mixeq.design.names import r_column_name
from mixeq.design.unseen import (check_fixed_levels, check_group_levels,
                                 formulaic_mismatch, level_label, record_warnings)
from mixeq.errors import DataError, UnknownColumnError


def _matrix(model_spec, data: pd.DataFrame, columns: list[str], what: str,
            context: dict, aliases=None) -> np.ndarray:
    if model_spec is None:  # intercept-only left side
        return np.ones((len(data), 1))
    check_fixed_levels(model_spec, data, what, aliases)
    if aliases is not None:  # the columns as the spec was built with them
        data = aliases.frame(data)
    try:
        with record_warnings() as caught:
            mm = model_spec.get_model_matrix(data, na_action="ignore", output="pandas",
                                             context=context)
    except Exception as exc:  # formulaic: missing column, unseen category …
        message = aliases.undo(str(exc)) if aliases else exc
        raise DataError(f"cannot build the {what} for the new data: {message}") from None
    formulaic_mismatch(caught, what)
    frame = pd.DataFrame(np.asarray(mm, dtype=float),
                         columns=[r_column_name(c, aliases) for c in mm.columns])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"the new data do not give the {what} column(s) {', '.join(missing)}")
    return frame[columns].to_numpy()


def _group_codes(data: pd.DataFrame, group: tuple[str, ...], levels: list[str],
                 allow_new_levels: bool = False) -> np.ndarray:
    """Each row's level of ``a:b:…`` among the fitted ``levels`` (−1: not seen, or a
    missing value); unseen levels refused unless ``allow_new_levels`` (lme4's rule)."""
    labels = data[group[0]].astype(object).map(level_label)
    for name in group[1:]:
        labels = labels + ":" + data[name].astype(object).map(level_label)
    missing = data[list(group)].isna().any(axis=1).to_numpy()
    codes = pd.Index(levels).get_indexer(labels.to_numpy())
    codes[missing] = -1
    check_group_levels(":".join(group), labels.where(~missing).to_numpy(), codes,
                       allow_new_levels)
    return codes


def predict(fit, newdata: pd.DataFrame | None = None, include_random: bool = True,
            allow_new_levels: bool = False) -> pd.Series:
    """Predicted response for ``newdata`` (default: the data fitted). A row with a
    missing value in a predictor is NA (lme4's predict, na.action = na.pass); a new
    or missing grouping level is an error unless ``allow_new_levels`` (then b = 0)."""
    model = fit.model
    if newdata is None:
        values = fit.fitted if include_random else \
            model.X.to_numpy() @ fit.fixef.to_numpy() + new_offset(model, None)
        return pd.Series(np.asarray(values), index=model.data.index, name="predicted")
    index, X, terms = new_design(model, newdata, include_random, allow_new_levels)
    out = X @ fit.fixef.to_numpy() + new_offset(model, newdata)
    out[_missing_rows(model, newdata, include_random)] = np.nan
    for (M, codes), b in zip(terms, fit._b):
        known = codes >= 0
        out[known] += np.einsum("ik,ik->i", M[known], b[codes[known]])
    return pd.Series(out, index=index, name="predicted")


def new_offset(model, newdata) -> np.ndarray | float:
    """The offset of ``newdata``'s rows (the fitted rows' for None; 0 without one), as
    lme4's predict: the formula's ``offset(…)`` evaluated on the new data. An ``offset=``
    vector given to fit() belongs to the fitted rows only, so new data are refused."""
    offset = getattr(model, "offset", None)
    if offset is None:
        return 0.0
    if newdata is None:
        return np.asarray(offset, dtype=float)
    from mixeq.design.response import offset_vector

    design_offset = getattr(model.design, "offset", None)
    if design_offset is None or not np.array_equal(design_offset, offset):
        raise DataError("this fit's offset was given as offset=, one value per fitted row, so "
                        "it cannot be evaluated on new data: write it in the formula as "
                        "offset(column) to predict")
    return offset_vector(model.spec.offsets, as_frame(newdata), model.design.context,
                         getattr(model.design, "aliases", None))


def _missing_rows(model, newdata, include_random: bool) -> np.ndarray:
    """Rows of ``newdata`` with a missing value in a column the prediction uses (a
    grouping column aside: that is a new level, see :func:`_group_codes`)."""
    newdata = as_frame(newdata)
    groups = {g for t in model.spec.random for g in t.group}
    used = [c for c in _needed_columns(model, include_random)
            if c not in groups and c in newdata.columns]
    return newdata[used].isna().any(axis=1).to_numpy()


def new_design(model, newdata, include_random: bool = True, allow_new_levels: bool = True):
    """(index, X, [(M, codes) per term]) of ``newdata`` (None: the fitted rows): X and
    each term's matrix rebuilt with the design's formulaic specs and context; codes −1
    mark levels not seen in the fit. Used by predict() and the inference's intervals."""
    if newdata is None:
        terms = [(np.asarray(t.matrix, dtype=float), np.asarray(t.codes)) for t in model.terms]
        return model.y.index, model.X.to_numpy(dtype=float), terms
    newdata = as_frame(newdata)
    needed = _needed_columns(model, include_random)
    absent = [c for c in needed if c not in newdata.columns]
    if absent:
        raise UnknownColumnError(
            f"newdata lacks column(s) {', '.join(absent)} used by the model; add them "
            "(or predict with include_random=False if only grouping columns are missing)")
    groups = {g for t in model.spec.random for g in t.group}
    newdata = prepare_columns(newdata, {"fixed": [c for c in needed if c not in groups],
                                        "group": [c for c in needed if c in groups]})
    context, aliases = model.design.context, getattr(model.design, "aliases", None)
    X = _matrix(model.design.x_model_spec, newdata, list(model.X.columns), "fixed-effects matrix",
                context, aliases)
    terms = []
    if include_random:
        for term in model.terms:
            codes = _group_codes(newdata, term.spec.group, term.levels, allow_new_levels)
            M = _matrix(term.model_spec, newdata, list(term.columns),
                        f"term {term.spec.canonical()}", context, aliases)
            terms.append((M, codes))
    return newdata.index, X, terms


def _needed_columns(model, include_random: bool) -> list[str]:
    from mixeq.design.variables import used_variables

    used = used_variables(model.spec, transforms=model.design.context)
    names = set(used["fixed"])
    if include_random:
        names.update(used["random"], used["group"])
    return sorted(names)
