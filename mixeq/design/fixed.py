"""The fixed-effects model matrix X (formulaic materialises it; lme4's names)."""
from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pandas as pd
from formulaic import Formula
from scipy.linalg.lapack import dgeqrf

from mixeq.design.context import evaluation_context
from mixeq.design.logical import RMaterializer
from mixeq.design.names import r_column_name
from mixeq.design.numeric import numeric_spec
from mixeq.errors import DataError, MixeqWarning
from mixeq.fitting.threads import limit
from mixeq.spec.aliases import Aliases
from mixeq.spec.check import formulaic_text, written_contrasts

RANK_TOL = 1e-7  # R's qr() tolerance, which lme4 uses to find aliased columns


def build_matrix(intercept: bool, terms: tuple[str, ...], data: pd.DataFrame,
                 what: str, context: dict | None = None, aliases: Aliases | None = None,
                 columns: dict | None = None) -> tuple[np.ndarray, list[str], object]:
    """Model matrix of ``[1 +] terms`` on ``data``, its lme4 column names, and the
    spec that rebuilds it on new data (numpy for numeric columns, else formulaic,
    evaluating in ``context``: :func:`mixeq.design.context.evaluation_context`).
    Columns in ``aliases`` pass under their aliases and get their names back;
    ``columns``: those of ``data`` already read (:func:`mixeq.design.frame.read_column`)."""
    terms, data = formulaic_terms(terms, data, aliases)
    numeric = numeric_spec(intercept, terms, data, None if aliases else columns)
    if numeric is not None:
        spec, columns = numeric
        values, names = spec.values(data, columns), spec.column_names
    else:
        rhs = " + ".join(["1" if intercept else "0", *terms])
        try:
            # numpy output: formulaic's pandas output costs a frame per call (~1.5 ms of a
            # 56-row model); the names are the model spec's, as the frame's columns were
            mm = _formula(rhs).get_model_matrix(
                data, na_action="ignore", output="numpy", materializer=RMaterializer,
                context=evaluation_context() if context is None else context)
        except Exception as exc:
            def undo(text: str) -> str:   # the user's names and contrasts, as written
                text = written_contrasts(text)
                return aliases.undo(text) if aliases else text
            raise DataError(f"cannot build the {what} '{undo(rhs)}': {undo(str(exc))}") from None
        spec = mm.model_spec
        values, names = np.asarray(mm, dtype=float), list(spec.column_names)
    names = [r_column_name(c, aliases) for c in names]
    _check_unique(names, what)
    if not np.isfinite(values).all():   # (all(axis=0) of a row-major n × p: ~15× slower)
        finite = np.isfinite(values).all(axis=0)
        bad = [n for n, ok in zip(names, finite) if not ok]
        raise DataError(
            f"the {what} has infinite or undefined values in column(s) {', '.join(bad)} "
            "(a transformation such as log() of zero or a negative number?)")
    return values, names, spec


def formulaic_terms(terms: tuple[str, ...], data: pd.DataFrame,
                    aliases: Aliases | None) -> tuple[tuple[str, ...], pd.DataFrame]:
    """Terms and data as formulaic sees them: columns Python cannot spell, or named
    like a function the terms call, under their aliases, no column hiding a function
    (:meth:`mixeq.spec.aliases.Aliases.frame`), contrasts named in C() as strings (:func:`mixeq.spec.check.formulaic_text`)."""
    if aliases is not None:
        terms, data = tuple(aliases.text(t) for t in terms), aliases.frame(data)
    return tuple(formulaic_text(t) for t in terms), data


@lru_cache(maxsize=512)
def _formula(rhs: str) -> Formula:
    """formulaic's parse of a right-hand side, once per text (parsing does not depend
    on the data; the structure is only read when materialising)."""
    return Formula(rhs)


def _check_unique(names: list[str], what: str) -> None:
    """Two columns of one name would make a coefficient ambiguous (fixef['x']): refuse."""
    if len(set(names)) == len(names):
        return
    seen, dup = set(), []
    for name in names:
        if name in seen and name not in dup:
            dup.append(name)
        seen.add(name)
    raise DataError(
        f"the {what} would have several columns named {', '.join(repr(d) for d in dup)} (a "
        "column whose name is a factor's name plus one of its levels?): rename the column")


