"""spec + data → Design (lme4's ``lFormula``: model frame, X, random-effects terms)."""
from __future__ import annotations

from functools import lru_cache

from mixeq.design.context import evaluation_context, transform_names
from mixeq.design.fixed import fixed_matrix
from mixeq.design.frame import as_frame, prepare_columns
from mixeq.design.grouping import assign_hierarchy, grouping_factor
from mixeq.design.missing import complete_rows
from mixeq.design.random import lme4_order, random_term
from mixeq.design.response import binomial_response, offset_vector, response_vector
from mixeq.design.types import Design
from mixeq.design.variables import check_columns
from mixeq.spec.aliases import Aliases
from mixeq.spec.check import check_formula
from mixeq.spec.types import ModelSpec


def build_design(spec: ModelSpec, data, transforms=None, family: str | None = None) -> Design:
    """Build X, y and the random-effects terms of ``spec`` on ``data``.

    ``data`` is not modified: rows with missing values in the variables used are
    left out of a copy (and counted), grouping variables are made factors.
    A spec is checked against the formula vocabulary again here, whoever made it
    (``parse``, ``read_equations`` or by hand): nothing is evaluated before that.
    ``family="binomial"`` reads cbind(successes, failures), two-level factor and
    proportion responses (see response.py). A missing value in a column an offset
    reads is an error, not a dropped row (the exposure of that row is unknown).
    """
    aliases = _check(spec.canonical(), transforms)  # the formula's one alias map
    context = evaluation_context(transforms)
    data = as_frame(data)
    used = check_columns(spec, data, transforms)
    columns = list(dict.fromkeys(c for names in used.values() for c in names))
    _check_offset_columns(spec, data, transforms)
    read = {}   # the used columns as read (prepare_columns → complete_rows → the rest)
    data = prepare_columns(data, used, read)
    complete = complete_rows(data, columns, read)
    frame, read = complete.data, complete.columns   # read: frame's used columns, read once
    trials = None
    if family == "binomial":
        y, trials = binomial_response(spec.response, frame, context, aliases, read)
    else:
        y = response_vector(spec.response, frame, context, aliases, read)
    offset = offset_vector(spec.offsets, frame, context, aliases)
    X, x_spec, dropped_cols = fixed_matrix(spec.intercept, spec.fixed, frame, context, aliases,
                                           read)
    groups = {}
    for term in spec.random:
        if term.group_name not in groups:
            groups[term.group_name] = grouping_factor(frame, term.group, term.canonical(),
                                                      columns=read)
    assign_hierarchy(groups)
    terms = lme4_order([random_term(t, frame, groups[t.group_name], context, aliases, read)
                        for t in spec.random])
    predictors = [c for c in dict.fromkeys(used["fixed"] + used["random"])
                  if c not in used["response"]]
    return Design(
        y=y, X=X, terms=terms, groups=groups,
        predictors=predictors,
        data=frame, dropped_rows=complete.dropped, dropped_index=complete.dropped_index,
        dropped_columns=dropped_cols, x_model_spec=x_spec, offset=offset, context=context,
        trials=trials, aliases=aliases,
    )


def _check(formula: str, transforms) -> Aliases:
    """check_formula, once per formula text and set of function names (it raises on a
    bad formula every time: errors are not cached); the formula's alias map
    (:mod:`mixeq.spec.aliases`)."""
    names = transform_names(transforms)
    if names is None:
        return check_formula(formula, transforms).aliases
    return _checked(formula, names)


@lru_cache(maxsize=512)
def _checked(formula: str, names: tuple) -> Aliases:
    return check_formula(formula, names).aliases


def _check_offset_columns(spec: ModelSpec, data, transforms) -> None:
    from mixeq.design.variables import formula_variables
    from mixeq.errors import DataError
    from mixeq.spec.vocabulary import OFFSET

    for expr in spec.offsets:
        for name in formula_variables(f"{OFFSET}({expr})", transforms=transforms):
            if name in data.columns:
                missing = int(data[name].isna().sum())
                if missing:
                    raise DataError(
                        f"the offset '{expr}' has {missing} missing value(s) in column '{name}': "
                        "fill them or drop those rows first (a row without its offset cannot "
                        "be fitted)")

