"""Contrast matrices for the F test of each fixed-effect term, as lmerTest's
``anova(type = 3)`` builds them (get_contrasts_type3 / extract_contrasts_type3,
and type I contrasts when the model has one term or one column).

Type III (X in treatment coding): every term's full cell-indicator matrix
rdX (intercept, then ``0 + term`` for each term by R's coding: all levels of its factors,
a logical as a factor FALSE/TRUE, times its covariates) is expressed in X's columns,
L = (X⁺ rdX)ᵀ; the columns of a term contained in another (lmerTest's containment: its
contrast-coded variables a subset, the same numeric ones) are made
orthogonal to those of the containing terms, higher-order terms first; the rows
of L that are X's own columns are kept, and term t's contrast is the transpose
of its columns (zero rows dropped).

Other codings (sum, Helmert, polynomial): the contrasts of the model recoded in treatment
contrasts by the design's own builder (aliased columns dropped), mapped back by X_t⁺ X
(lmerTest's get_contrasts_type3).

Type I: the Doolittle factor of XᵀX (unit lower triangular L with XᵀX = L U);
term t's rows of Lᵀ.
"""
from __future__ import annotations

import re

import numpy as np

from mixeq.errors import InferenceError
from mixeq.spec.check import written_contrasts
from mixeq.spec.types import quote_name

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


def _design(access) -> tuple[dict, object]:
    """The design's evaluation context and column aliases (mixeq.spec.aliases)."""
    design = access.model.design
    return design.context, getattr(design, "aliases", None)


def _cell_matrix(access, term: str) -> np.ndarray:
    """``model.matrix(~ 0 + term)`` by R's coding (mixeq.design.logical): all cells of the
    term's factors (a logical such as ``I(x > 5)`` is a factor FALSE/TRUE) times its
    covariates (lmerTest's get_rdX)."""
    from mixeq.design.fixed import build_matrix

    context, aliases = _design(access)
    try:
        values, _, _ = build_matrix(False, (term,), access.data, f"type III cells of {term!r}",
                                    context, aliases)
    except Exception as exc:
        raise InferenceError(f"cannot build the type III contrast of term {term!r}: {exc}") from None
    return values


def _is_numeric(access, var: str) -> bool:
    """R's data class ``numeric``: one number per row (a logical or a factor is not,
    nor a matrix such as ``poly(x, 2)``)."""
    from mixeq.design.fixed import build_matrix

    context, aliases = _design(access)
    values, names, spec = build_matrix(False, (var,), access.data, f"variable {var!r}",
                                       context, aliases)
    if values.shape[1] != 1:
        return False
    factors = getattr(spec, "factor_contrasts", None)
    return not factors


def coded_variables(terms: list[str]) -> dict[str, set[str]]:
    """Each term's variables that R's ``terms()`` marks 1 in its ``factors`` matrix (coded by
    contrasts: the term without the variable is empty or within a term before it), not 2
    (indicators) — mixeq.design.logical.r_coding with every variable a factor, as
    ``terms.formula`` does not look at the data, and with an intercept (R's factors matrix
    ignores it; model.matrix codes the first factor of a model without one by indicators)."""
    from mixeq.design.logical import r_coding

    split = [_variables(t) for t in terms]
    coded = r_coding([[(v, True) for v in vs] for vs in split], intercept=True)
    return {t: {v for v in vs if code[v]} for t, vs, code in zip(terms, split, coded)}


def containment(access) -> dict[str, list[str]]:
    """For each term, the terms that contain it — lmerTest's containment/term_contain: u
    contains t when t's coded variables (:func:`coded_variables`) are a proper subset of u's
    and their numeric ones (R's data class ``numeric``) are the same. So in ``f + f:h`` no term
    contains f (f:h codes f by indicators), and in ``h + I(x > 5):f`` h "contains" I(x > 5):f
    (neither of whose variables is coded by contrasts): lmerTest's answers, kept."""
    terms = access.fixed_terms
    vars_ = coded_variables(terms)
    numeric = {v: _is_numeric(access, v) for t in terms for v in _variables(t)}
    nums = {t: {v for v in vars_[t] if numeric[v]} for t in terms}
    return {t: [u for u in terms if vars_[t] <= vars_[u] and vars_[u] - vars_[t]
                and nums[t] == nums[u]] for t in terms}


