"""R's model.matrix rules at formulaic's model-matrix step: a logical variable is a
factor, and each factor of a term is coded by contrasts or by indicators as R codes it.

R's ``model.matrix`` codes every logical variable of a formula — a logical column,
``I(x > 5)``, a function returning TRUE/FALSE — as a factor with levels FALSE, TRUE
(``contrasts<-`` on a logical: ``factor(x, levels = c(FALSE, TRUE))``), so
``I(x > 5)`` is the column ``I(x > 5)TRUE`` beside an intercept and ``I(x > 5):f``
has one column per (FALSE, TRUE) × level of ``f``. formulaic treats booleans as
numbers (one 0/1 column ``I(x > 5)``); :class:`RMaterializer` evaluates each
factor as formulaic does and codes a boolean result as R does. ``factor(x > 5)``
and ``C(x > 5, …)`` keep the levels present, as R's ``factor()`` does, labelled
FALSE/TRUE. Logical data columns are made such factors before (:mod:`.frame`).
The response and offsets are not model-matrix columns: there a logical is 0/1,
as in R.

Which factors of a term get contrasts is R's rule too (:func:`r_coding`), not
formulaic's: formulaic picks a full-rank coding of its own (``f:h`` without its
margins → ``hq, fb:hp, fc:hp, …``), R codes a factor by indicators when the term
without it is not among the terms before (``fa:hp, fb:hp, …``, rank deficient;
lme4 then drops the aliased columns, as :func:`mixeq.design.fixed.fixed_matrix`
does).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from formulaic.materializers import PandasMaterializer
from formulaic.materializers.types import FactorValues, ScopedFactor, ScopedTerm
from formulaic.parser.types import Factor
from interface_meta import override

FALSE_TRUE = ["FALSE", "TRUE"]  # R's labels of a logical used as a factor


def is_logical(values) -> bool:
    """A boolean array or Series (numpy bool, pandas' nullable boolean)."""
    dtype = getattr(values, "dtype", None)
    return dtype is not None and pd.api.types.is_bool_dtype(dtype)


def logical_labels(values) -> np.ndarray:
    """TRUE/FALSE as R prints them (missing stays missing)."""
    raw = pd.Series(values).to_numpy(dtype=object, na_value=None)
    return np.array([None if v is None else ("TRUE" if bool(v) else "FALSE") for v in raw],
                    dtype=object)


class RMaterializer(PandasMaterializer):
    """formulaic's pandas materializer with R's coding of logical variables (registered
    by name, as a model spec records its materializer by name; never chosen for data
    by formulaic itself: it registers no input types)."""

    REGISTER_NAME = "mixeq_r"

    @override
    def _evaluate(self, expr, metadata, spec):
        value, variables = super()._evaluate(expr, metadata, spec)
        inner = value.__wrapped__ if isinstance(value, FactorValues) else value
        if not is_logical(inner):
            return value, variables
        meta = getattr(value, "__formulaic_metadata__", None)
        labels = logical_labels(inner)
        if meta is not None and meta.kind is Factor.Kind.CATEGORICAL:  # factor(), C()
            return FactorValues(pd.Series(labels, index=getattr(inner, "index", None)),
                                metadata=meta), variables
        return FactorValues(pd.Series(pd.Categorical(labels, categories=FALSE_TRUE),
                                      index=getattr(inner, "index", None)),
                            kind="categorical", spans_intercept=True), variables

    @override
    def _get_scoped_terms(self, terms, ensure_full_rank: bool = True):
        """Each term's factors scoped by R's rule (:func:`r_coding`) instead of
        formulaic's full-rank search; constants (the intercept) scale the term."""
        terms = list(terms)
        evaled = [[self.factor_cache[f.expr] for f in t.factors
                   if self.factor_cache[f.expr].values.__wrapped__ is not None] for t in terms]
        constant = Factor.Kind.CONSTANT
        intercept = any(f and all(e.metadata.kind is constant for e in f) for f in evaled)
        codes = r_coding([[(e.factor.expr, e.metadata.kind is Factor.Kind.CATEGORICAL)
                           for e in f if e.metadata.kind is not constant] for f in evaled],
                         intercept)
        for term, factors, code in zip(terms, evaled, codes):
            if not factors:
                yield term, []
                continue
            scale = 1
            for e in factors:
                if e.metadata.kind is constant:
                    scale = scale * e.values
            yield term, [ScopedTerm(
                factors=[ScopedFactor(e, reduced=code.get(e.factor.expr, False))
                         for e in factors if e.metadata.kind is not constant],
                scale=scale)]


def r_coding(terms: list[list[tuple[str, bool]]], intercept: bool) -> list[dict[str, bool]]:
    """For each term (its variables as (name, is a factor), constants left out), which
    factors are coded by contrasts (True) rather than indicators (False) — R's
    ``TermCode`` (``terms.formula``; Chambers & Hastie, *Statistical Models in S*, p. 38):
    factor F of term T gets contrasts when T without F is empty or contained in a term
    before T, else indicators. Without an intercept the first factor of the first term
    holding one gets indicators (R's ``model.matrix``). The one rule of the in-memory
    design (formulaic, :class:`RMaterializer`) and of the remote compiler."""
    keys = [frozenset(name for name, _ in t) for t in terms]
    out, first = [], not intercept
    for pos, term in enumerate(terms):
        code = {}
        for name, factor in term:
            if not factor:
                continue
            rest = keys[pos] - {name}
            code[name] = not rest or any(rest <= keys[k] for k in range(pos))
            if first:
                code[name], first = False, False
        out.append(code)
    return out
