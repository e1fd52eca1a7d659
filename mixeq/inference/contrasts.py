"""Contrast matrices for the F test of each fixed-effect term, as lmerTest's
``anova(type = 3)`` builds them (get_contrasts_type3 / extract_contrasts_type3,
and type I contrasts when the model has one term or one column).

Type III (X in treatment coding): every term's full cell-indicator matrix
rdX (intercept, then ``0 + term`` for each term: all levels of its factors times
its covariates) is expressed in X's columns, L = (X⁺ rdX)ᵀ; the columns of a term
contained in another (its variables a subset, the same covariates) are made
orthogonal to those of the containing terms, higher-order terms first; the rows
of L that are X's own columns are kept, and term t's contrast is the transpose
of its columns (zero rows dropped).

Type I: the Doolittle factor of XᵀX (unit lower triangular L with XᵀX = L U);
term t's rows of Lᵀ.
"""
from __future__ import annotations

import numpy as np

from mixeq.errors import InferenceError

ZAP = 1e-7


def _zap(a: np.ndarray) -> np.ndarray:
    """R's zapsmall: round away what is below 1e-7 of the largest entry."""
    m = np.max(np.abs(a)) if a.size else 0.0
    if m == 0:
        return a
    digits = max(0, 7 - int(np.ceil(np.log10(m))))
    return np.round(a, digits)


def type1_contrasts(access) -> dict[str, np.ndarray]:
    X = access.X
    p = X.shape[1]
    if p == 0 or (p == 1 and access.has_intercept):
        return {t: np.zeros((0, p)) for t in access.fixed_terms}
    C = np.linalg.cholesky(X.T @ X)
    Lunit = C / np.diag(C)       # XᵀX = Lunit diag(d) Lunitᵀ: Doolittle's L
    Lt = Lunit.T
    Lt[np.abs(Lt) < 1e-6] = 0.0
    return {t: Lt[cols] for t, cols in access.term_columns().items()}


def _variables(term: str) -> list[str]:
    from mixeq.design.names import split_interaction

    return split_interaction(term)


def _cell_matrix(data, term: str, context: dict) -> np.ndarray:
    """``model.matrix(~ 0 + term)``: all cells of the term's factors (times covariates)."""
    from formulaic import model_matrix

    try:
        mm = model_matrix("0 + " + term, data, na_action="ignore", output="pandas",
                          context=context)  # the formula vocabulary only (mixeq.design.context)
    except Exception as exc:
        raise InferenceError(f"cannot build the type III contrast of term {term!r}: {exc}") from None
    return np.asarray(mm, dtype=float)


def _is_numeric(data, var: str, context: dict) -> bool:
    from formulaic import model_matrix

    mm = model_matrix("0 + " + var, data, na_action="ignore", output="pandas", context=context)
    return mm.shape[1] == 1 and "[" not in str(mm.columns[0])


def containment(access) -> dict[str, list[str]]:
    """For each term, the terms that contain it (lmerTest's containment)."""
    terms = access.fixed_terms
    vars_ = {t: set(_variables(t)) for t in terms}
    numeric = {}
    for t in terms:
        numeric[t] = {v for v in vars_[t]
                      if _is_numeric(access.data, v, access.model.design.context)}
    out = {}
    for t in terms:
        out[t] = [u for u in terms if vars_[t] <= vars_[u] and vars_[u] - vars_[t]
                  and numeric[t] == numeric[u]]
    return out


def type3_contrasts(access) -> dict[str, np.ndarray]:
    terms = access.fixed_terms
    X = access.X
    if X.shape[1] <= 1 or len(terms) <= 1:
        return type1_contrasts(access)
    data = access.data
    blocks = [np.ones((X.shape[0], 1))] if access.has_intercept else []
    blocks += [_cell_matrix(data, t, access.model.design.context) for t in terms]
    rdX = np.column_stack(blocks)
    # which column of rdX each column of X is (treatment coding: each X column is one)
    match = []
    for j in range(X.shape[1]):
        hits = np.flatnonzero(np.all(np.abs(rdX - X[:, [j]]) <= 1e-12 * (1 + np.abs(X[:, [j]])), axis=0))
        if hits.size == 0:
            raise InferenceError(
                f"type III tests need treatment-coded factors; column {access.names[j]!r} of X is "
                "not a cell indicator of its term (sum or polynomial contrasts?): refit with "
                "treatment contrasts, or use type=1")
        match.append(int(hits[0]))
    L = _zap((np.linalg.pinv(X) @ rdX).T)          # rows: rdX columns; columns: X columns
    cols = access.term_columns()
    contained = containment(access)
    order = sorted(terms, key=lambda t: len(_variables(t)), reverse=True)
    for t in order:
        if contained[t] and cols[t]:
            big = [c for u in contained[t] for c in cols[u]]
            B = L[:, big]
            coef, *_ = np.linalg.lstsq(B, L[:, cols[t]], rcond=None)
            L[:, cols[t]] = _zap(L[:, cols[t]] - B @ coef)
    L = L[match]
    out = {}
    for t in terms:
        Lt = L[:, cols[t]].T
        out[t] = Lt[np.abs(Lt).sum(axis=1) > 1e-8]
    return out