def type3_contrasts(access) -> dict[str, np.ndarray]:
    """lmerTest's get_contrasts_type3: for treatment coding the contrasts built on X itself;
    for other codings (``C(f, contr.sum)``, Helmert, polynomial) those of the same model in
    treatment coding X_t, mapped to X's coding by X_t⁺ X (X_t β_t = X β)."""
    terms = access.fixed_terms
    X = access.X
    if X.shape[1] <= 1 or len(terms) <= 1:
        return type1_contrasts(access)
    blocks = [np.ones((X.shape[0], 1))] if access.has_intercept else []
    blocks += [_cell_matrix(access, t) for t in terms]
    rdX = np.column_stack(blocks)
    if _cell_columns(X, rdX) is not None:
        return _extract_type3(access, X, rdX, access.term_columns())
    Xt, cols_t = _treatment_design(access)
    if _cell_columns(Xt, rdX) is None:
        raise InferenceError("type III tests: the model's factors could not be recoded in "
                             "treatment contrasts (a term that is not a product of factors and "
                             "covariates?); use type=1")
    Lt = _extract_type3(access, Xt, rdX, cols_t)
    mapping = _zap(np.linalg.pinv(Xt) @ X)
    return {t: L @ mapping for t, L in Lt.items()}


def _cell_columns(X: np.ndarray, rdX: np.ndarray) -> list[int] | None:
    """Which column of rdX each column of X is (treatment coding: each is one), or None."""
    match = []
    for j in range(X.shape[1]):
        hits = np.flatnonzero(np.all(np.abs(rdX - X[:, [j]]) <= 1e-12 * (1 + np.abs(X[:, [j]])),
                                     axis=0))
        if hits.size == 0:
            return None
        match.append(int(hits[0]))
    return match


_CODED = re.compile(r"\bC\(\s*([^,()]+?)\s*,[^()]*\)")


def _treatment_design(access) -> tuple[np.ndarray, dict[str, list[int]]]:
    """The model's X in treatment coding (each ``C(f, …)`` read as ``C(f)``), built by the
    design's own builder (R's coding: mixeq.design.fixed.build_matrix) with the aliased
    columns dropped as lme4 and lmerTest's ensure_full_rank drop them, and its columns per
    term (lmerTest's get_model_matrix(type = "remake", contrasts = "contr.treatment"))."""
    from mixeq.design.fixed import build_matrix, independent_columns

    terms = access.fixed_terms
    plain = tuple(_CODED.sub(r"C(\1)", t) for t in terms)
    context, aliases = _design(access)
    try:
        values, _, spec = build_matrix(access.has_intercept, plain, access.data,
                                       "treatment-coded model matrix", context, aliases)
    except Exception as exc:
        raise InferenceError(f"type III tests: cannot rebuild the model in treatment "
                             f"contrasts ({exc}); use type=1") from None
    keep = independent_columns(np.asfortranarray(values))
    new_index = np.cumsum(keep) - 1                 # built column → kept column
    undo = (lambda k: aliases.undo(k, quote_name)) if aliases else str
    slices = {frozenset(undo(written_contrasts(str(k))).split(":")): sl
              for k, sl in getattr(spec, "term_slices", {}).items()}
    cols = {}
    for t, q in zip(terms, plain):
        sl = slices.get(frozenset(q.split(":")))
        if sl is None:
            raise InferenceError(f"type III tests: term {t!r} not found in the treatment-coded "
                                 "model; use type=1")
        cols[t] = [int(new_index[j]) for j in range(sl.start, sl.stop) if keep[j]]
    return values[:, keep], cols


def _extract_type3(access, X: np.ndarray, rdX: np.ndarray, cols: dict) -> dict[str, np.ndarray]:
    """lmerTest's extract_contrasts_type3 for a treatment-coded X (columns ``cols`` per term)."""
    terms = access.fixed_terms
    match = _cell_columns(X, rdX)
    L = _zap((np.linalg.pinv(X) @ rdX).T)          # rows: rdX columns; columns: X columns
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
