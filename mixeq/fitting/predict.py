"""Predictions on new data: X and each term's matrix rebuilt with the formulaic
model specs kept on the design; levels not seen in the fit get no random effect."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.design.frame import as_frame, prepare_columns
from mixeq.design.names import r_column_name
from mixeq.errors import DataError, UnknownColumnError


def _matrix(model_spec, data: pd.DataFrame, columns: list[str], what: str,
            context: dict, aliases=None) -> np.ndarray:
    if model_spec is None:  # intercept-only left side
        return np.ones((len(data), 1))
    if aliases:  # the columns the spec was built with under their aliases
        data = aliases.frame(data)
    try:
        mm = model_spec.get_model_matrix(data, na_action="ignore", output="pandas",
                                         context=context)
    except Exception as exc:  # formulaic: missing column, unseen category …
        message = aliases.undo(str(exc)) if aliases else exc
        raise DataError(f"cannot build the {what} for the new data: {message}") from None
    frame = pd.DataFrame(np.asarray(mm, dtype=float),
                         columns=[r_column_name(c, aliases) for c in mm.columns])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"the new data do not give the {what} column(s) {', '.join(missing)}")
    return frame[columns].to_numpy()


def _group_codes(data: pd.DataFrame, group: tuple[str, ...], levels: list[str]) -> np.ndarray:
    """Each row's level of ``a:b:…`` among the fitted ``levels`` (−1: not seen)."""
    labels = data[group[0]].astype(str)
    for name in group[1:]:
        labels = labels + ":" + data[name].astype(str)
    return pd.Index(levels).get_indexer(labels.to_numpy())


def predict(fit, newdata: pd.DataFrame | None = None, include_random: bool = True) -> pd.Series:
    """Predicted response for ``newdata`` (default: the data fitted)."""
    model = fit.model
    if newdata is None:
        values = fit.fitted if include_random else \
            model.X.to_numpy() @ fit.fixef.to_numpy() + new_offset(model, None)
        return pd.Series(np.asarray(values), index=model.data.index, name="predicted")
    index, X, terms = new_design(model, newdata, include_random)
    out = X @ fit.fixef.to_numpy() + new_offset(model, newdata)
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


def new_design(model, newdata, include_random: bool = True):
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
            codes = _group_codes(newdata, term.spec.group, term.levels)
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
