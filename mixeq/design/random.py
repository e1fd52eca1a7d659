"""Random-effects terms: per-row term matrices and lme4's term order."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mixeq.design.fixed import build_matrix
from mixeq.design.types import GroupingFactor, ReTerm
from mixeq.errors import DataError
from mixeq.spec.types import RandomTerm


def term_matrix(term: RandomTerm, data: pd.DataFrame, context: dict | None = None,
                aliases=None, columns: dict | None = None) -> tuple[np.ndarray, list[str], object]:
    """The model matrix of the term's left side (``1 + x`` → columns 1, x)."""
    if not term.terms:
        return np.ones((len(data), 1)), ["(Intercept)"], None
    return build_matrix(term.intercept, term.terms, data,
                        f"random-effects term {term.canonical()}", context, aliases, columns)


def random_term(term: RandomTerm, data: pd.DataFrame, group: GroupingFactor,
                context: dict | None = None, aliases=None, read: dict | None = None) -> ReTerm:
    """The term on ``data`` (``read``: columns of ``data`` already read)."""
    matrix, columns, spec = term_matrix(term, data, context, aliases, read)
    re = ReTerm(spec=term, group=group.name, codes=group.codes, levels=group.levels,
                columns=columns, matrix=matrix, model_spec=spec)
    n = len(data)
    if re.q >= n:
        raise DataError(
            f"the term {term.canonical()} has {re.q} random effects ({re.nlevels} levels × "
            f"{re.ncols} columns) for {n} observations; they cannot be estimated apart from "
            "the residual: simplify the term (fewer columns, e.g. '(1 | g)') or use more data")
    return re


def lme4_order(terms: list[ReTerm]) -> list[ReTerm]:
    """Decreasing number of levels, ties kept in formula order (lme4's ``mkReTrms``)."""
    return sorted(terms, key=lambda t: -t.nlevels)