def fixed_matrix(intercept: bool, terms: tuple[str, ...], data: pd.DataFrame,
                 context: dict | None = None, aliases: Aliases | None = None,
                 columns: dict | None = None) -> tuple[pd.DataFrame, object, list[str]]:
    """X with aliased columns dropped (and named in a warning), as lme4 does."""
    values, names, spec = build_matrix(intercept, terms, data, "fixed-effects model matrix",
                                       context, aliases, columns)
    # column-major, once: independent_columns reads it so, and it is the layout pandas
    # copies a matrix into (X's block: p × n, row-major), so X takes it without a copy
    values = np.asfortranarray(values)
    keep = independent_columns(values)
    dropped = [c for c, k in zip(names, keep) if not k]
    if dropped:
        warnings.warn(
            f"fixed-effect model matrix is rank deficient so dropping {len(dropped)} "
            f"column{'s' if len(dropped) > 1 else ''}: {', '.join(dropped)} (aliased with "
            "earlier columns; remove the redundant term to silence this)",
            MixeqWarning, stacklevel=4)
        values, names = values[:, keep], [c for c, k in zip(names, keep) if k]
    X = pd.DataFrame(np.asfortranarray(values), index=data.index,
                     columns=column_index(tuple(names)), copy=False)
    return X, spec, dropped


def column_index(names: tuple[str, ...]) -> pd.Index:
    """X's column labels: a view of its own (a ``.name`` set on one model's columns, or
    on a fit's fixef index, stays there) of the labels made once per set of names."""
    return _labels(names).view()


@lru_cache(maxsize=512)
def _labels(names: tuple[str, ...]) -> pd.Index:
    """An Index of text labels costs ~20 µs to make, a tenth of a small model's
    non-formulaic build; its values are immutable, so one serves every model."""
    return pd.Index(names)


CHUNK_ROWS = 262_144   # rows per QR block: a few MB of work, whatever n is
# From about this many entries OpenBLAS runs the QR on several threads, which spin: on
# a busy 2-core machine VerbAgg's 7,584 × 7 QR took 5–25 ms so, 0.5 ms on one thread
# (mixeq/fitting/threads.py); below it, one thread anyway and no 30 µs to set the cap.
ONE_THREAD_SIZE = 10_000


def independent_columns(X: np.ndarray, tol: float = RANK_TOL) -> np.ndarray:
    """Columns that are not (numerically) combinations of the columns before them.

    Like R's ``qr(X, tol = 1e-7)`` with its limited pivoting: in a QR
    decomposition without pivoting, |R_jj| is the norm of column j's part
    orthogonal to the columns before it; below ``tol`` of the column's own norm,
    the column is aliased. Columns are scaled to max |value| 1 first (R's QR computes
    norms without overflow; a plain sum of squares of 1e160 would not).

    R (p × p) is formed block by block (a tall-skinny QR: the QR of [R_prev; next
    rows] has the R of all rows so far, unique up to signs), and the column norms
    are those of R's columns (QᵀQ = I); a 10⁷-row X never has an n × p copy made:
    ``scipy.linalg.qr(mode="r")`` returned an n × p R and took 2.4 of the 8.4 s of
    building a 10M-row model.
    """
    n, p = X.shape
    if p == 0:
        return np.zeros(0, dtype=bool)
    # The test is unchanged by scaling a column, but squares of values beyond ~1e±154
    # overflow or underflow: divide each column by its largest |value| first.
    # Column-major blocks: numpy's max down the columns of a row-major n × p array (and
    # LAPACK's copy of it) cost several times the conversion (VerbAgg's X: 142 µs → 30).
    whole = np.asfortranarray(X) if n <= CHUNK_ROWS else None

    def block(start: int) -> np.ndarray:
        return whole if whole is not None else np.asfortranarray(X[start:start + CHUNK_ROWS])

    scale = np.zeros(p)
    for start in range(0, n, CHUNK_ROWS):
        np.maximum(scale, np.abs(block(start)).max(axis=0), out=scale)
    scale[scale == 0] = 1.0
    R = np.zeros((0, p))
    with limit(1 if n * p >= ONE_THREAD_SIZE else None):
        for start in range(0, n, CHUNK_ROWS):
            scaled = block(start) / scale
            R = _qr_r(np.vstack([R, scaled]) if start else scaled)
    norms = np.sqrt(np.einsum("ij,ij->j", R, R))
    diag = np.abs(np.diag(R))
    if diag.size < p:  # fewer rows than columns
        diag = np.concatenate([diag, np.zeros(p - diag.size)])
    return (norms > 0) & (diag > tol * norms)


def _qr_r(A: np.ndarray) -> np.ndarray:
    """R of A = QR (min(m, p) × p): LAPACK's Householder QR (dgeqrf), the routine
    np.linalg.qr(mode="r") calls, through scipy's thin binding: numpy's wrapper cost
    8 µs of Python around 1 µs of LAPACK for a small X, and ~60 µs of a 1 ms build
    (cold). The same R bit for bit on 3,000 random, aliased and 0/1 matrices."""
    qr, _, _, info = dgeqrf(A)
    if info != 0:
        raise np.linalg.LinAlgError(f"dgeqrf failed (info {info})")
    return np.triu(qr[:min(A.shape)])
